"""Benchmark: a league's problem ledger imported into a database that already holds many
problems, next to its floor, on PostgreSQL.

Usage: uv run python bench/ledger_import.py [--existing 200000] [--problems 10000]

The database holds Inner Mongolia's real tree to gacha/village level and `--existing` problems
spread over its units (inserted raw, as a loaded system would have them). The sheet is a league
ledger of `--problems` problems with 2.5 measures each on average over the league's banners and
sumu/towns, in both layouts (half one row per problem with numbered measures, half one row per
measure with the problem repeated), states mixed as offices report them (open, in progress,
finished → close-out requests), leaders partly not on the roster. Measured:

- preview: the whole import checked and written, then rolled back (what the page shows);
- apply: the same import for real;
- re-import of the same ledger with 10 % of its rows changed (new progress);
- the floor: PostgreSQL COPY of the same problem and measure rows into copies of their tables.

Target (issue 13): preview and apply ≤ 20 s together (≥ 500 problems/s end to end), the
re-import ≤ 10 s.
"""

import argparse
import datetime
import io
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_BENCH_DB = "shigan_bench_ledger_import"
LEAGUE = "152500000000"  # 锡林郭勒盟
ASPECTS = ("理论学习", "调查研究", "推动发展", "为民服务", "检视整改", "作风建设")
STATES = ("未整改", "整改中", "整改中", "已完成")
HEADER = [
    "序号",
    "问题",
    "方面",
    "来源",
    "整改措施",
    "责任领导",
    "责任单位",
    "整改时限",
    "整改进展",
    "完成情况",
]  # noqa: E501


def make_ledger(units: list[str], problems: int, *, changed: float = 0.0) -> bytes:
    """The league's ledger; `changed` of the rows carry new progress (next week's copy)."""
    import xlsxwriter

    from shigan.problems.imports import LEDGER_COLUMNS

    header = [str(c.title) for c in LEDGER_COLUMNS if c.key != "found_on"]
    rng = random.Random(13)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    sheet = book.add_worksheet("台账")
    sheet.write(0, 0, "锡林郭勒盟主题教育问题整改台账")
    sheet.write(1, 0, "填报日期：2023年6月20日")
    sheet.write_row(2, 0, header)
    r = 3
    for i in range(problems):
        unit = units[i % len(units)]
        state = STATES[i % len(STATES)]
        measures = [f"第{i}号问题的第{k + 1}条措施" for k in range(2 + (i % 2))]
        progress = "" if state == "未整改" else f"已完成{rng.randrange(10, 90)}%"
        if changed and i % int(1 / changed) == 0 and state == "整改中":
            progress = "本周新进展：完成95%"
        leader = f"领导{i % 500}"
        deadline = f"2023年{6 + i % 5}月{1 + i % 28}日"
        title = f"第{i}号问题：基层反映的突出问题"
        aspect = ASPECTS[i % len(ASPECTS)]
        if i % 2 == 0:  # one row per problem
            text = "\n".join(f"{k + 1}. {m}" for k, m in enumerate(measures))
            sheet.write_row(
                r,
                0,
                [i + 1, title, aspect, "检视查摆", text, leader, unit, deadline, progress, state],
            )
            r += 1
        else:  # one row per measure, the problem repeated
            for m in measures:
                sheet.write_row(
                    r,
                    0,
                    [i + 1, title, aspect, "检视查摆", m, leader, unit, deadline, progress, state],
                )
                r += 1
    sheet.write(r + 1, 0, "填报人：萨仁")
    book.close()
    return buffer.getvalue()


def seed(existing: int):
    """The tree, a campaign, and `existing` problems inserted raw all over the region."""
    from django.core.management import call_command

    from shigan.accounts.system import system_actor
    from shigan.campaigns import services as campaigns
    from shigan.core.bulk import bulk_insert
    from shigan.orgs.divisions import divisions_import
    from shigan.orgs.models import Unit
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
    for name in ASPECTS:
        campaigns.aspect_create(
            actor=system_actor("基准测试"), campaign=campaign, kind="problem", name=name
        )
    units = list(Unit.objects.filter(depth__gte=3).values_list("pk", flat=True))
    rng = random.Random(7)
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
                f"已有问题{i}",
                "",
                datetime.date(2023, 5, 1),
                "time_bound",
                datetime.date(2023, 7, 1),
                "in_progress",
                30,
                "green",
                now,
            )
            for i in range(existing)
        ),  # fmt: skip
    )
    return campaign


def child(existing: int, problems: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shigan.settings")
    django.setup()
    from django.db import connection, transaction

    from shigan.accounts.system import system_actor
    from shigan.core.bulk import bulk_insert
    from shigan.orgs.models import Unit
    from shigan.problems.imports import LedgerImporter
    from shigan.problems.models import CloseOut, Measure, Problem

    campaign = seed(existing)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    league = Unit.objects.get(division_level=2, division_code=LEAGUE)
    units = list(
        Unit.objects.subtree_of(league).filter(depth__in=(3, 4)).values_list("name", flat=True)
    )
    units = [u for u in units if sum(1 for v in units if v == u) == 1]
    data = make_ledger(units, problems)

    def run(dry_run: bool, sheet: bytes):
        importer = LedgerImporter(
            actor=system_actor("基准测试"), unit=league, campaign=campaign, dry_run=dry_run
        )
        started = time.perf_counter()
        result = importer.run(sheet, "台账.xlsx")
        return time.perf_counter() - started, result

    before = Problem.objects.count()
    preview, result = run(True, data)
    assert not result.errors, [e.as_dict() for e in result.errors[:5]]
    assert Problem.objects.count() == before and result.created == problems
    if os.environ.get("BENCH_PROFILE"):  # where the time goes, on stderr
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
        apply, result = run(False, data)
        profile.disable()
        stats = pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative")
        stats.print_stats(45)
        stats.print_callers("base.py:462|_execute_with_wrappers")
    else:
        apply, result = run(False, data)
    assert result.created == problems and Problem.objects.count() == before + problems
    measures = Measure.objects.count()
    assert CloseOut.objects.count() == problems // 4
    again = make_ledger(units, problems, changed=0.1)
    rerun, result = run(False, again)
    assert result.created == 0 and result.updated > 0, result.summary()
    updated = result.updated

    new = Problem.objects.filter(pk__gt=before).order_by("pk")
    problem_fields = ("unit", "campaign", "aspect", "source", "title", "description",
                      "responsible", "found_on", "term", "deadline", "state", "progress_percent",
                      "light", "created_at")  # fmt: skip
    problem_rows = list(new.values_list(*problem_fields))
    measure_fields = ("problem", "text", "owner", "deadline", "state", "added_on", "created_at")
    measure_rows = list(
        Measure.objects.filter(problem__in=new).values_list(*measure_fields).order_by("pk")
    )
    with connection.cursor() as cursor:
        for model in (Problem, Measure):
            table = model._meta.db_table
            cursor.execute(f"CREATE TABLE floor_{table} (LIKE {table} INCLUDING ALL)")

    def floor_of(model):
        class Floor:
            class _meta:
                db_table = f"floor_{model._meta.db_table}"

                @staticmethod
                def get_field(name):
                    return model._meta.get_field(name)

        return Floor

    started = time.perf_counter()
    with transaction.atomic():
        bulk_insert(floor_of(Problem), problem_fields, problem_rows)
        bulk_insert(floor_of(Measure), measure_fields, measure_rows)
    floor = time.perf_counter() - started
    print(
        f"{existing}\t{problems}\t{measures}\t{preview:.2f}\t{apply:.2f}\t{rerun:.2f}\t"
        f"{updated}\t{floor:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--existing", type=int, default=200_000)
    parser.add_argument("--problems", type=int, default=10_000)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.existing, args.problems)
        return
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    pg = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(["dropdb", "--if-exists", *pg, PG_BENCH_DB], check=True)
    subprocess.run(["createdb", *pg, PG_BENCH_DB], check=True)
    try:
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, "DATABASE_URL": f"{base}/{PG_BENCH_DB}", "SHIGAN_HOME": home}
            out = subprocess.run(
                [sys.executable, __file__, "--child", "--existing", str(args.existing),
                 "--problems", str(args.problems)],
                env=env, check=True, capture_output=True, text=True,
            ).stdout  # fmt: skip
    finally:
        subprocess.run(["dropdb", "--if-exists", *pg, PG_BENCH_DB], check=True)
    fields = out.strip().splitlines()[-1].split("\t")
    existing, problems, measures = (int(v) for v in fields[:3])
    preview, apply, rerun, floor = (float(v) for v in (*fields[3:6], fields[7]))
    total = preview + apply
    print(
        f"league ledger: {problems:,} problems, {measures:,} measures; "
        f"{existing:,} problems already in the database (PostgreSQL)"
    )
    print(f"preview {preview:.2f} s + apply {apply:.2f} s = {total:.2f} s "
          f"({problems / total:,.0f} problems/s end to end; target ≤ 20 s)"
          f" {'ok' if total <= 20 else 'MISSED'}")  # fmt: skip
    print(f"re-import with {int(fields[6]):,} rows changed: {rerun:.2f} s (target ≤ 10 s)"
          f" {'ok' if rerun <= 10 else 'MISSED'}")  # fmt: skip
    print(f"floor: COPY of the same problem and measure rows {floor:.2f} s "
          f"(apply = {apply / floor:.1f}× the floor)")  # fmt: skip


if __name__ == "__main__":
    main()
