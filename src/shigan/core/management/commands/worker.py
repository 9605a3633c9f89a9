from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shigan.celery import app


class Command(BaseCommand):
    help = "运行后台任务进程（Celery worker），需要设置 REDIS_URL。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--concurrency", type=int, default=2, help="并发进程数（默认 2）")
        parser.add_argument("--loglevel", default="INFO")
        # The daily deadline watch is a beat entry; exactly one worker of a deployment runs beat.
        parser.add_argument(
            "--no-beat",
            dest="beat",
            action="store_false",
            help="不运行定时任务（每日到期预警）；多个 worker 时只让其中一个运行定时任务",
        )

    def handle(
        self, *args: Any, concurrency: int, loglevel: str, beat: bool, **options: Any
    ) -> None:
        if not settings.REDIS_URL:
            raise CommandError(
                "没有设置 REDIS_URL：未配置消息队列时，后台任务在 Web 进程内直接运行，"
                "不需要单独的 worker。设置 REDIS_URL=redis://… 后再运行 shigan worker。"
            )
        argv = [
            "worker",
            f"--concurrency={concurrency}",
            f"--loglevel={loglevel}",
            f"--queues={settings.CELERY_TASK_DEFAULT_QUEUE}",
        ]
        if beat:
            argv += ["--beat", f"--schedule={settings.SHIGAN_HOME / 'celerybeat-schedule'}"]
        app.worker_main(argv)
