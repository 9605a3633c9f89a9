import os
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from shigan.core.deploy import missing_production_keys
from shigan.core.server import default_workers, run_server


class Command(BaseCommand):
    help = "生产环境启动：读取 DATABASE_URL，使用 gunicorn 提供服务（需先设置 SECRET_KEY）。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("SHIGAN_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=None)

    def handle(self, *args: Any, bind: str, workers: int | None, **options: Any) -> None:
        if not os.environ.get("SECRET_KEY"):
            raise CommandError(
                "未设置 SECRET_KEY 环境变量，拒绝启动。请设置一个足够长的随机字符串，例如："
                "export SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
            )
        missing = missing_production_keys()
        if missing:
            raise CommandError(
                "生产环境缺少以下密钥的环境变量，拒绝启动（各节点必须使用同一把密钥，"
                "并与数据库分开备份）：" + "；".join(missing)
            )
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"shigan 正在 {bind} 提供服务")
        run_server(bind=bind, workers=workers or default_workers())
