from django.core.management.base import BaseCommand

from shigan.notifications.services import deliveries_release, digest_send


class Command(BaseCommand):
    help = (
        "站外消息推送的定时工作（有 Celery beat 时自动运行；没有时可由 cron 调用）："
        "digest 发送每日汇总；release 发送免打扰时段暂缓的消息。"
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["digest", "release"])

    def handle(self, *args, what, **options):
        if what == "digest":
            self.stdout.write(f"已发送每日汇总：{digest_send()} 人")
        else:
            self.stdout.write(f"已发送暂缓的消息：{deliveries_release()} 条")
