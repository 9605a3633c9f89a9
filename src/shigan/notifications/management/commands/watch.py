import datetime

from django.core.management.base import BaseCommand, CommandError

from shigan.notifications.watch import watch_run, watchers


class Command(BaseCommand):
    help = "运行每日逾期检查：更新红黄绿灯并提醒责任人（通常由定时任务每天运行一次）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按哪一天检查（YYYY-MM-DD，默认今天）")
        names = "、".join(sorted(watchers()))
        parser.add_argument("--only", help=f"只运行这一项检查（{names}）")

    def handle(self, *args, date=None, only=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{date}") from exc
        if only and only not in watchers():
            raise CommandError(f"没有名为“{only}”的检查；可选：{'、'.join(sorted(watchers()))}")
        report = watch_run(today, only=only)
        for name, marked in sorted(report.marked.items()):
            self.stdout.write(f"{name}: {marked}")
        for name, error in sorted(report.failed.items()):
            self.stderr.write(f"{name}: 失败：{error}")
        if report.failed:
            raise CommandError("部分检查失败。")
