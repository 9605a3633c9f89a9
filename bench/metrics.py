"""Benchmark: a subtree dashboard figure at scales S, M and L, next to its raw-SQL floors.

Usage: uv run python bench/metrics.py [--scales S,M,L]   (PostgreSQL on 127.0.0.1, user postgres)

Tree: the national division tree (665,276 units). Records: problems (each with its "open"
transition) spread over April–June 2023:
  S  3,000 problems on 161 Inner Mongolia units (the seed's first batch)
  M  200,000 problems on all 15,938 Inner Mongolia units
  L  5,000,000 problems on all 665,276 units
The figure: "problems found, by child, as of 2023-06-07" for 内蒙古自治区 (12 children), through
`metric_by_child` (Django ORM over the metric facts). Floors in the same run: the same aggregate
in raw SQL over the facts, and in raw SQL over the records themselves (what a ledger without
the facts would run). At S the facts are built by the engine (`metric_rebuild`) and checked
against the SQL builder used for M and L; at every scale the figure is checked against the
records.
"""

import argparse
import datetime
import os
import random
import statistics
import subprocess
import sys
import time

PG = "postgres://postgres@127.0.0.1:5432/shigan_bench_metrics"
SCALES = {"S": (3_000, "batch"), "M": (200_000, "province"), "L": (5_000_000, "nation")}
AS_OF = datetime.date(2023, 6, 7)
START = datetime.date(2023, 4, 1)


def setup_django():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shigan.settings")
    django.setup()


def pg(*args):
    subprocess.run([*args, "-h", "127.0.0.1", "-U", "postgres", "shigan_bench_metrics"], check=True)


def timed(fn, runs: int = 40) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def unit_pool(where: str) -> list[int]:
    from shigan.orgs.models import Unit

    region = Unit.objects.get(division_level=1, division_code="150000000000")
    if where == "nation":
        return list(Unit.objects.values_list("pk", flat=True))
    subtree = Unit.objects.subtree_of(region).order_by("depth", "path")
    return list(subtree.values_list("pk", flat=True)[: 161 if where == "batch" else None])


def load_problems(count: int, where: str) -> None:
    from django.db import connection

    from shigan.core.bulk import bulk_insert
    from shigan.problems.models import Problem, ProblemTransition

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE problems_problemtransition, problems_problem, metrics_metricfact "
            "RESTART IDENTITY"
        )
    units = unit_pool(where)
    rng = random.Random(7)
    sources = ["research", "self_inspection", "inspection_feedback", "petition", "assigned"]
    now = datetime.datetime(2023, 6, 7, tzinfo=datetime.UTC)
    days = [START + datetime.timedelta(days=rng.randrange(68)) for _ in range(count)]
    bulk_insert(
        Problem,
        ("unit", "source", "title", "found_on", "state", "created_at"),
        (
            (rng.choice(units), rng.choice(sources), f"问题{i}", days[i], "open", now)
            for i in range(count)
        ),
    )
    bulk_insert(
        ProblemTransition,
        ("problem", "from_state", "to_state", "day", "at", "comment"),
        ((i + 1, "", "open", days[i], now, "") for i in range(count)),
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE problems_problem; ANALYZE problems_problemtransition")


FACTS_SQL = """
INSERT INTO metrics_metricfact (metric, campaign_id, unit_id, day, dim, value, delta)
SELECT 'problems.found', 0, anc.id, own.day, '', '', SUM(own.n)
FROM (
    SELECT p.unit_id, t.day, COUNT(*) AS n
    FROM problems_problemtransition t JOIN problems_problem p ON p.id = t.problem_id
    WHERE t.from_state = '' GROUP BY p.unit_id, t.day
) own
JOIN orgs_unit u ON u.id = own.unit_id
JOIN generate_series(1, 8) AS d(depth) ON d.depth <= u.depth
JOIN orgs_unit anc ON anc.path = substr(u.path, 1, 4 * d.depth)
GROUP BY anc.id, own.day
"""


def build_facts_sql() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM metrics_metricfact WHERE metric = 'problems.found'")
        cursor.execute(FACTS_SQL)
        cursor.execute("ANALYZE metrics_metricfact")


def facts_snapshot():
    from shigan.metrics.models import MetricFact

    return sorted(
        MetricFact.objects.filter(metric="problems.found", dim="")
        .exclude(delta=0)
        .values_list("unit", "day", "delta")
    )


RAW_FACTS = """
SELECT f.unit_id, SUM(f.delta) FROM metrics_metricfact f JOIN orgs_unit u ON u.id = f.unit_id
WHERE f.metric = 'problems.found' AND f.dim = '' AND f.value = '' AND f.day <= %s
  AND u.path >= %s AND u.path < %s AND u.depth = %s
GROUP BY f.unit_id
"""
RAW_RECORDS = """
SELECT substr(u.path, 1, %s), COUNT(*) FROM problems_problem p
JOIN orgs_unit u ON u.id = p.unit_id
WHERE u.path >= %s AND u.path < %s
  AND EXISTS (SELECT 1 FROM problems_problemtransition t WHERE t.problem_id = p.id AND t.day <= %s)
GROUP BY 1
"""


def measure(scale: str) -> str:
    from django.db import connection

    from shigan.accounts.system import system_actor
    from shigan.metrics.engine import metric_rebuild
    from shigan.metrics.selectors import metric_by_child
    from shigan.orgs.models import Unit
    from shigan.orgs.scoping import path_upper
    from shigan.problems.metrics import PROBLEMS

    count, where = SCALES[scale]
    started = time.perf_counter()
    load_problems(count, where)
    if scale == "S":
        metric_rebuild(PROBLEMS)
        engine_facts = facts_snapshot()
        build_facts_sql()
        assert facts_snapshot() == engine_facts, "SQL fact builder disagrees with the engine"
    else:
        build_facts_sql()
    load_seconds = time.perf_counter() - started

    region = Unit.objects.get(division_level=1, division_code="150000000000")
    upper = path_upper(region.path)

    system = system_actor("基准测试")

    def figure():
        return metric_by_child(PROBLEMS, unit=region, user=system, as_of=AS_OF)

    def raw_facts():
        with connection.cursor() as cursor:
            cursor.execute(RAW_FACTS, [AS_OF, region.path, upper, region.depth + 1])
            return cursor.fetchall()

    def raw_records():
        with connection.cursor() as cursor:
            cursor.execute(RAW_RECORDS, [len(region.path) + 4, region.path, upper, AS_OF])
            return cursor.fetchall()

    rows = figure()
    shown = {row.unit.path if row.unit else region.path: row.value for row in rows}
    truth = dict(raw_records())  # keyed by child path; the region's own records by its path
    assert all(shown.get(p, 0) == n for p, n in truth.items()), "figure != records"
    assert sum(shown.values()) == sum(truth.values()), "figure != records"
    total = sum(shown.values())
    fig = timed(figure)
    facts = timed(raw_facts)
    records = timed(raw_records, runs=10 if scale == "L" else 20)
    return "\t".join(
        map(
            str,
            [
                scale,
                count,
                total,
                round(load_seconds, 1),
                *map(lambda x: round(x, 2), fig),
                *map(lambda x: round(x, 2), facts),
                *map(lambda x: round(x, 2), records),
            ],
        )
    )


def child(scales: list[str]) -> None:
    setup_django()
    from django.core.management import call_command

    from shigan.accounts.system import system_actor
    from shigan.orgs.divisions import divisions_import

    call_command("migrate", verbosity=0)
    divisions_import(actor=system_actor("基准测试"))
    for scale in scales:
        print(measure(scale), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="S,M,L")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    scales = args.scales.split(",")
    if args.child:
        child(scales)
        return
    subprocess.run(
        ["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", "shigan_bench_metrics"],
        check=True,
    )
    pg("createdb")
    try:
        env = {**os.environ, "DATABASE_URL": PG, "SHIGAN_HOME": "/tmp/shigan-bench-metrics"}
        out = subprocess.run(
            [sys.executable, __file__, "--child", "--scales", args.scales],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        subprocess.run(
            ["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", "shigan_bench_metrics"],
            check=True,
        )
    rows = [line.split("\t") for line in out.strip().splitlines()]
    print(
        "subtree dashboard figure: problems by child of 内蒙古自治区 as of 2023-06-07 (PostgreSQL)"
    )
    print("times in ms, median / p95; floors measured in the same run")
    print(
        f"{'scale':<6}{'problems':>11}{'in IM':>9}{'load s':>8}"
        f"{'figure':>16}{'raw SQL facts':>18}{'raw SQL records':>20}"
    )
    base = None
    for scale, count, total, load, fm, fp, rm, rp, qm, qp in rows:
        base = base or float(fm)
        print(
            f"{scale:<6}{int(count):>11,}{int(total):>9,}{load:>8}"
            f"{fm:>8} / {fp:<6}{rm:>9} / {rp:<7}{qm:>11} / {qp:<7}"
        )
    if base:
        worst = max(float(r[4]) for r in rows)
        p95 = max(float(r[5]) for r in rows)
        print(
            f"largest/S figure ratio: {worst / base:.2f} (target ≤ 2); worst p95 {p95} ms "
            "(target ≤ 200)"
        )


if __name__ == "__main__":
    main()
