"""Benchmark: loading the national division tree (665,276 units), next to its floor.

Usage: uv run python bench/divisions.py [--database sqlite|postgresql|both]

The figure is `shigan divisions import` on an empty database (validate the CSVs, compute paths
and pinyin, insert, count children, audit). The floor is the same rows, already computed,
inserted into a copy of the table with the same indexes by the fastest raw path the backend
has (COPY on PostgreSQL, executemany on SQLite), in the same run.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_BENCH_DB = "shigan_bench"


def run_child(database_url: str, home: str) -> str:
    env = {**os.environ, "DATABASE_URL": database_url, "SHIGAN_HOME": home}
    out = subprocess.run(
        [sys.executable, __file__, "--child"], env=env, check=True, capture_output=True, text=True
    )
    return out.stdout


def child() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shigan.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from shigan.accounts.system import system_actor
    from shigan.core.bulk import bulk_insert
    from shigan.orgs.divisions import _COLUMNS, divisions_import
    from shigan.orgs.models import Unit

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    stats = divisions_import(actor=system_actor("基准测试"))
    figure = time.perf_counter() - started

    rows = list(Unit.objects.order_by("pk").values_list(*_COLUMNS))
    table = Unit._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TABLE floor_unit (LIKE {table} INCLUDING ALL)")
        else:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL", [table]
            )
            for (ddl,) in cursor.fetchall():
                ddl = ddl.replace(f'"{table}"', '"floor_unit"').replace(f"{table}_", "floor_")
                cursor.execute(ddl)

    class Floor:
        class _meta:
            db_table = "floor_unit"

            @staticmethod
            def get_field(name):
                return Unit._meta.get_field(name)

    started = time.perf_counter()
    with transaction.atomic():
        bulk_insert(Floor, _COLUMNS, rows)
    floor = time.perf_counter() - started
    children_ms, children_floor_ms, biggest = _children_timing()
    print(
        f"{connection.vendor}\t{stats.created}\t{figure:.1f}\t{floor:.1f}"
        f"\t{biggest}\t{children_ms:.1f}\t{children_floor_ms:.1f}"
    )


def _children_timing() -> tuple[float, float, int]:
    """Open the node with the most children in the tree browser (htmx partial), as a superuser,
    next to the raw SQL that lists the same children (median of 20 runs each)."""
    import statistics

    from django.db import connection
    from django.test import Client

    from shigan.accounts.models import User
    from shigan.accounts.system import system_actor
    from shigan.orgs.models import Unit
    from shigan.orgs.scoping import path_upper
    from shigan.orgs.services import unit_create

    # NBS nodes have at most 170 children; departments make one node reach 1,000.
    node = Unit.objects.order_by("-numchild").first()
    for i in range(1000 - node.numchild):
        unit_create(
            actor=system_actor("基准测试"), parent=node, name=f"部门{i:04d}", kind="department"
        )
    node.refresh_from_db()
    user = User.objects.create_superuser("bench", password="bench-password-123")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    url = f"/units/{node.pk}/children/"

    def timed(fn) -> float:
        runs = []
        for _ in range(20):
            started = time.perf_counter()
            fn()
            runs.append((time.perf_counter() - started) * 1000)
        return statistics.median(runs)

    def page():
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, name, kind, numchild FROM orgs_unit WHERE path >= %s AND path < %s"
                " AND depth = %s ORDER BY path LIMIT 201",
                [node.path, path_upper(node.path), node.depth + 1],
            )
            cursor.fetchall()

    return timed(page), timed(raw), node.numchild


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        child()
        return
    results = []
    with tempfile.TemporaryDirectory() as home:
        if args.database in ("sqlite", "both"):
            results.append(run_child(f"sqlite:///{home}/bench.sqlite3", home))
        if args.database in ("postgresql", "both"):
            base = PG_ADMIN_URL.rsplit("/", 1)[0]
            subprocess.run(
                ["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", PG_BENCH_DB],
                check=True,
            )
            subprocess.run(
                ["createdb", "-h", "127.0.0.1", "-U", "postgres", PG_BENCH_DB], check=True
            )
            try:
                results.append(run_child(f"{base}/{PG_BENCH_DB}", home))
            finally:
                subprocess.run(
                    ["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", PG_BENCH_DB],
                    check=True,
                )
    print("national division import (665,276 units), seconds — figure vs floor in the same run")
    print(f"{'database':<12}{'units':>9}{'import':>10}{'floor':>10}{'ratio':>8}  target")
    rows = [line.strip().split("\t") for line in results]
    for vendor, units, figure, floor, *_ in rows:
        ratio = float(figure) / float(floor)
        ok = "ok" if float(figure) < 120 else "MISSED"
        print(f"{vendor:<12}{int(units):>9,}{figure:>10}{floor:>10}{ratio:>7.1f}x  < 120 s {ok}")
    print()
    print("tree browser: open a node with 1,000 children (first page of 200), median ms")
    print(f"{'database':<12}{'children':>9}{'page':>10}{'raw SQL':>10}")
    for vendor, _units, _figure, _floor, biggest, page_ms, raw_ms in rows:
        print(f"{vendor:<12}{int(biggest):>9,}{page_ms:>10}{raw_ms:>10}")


if __name__ == "__main__":
    main()
