"""Benchmark: importing a 100,000-row sheet of departments through the importer, next to its
floor, on PostgreSQL.

Usage: uv run python bench/imports.py [--rows 100000]

The sheet is what a league's organisation department would send: for every unit of Inner
Mongolia (the real NBS tree, 13k units, loaded first) a list of its departments, with the parent
given by its 12-digit division code. The figure is `UnitImporter.run` on that xlsx file: read
with calamine, every cell parsed and checked, parents resolved, then one bulk write of the units,
their child counts and their audit entries (hash chain). The floor is PostgreSQL COPY of the same
unit rows, already computed, into a copy of the table with the same indexes, in the same run.
"""

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_BENCH_DB = "shigan_bench_imports"
TARGET = 20_000  # rows/s

DEPARTMENTS = [
    "党政综合办公室",
    "组织部",
    "宣传部",
    "统战部",
    "政法委",
    "纪检监察室",
    "党建工作办公室",
    "经济发展办公室",
    "财政所",
    "农牧业综合服务中心",
    "社会事务办公室",
    "退役军人服务站",
    "应急管理办公室",
    "综合执法队",
    "自然资源所",
    "生态环境办公室",
    "社会保障服务中心",
    "便民服务中心",
    "卫生健康办公室",
    "文化旅游体育服务中心",
    "信访办公室",
    "人大办公室",
    "平安建设办公室",
    "民族宗教事务办公室",
    "乡村振兴办公室",
    "审计办公室",
    "统计站",
    "市场监管所",
    "住房城乡建设办公室",
    "水利工作站",
]


def make_sheet(parents: list[str], rows: int) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    sheet = workbook.add_worksheet("部门")
    sheet.merge_range(0, 0, 0, 4, "内蒙古自治区各级单位内设部门统计表")
    sheet.write_row(2, 0, ["上级单位", "部门名称", "简称", "单位类型", "排序"])
    r = 3
    per_parent = len(DEPARTMENTS)
    for i in range(rows):
        parent = parents[i % len(parents)]
        n = i // len(parents)
        base = DEPARTMENTS[n % per_parent]
        name = base if n < per_parent else f"{base}（{n // per_parent + 1}）"
        sheet.write_string(r, 0, parent)
        sheet.write_string(r, 1, name)
        sheet.write_string(r, 2, base[:4])
        sheet.write_string(r, 3, "部门")
        sheet.write_number(r, 4, n + 1)
        r += 1
    workbook.close()
    return buffer.getvalue()


def child(rows: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shigan.settings")
    django.setup()
    from collections import Counter

    from django.core.management import call_command
    from django.db import connection, transaction

    from shigan.accounts.system import system_actor
    from shigan.audit.models import AuditEntry
    from shigan.audit.selectors import audit_verify
    from shigan.core.bulk import bulk_insert
    from shigan.orgs.divisions import divisions_import
    from shigan.orgs.imports import UnitImporter
    from shigan.orgs.models import Unit
    from shigan.orgs.services.units_bulk import _UNIT_COLUMNS

    call_command("migrate", verbosity=0)
    divisions_import(actor=system_actor("基准测试"), province="15", depth=5)
    root = Unit.objects.get(depth=1)
    codes = Counter(Unit.objects.values_list("division_code", flat=True))
    parents = [c for c, n in codes.items() if c and n == 1]
    data = make_sheet(parents, rows)
    units_before = Unit.objects.count()
    audit_before = AuditEntry.objects.count()

    started = time.perf_counter()
    result = UnitImporter(actor=system_actor("基准测试"), unit=root).run(data, "部门.xlsx")
    figure = time.perf_counter() - started
    assert not result.errors, result.errors[:5]
    assert result.created == rows, result.summary()
    assert Unit.objects.count() == units_before + rows
    assert AuditEntry.objects.count() == audit_before + rows
    assert audit_verify().ok

    started = time.perf_counter()
    again = UnitImporter(actor=system_actor("基准测试"), unit=root).run(data, "部门.xlsx")
    rerun = time.perf_counter() - started
    assert again.created == 0 and again.unchanged == rows

    new_rows = list(
        Unit.objects.filter(depth__gt=1, kind="department")
        .order_by("pk")
        .values_list(*_UNIT_COLUMNS)
    )
    table = Unit._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE floor_unit (LIKE {table} INCLUDING ALL)")

    class Floor:
        class _meta:
            db_table = "floor_unit"

            @staticmethod
            def get_field(name):
                return Unit._meta.get_field(name)

    started = time.perf_counter()
    with transaction.atomic():
        bulk_insert(Floor, _UNIT_COLUMNS, new_rows)
    floor = time.perf_counter() - started
    print(f"{connection.vendor}\t{rows}\t{len(data)}\t{figure:.2f}\t{floor:.2f}\t{rerun:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.rows)
        return
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    pg = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(["dropdb", "--if-exists", *pg, PG_BENCH_DB], check=True)
    subprocess.run(["createdb", *pg, PG_BENCH_DB], check=True)
    try:
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, "DATABASE_URL": f"{base}/{PG_BENCH_DB}", "SHIGAN_HOME": home}
            out = subprocess.run(
                [sys.executable, __file__, "--child", "--rows", str(args.rows)],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
    finally:
        subprocess.run(["dropdb", "--if-exists", *pg, PG_BENCH_DB], check=True)
    vendor, rows, size, figure, floor, rerun = out.strip().splitlines()[-1].split("\t")
    rows_i = int(rows)
    rate, floor_rate = rows_i / float(figure), rows_i / float(floor)
    ok = "ok" if rate >= TARGET else "MISSED"
    print(f"spreadsheet import: {rows_i:,} departments, xlsx {int(size) / 2**20:.1f} MB")
    print(f"{'database':<12}{'import s':>10}{'rows/s':>10}{'COPY s':>9}{'rows/s':>11}{'ratio':>7}")
    print(
        f"{vendor:<12}{figure:>10}{rate:>10,.0f}{floor:>9}{floor_rate:>11,.0f}"
        f"{float(figure) / float(floor):>6.1f}x  target ≥ {TARGET:,} rows/s {ok}"
    )
    print(f"re-import of the same file (all rows unchanged): {rerun} s")


if __name__ == "__main__":
    main()
