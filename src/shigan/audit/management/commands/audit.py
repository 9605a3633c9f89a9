from django.core.management.base import BaseCommand, CommandError

from shigan.audit.selectors import audit_verify

PROBLEMS = {
    "missing": "序号 %d 的记录缺失（被删除）",
    "chain": "序号 %d 的记录与上一条的链接不符（前面的记录被改动或删除）",
    "altered": "序号 %d 的记录内容被改动",
}


class Command(BaseCommand):
    help = "审计记录：shigan audit verify 校验哈希链"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="校验审计记录是否被改动或删除")

    def handle(self, *args, action, **options):
        result = audit_verify()
        if not result.ok:
            raise CommandError(
                f"审计记录校验失败：{PROBLEMS[result.problem] % result.first_bad_seq}"
                f"（此前 {result.checked} 条完好）"
            )
        self.stdout.write(self.style.SUCCESS(f"审计记录完好：共 {result.checked} 条，哈希链连续。"))
