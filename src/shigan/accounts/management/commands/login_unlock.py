from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shigan.accounts.services import login_unlock
from shigan.accounts.system import system_actor
from shigan.core.errors import DomainError


class Command(BaseCommand):
    help = "解除登录锁定：shigan login_unlock --username office [--ip 10.0.0.8]（记入审计）"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--username", default="", help="用户名（不填则按 IP 地址解锁）")
        parser.add_argument("--ip", default="", help="来源 IP 地址（不填则解锁该用户名的全部地址）")

    def handle(self, *args: Any, username: str, ip: str, **options: Any) -> None:
        try:
            cleared = login_unlock(
                actor=system_actor("命令行 shigan login_unlock"), username=username, ip_address=ip
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"已解除登录锁定，清除 {cleared} 条失败记录。"))
