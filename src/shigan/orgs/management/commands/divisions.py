import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shigan.accounts.system import system_actor
from shigan.core.errors import DomainError
from shigan.orgs.divisions import DATA_DIR, divisions_import


class Command(BaseCommand):
    help = "行政区划：shigan divisions import [--province 15] [--depth N]"

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="导入（或更新）国家统计局 2023 年区划代码")
        imp.add_argument("--province", help="只导入一个省级区划，如 15（内蒙古）")
        imp.add_argument("--depth", type=int, default=5, help="导入到第几级（1–5，默认 5）")
        imp.add_argument("--source", type=Path, default=DATA_DIR, help="区划 CSV 所在目录")

    def handle(
        self,
        *args: Any,
        action: str,
        province: str | None = None,
        depth: int = 5,
        source: Path = DATA_DIR,
        **options: Any,
    ) -> None:
        started = time.perf_counter()
        try:
            stats = divisions_import(
                actor=system_actor("命令行 shigan divisions"),
                source=source,
                province=province,
                depth=depth,
                progress=lambda msg: self.stdout.write(f"  {msg}"),
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"完成：新增 {stats.created}，更名 {stats.renamed}，未变 {stats.unchanged}，"
                f"用时 {seconds:.1f} 秒"
            )
        )
