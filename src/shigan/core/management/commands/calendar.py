from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shigan.core.actors import system_actor
from shigan.core.choices import HolidayKind
from shigan.core.errors import DomainError
from shigan.core.models import CalendarYear, Holiday
from shigan.core.services import calendar_year_seed, package_years


class Command(BaseCommand):
    help = (
        "工作日历：shigan calendar seed [--from 2004 --to 2026] [--force] | shigan calendar status"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        years = package_years()
        sub = parser.add_subparsers(dest="action", required=True)
        seed = sub.add_parser("seed", help="从 chinesecalendar 导入法定节假日和调休上班日")
        seed.add_argument(
            "--from", dest="first", type=int, default=years[0], help=f"起始年份（默认 {years[0]}）"
        )
        seed.add_argument(
            "--to", dest="last", type=int, default=years[-1], help=f"结束年份（默认 {years[-1]}）"
        )
        seed.add_argument(
            "--force", action="store_true", help="重新导入已完整的年份（会覆盖该年的手工修改）"
        )
        sub.add_parser("status", help="列出已录入的年份")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "seed":
            self.seed(options["first"], options["last"], options["force"])
        else:
            self.status()

    def seed(self, first: int, last: int, force: bool) -> None:
        if first > last:
            raise CommandError(f"起始年份 {first} 晚于结束年份 {last}。")
        complete = set(CalendarYear.objects.filter(complete=True).values_list("year", flat=True))
        seeded = skipped = 0
        for year in range(first, last + 1):
            if year in complete and not force:
                self.stdout.write(f"  {year} 年：已完整，跳过（用 --force 重新导入）")
                skipped += 1
                continue
            try:
                calendar_year_seed(actor=system_actor("命令行 shigan calendar"), year=year)
            except DomainError as error:
                raise CommandError(error.message) from error
            days = Holiday.objects.filter(date__year=year)
            self.stdout.write(
                f"  {year} 年：法定节假日 {days.filter(kind=HolidayKind.HOLIDAY).count()} 天，"
                f"调休上班日 {days.filter(kind=HolidayKind.WORKDAY).count()} 天"
            )
            seeded += 1
        self.stdout.write(self.style.SUCCESS(f"完成：导入 {seeded} 年，跳过 {skipped} 年"))

    def status(self) -> None:
        years = list(CalendarYear.objects.all())
        if not years:
            self.stdout.write("还没有录入任何年份。运行 shigan calendar seed 导入。")
            return
        for cy in years:
            state = "完整" if cy.complete else "未完成"
            self.stdout.write(f"  {cy.year} 年：{state}（{cy.get_source_display()}）")
