"""Benchmark: searching problems by a Chinese word over the whole region, next to its floor, on
PostgreSQL.

Usage: uv run python bench/search.py [--problems 200000] [--explain]
       uv run python bench/search.py --database shigan_bench_dashboards [--explain]

The second form searches a database that `bench/dashboards.py --keep` built and kept (its
titles are made the same way, so the same words are common and rare there), as its region
leader, without loading anything: the way to search 5,000,000 problems (its scale L).

The database holds Inner Mongolia's real tree to gacha/village level and `--problems` problems
spread over its banners, sumu and gacha, titled the way ledgers title them (a matter and a
failing: "牧区供暖不到位（12）"), inserted raw as a loaded system would have them. The office's
admin searches the region's ledger; measured, median of five, for a common word (in about 1 in
20 titles), a rare phrase and a one-character query:

- shigan: the first page of `problem_ledger(q=…)` (50 rows) and the count the page shows, as
  the ledger page asks for them: hits counted up to the cap (SHIGAN_SEARCH_CAP, 2,000); within
  it ranked, with the ledger's counts by state and light; above it in ledger order, "more than";
- floor: the first page in ledger order by raw SQL over the index (no scope, no joins, no count);
- ranked: the first page best match first by raw SQL (what ranking every hit costs);
- before: what the ledger did before the index, `title LIKE '%…%'` (a full scan), same page.
"hits" is the exact number of hits (counted once, apart); "shown" what the page says.

Target (issue 15): the first page ≤ 100 ms at 5,000,000 problems.
"""

import argparse
import datetime
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_BENCH_DB = os.environ.get("SHIGAN_BENCH_SEARCH_DB", "shigan_bench_search")
QUERIES = (("common word", "供暖"), ("rare phrase", "冬季取暖资金拨付"), ("one character", "煤"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from dashboards import title  # noqa: E402  (one way to title problems, for both benchmarks)


def seed(problems: int):
    from django.core.management import call_command

    from shigan.accounts.services import user_create
    from shigan.accounts.system import system_actor
    from shigan.campaigns import services as campaigns
    from shigan.core.bulk import bulk_insert
    from shigan.orgs.divisions import divisions_import
    from shigan.orgs.models import Unit
    from shigan.orgs.services import membership_grant
    from shigan.problems.models import Problem

    call_command("migrate", verbosity=0)
    divisions_import(actor=system_actor("基准测试"), province="15", depth=5)
    region = Unit.objects.get(division_level=1, division_code="150000000000")
    campaign = campaigns.campaign_create(
        actor=system_actor("基准测试"),
        name="主题教育",
        root_unit=region,
        starts_on=datetime.date(2023, 4, 1),
    )
    units = list(Unit.objects.filter(depth__gte=3).values_list("pk", flat=True))
    rng = random.Random(15)
    now = datetime.datetime(2023, 6, 7, tzinfo=datetime.UTC)
    fields = ("unit", "campaign", "source", "title", "description", "found_on", "term",
              "deadline", "state", "progress_percent", "light", "created_at")  # fmt: skip
    bulk_insert(
        Problem,
        fields,
        (
            (
                rng.choice(units),
                campaign.pk,
                "self_inspection",
                title(rng, i),
                "",
                datetime.date(2023, 5, 1) + datetime.timedelta(days=i % 60),
                "time_bound",
                datetime.date(2023, 7, 1),
                "in_progress",
                30,
                "green",
                now,
            )
            for i in range(problems)
        ),  # fmt: skip
    )
    office = user_create(
        actor=system_actor("基准测试"), username="office", password="bench-only-password-1"
    )
    membership_grant(actor=system_actor("基准测试"), user=office, unit=region, role="admin")
    with connection_cursor() as cursor:
        cursor.execute("ANALYZE")
    return office, region


def connection_cursor():
    from django.db import connection

    return connection.cursor()


def median_ms(work, runs: int = 5) -> float:
    work()  # warm: plans and caches, as a running server has them
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def kept() -> tuple:
    """The region and its leader in a database `bench/dashboards.py` kept."""
    from shigan.accounts.models import User
    from shigan.orgs.models import Unit

    region = Unit.objects.get(division_level=1, division_code="150000000000")
    with connection_cursor() as cursor:
        cursor.execute("SELECT count(*) FROM problems_problem")
        print(f"problems\t{cursor.fetchone()[0]}")
    return User.objects.get(username="region_leader"), region


def explain(rows) -> str:
    """The plan of the first page and of its count, as run."""
    from django.db import connection

    with connection.cursor() as cursor:
        plans = []
        for query, wrap in (
            (rows[:50].query, "{}"),
            (rows.order_by().values("pk").query, "SELECT count(*) FROM ({}) n"),
        ):
            sql, params = query.sql_with_params()
            sql = wrap.format(sql)
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return "\n\n".join(plans)


def child(problems: int, reuse: bool, plans: bool) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shigan.settings")
    sys.path.insert(0, str(ROOT / "src"))
    django.setup()
    from shigan.core.search import _pg_query, search_terms
    from shigan.problems.selectors import ledger_counts, problem_ledger

    office, region = kept() if reuse else seed(problems)
    for label, words in QUERIES:

        def page(words=words):
            search = problem_ledger(user=office, unit=region, q=words)
            rows = list(search.paginator(50).page(1))  # the page and its counts, as the view asks
            counts = None if search.capped else ledger_counts(search.rows)
            return rows, counts.total if counts else f">{search.cap}"

        query = _pg_query(search_terms(words))

        def floor(query=query, ranked=True):
            order = "ts_rank(title_search, to_tsquery('simple'::regconfig, %s)) DESC, " * ranked
            with connection_cursor() as cursor:
                cursor.execute(
                    "SELECT id, title FROM problems_problem "
                    "WHERE title_search @@ to_tsquery('simple'::regconfig, %s) "
                    f"ORDER BY {order}found_on DESC, id DESC LIMIT 50",
                    [query, query][: 1 + ranked],
                )
                return cursor.fetchall()

        def ledger_floor(query=query):
            return floor(query, ranked=False)

        def before(words=words):
            with connection_cursor() as cursor:
                cursor.execute(
                    "SELECT id, title FROM problems_problem WHERE title LIKE %s "
                    "ORDER BY found_on DESC, id DESC LIMIT 50",
                    [f"%{words}%"],
                )
                return cursor.fetchall()

        shown = page()[1]
        if plans:
            rows = problem_ledger(user=office, unit=region, q=words).rows
            print(f"plan\t{words}\t" + explain(rows).replace("\n", "\\n"))
        hits = problem_ledger(user=office, unit=region, q=words, cap=10**9).hits
        print(f"{label}\t{words}\t{hits}\t{shown}\t{median_ms(page):.1f}\t"
              f"{median_ms(ledger_floor):.1f}\t{median_ms(floor):.1f}\t"
              f"{median_ms(before):.1f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--problems", type=int, default=200_000)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--database", help="a database bench/dashboards.py kept (--keep)")
    parser.add_argument("--explain", action="store_true", help="print each query's plan")
    args = parser.parse_args()
    if args.child:
        child(args.problems, bool(args.database), args.explain)
        return
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    pg = ["-h", "127.0.0.1", "-U", "postgres"]
    database = args.database or PG_BENCH_DB
    flags = ["--problems", str(args.problems), *(["--explain"] * args.explain)]
    if not args.database:
        subprocess.run(["dropdb", "--if-exists", *pg, database], check=True)
        subprocess.run(["createdb", *pg, database], check=True)
    else:  # a kept database: searched, never dropped
        flags += ["--database", database]
    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, "DATABASE_URL": f"{base}/{database}", "SHIGAN_HOME": home}
            out = subprocess.run(
                [sys.executable, __file__, "--child", *flags],
                env=env, check=True, capture_output=True, text=True,
            ).stdout  # fmt: skip
    finally:
        if not args.database:
            subprocess.run(["dropdb", "--if-exists", *pg, database], check=True)
    setup = time.perf_counter() - started
    lines = out.strip().splitlines()
    problems = next((int(x.split("\t")[1]) for x in lines if x.startswith("problems\t")), None)
    where = f"database {database} kept" if args.database else f"set-up {setup:.0f} s"
    print(f"search over the region, {problems or args.problems:,} problems (PostgreSQL; {where};"
          f" load average {' '.join(f'{n:.2f}' for n in os.getloadavg())});"
          " first page of 50 and its count, median of 5, ms:")  # fmt: skip
    print(f"{'query':<20}{'hits':>8}{'shown':>8}{'shigan':>9}{'floor':>8}{'ranked':>8}"
          f"{'LIKE scan':>11}")  # fmt: skip
    for line in lines:
        if line.startswith("plan\t"):
            _, words, plan = line.split("\t", 2)
            print(f"\nplan of {words}:\n" + plan.replace("\\n", "\n") + "\n")
            continue
        if line.startswith("problems\t"):
            continue
        label, words, hits, shown, ours, floor, ranked, before = line.split("\t")
        verdict = "ok" if float(ours) <= 100 else "MISSED"
        print(f"{label + ' ' + words:<20}{int(hits):>8,}{shown:>8}{ours:>9}{floor:>8}{ranked:>8}"
              f"{before:>11}  (target ≤ 100 ms: {verdict})")  # fmt: skip


if __name__ == "__main__":
    main()
