from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shigan.accounts.choices import SystemRole
from shigan.accounts.selectors import active_user_by_username
from shigan.accounts.services import user_set_system_role
from shigan.accounts.system import system_actor
from shigan.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "授予或撤销系统角色（三员分立，记入审计）：shigan system_role --username zhang "
        "--role security_admin；首位安全管理员由运维人员在命令行授予，"
        "此后由安全管理员在页面上操作。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--username", required=True, help="用户名")
        parser.add_argument(
            "--role",
            required=True,
            choices=[*[v for v in SystemRole.values if v], "none"],
            help="system_admin、security_admin、auditor，或 none（撤销）",
        )

    def handle(self, *args: Any, username: str, role: str, **options: Any) -> None:
        user = active_user_by_username(username)
        if user is None:
            raise CommandError(f"没有用户名为“{username}”的有效账号。")
        try:
            user_set_system_role(
                actor=system_actor("命令行 shigan system_role"),
                user=user,
                system_role="" if role == "none" else role,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"已将 {username} 的系统角色设为 {role}。"))
