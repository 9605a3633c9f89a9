"""Django's `changepassword`, through the accounts service: the password rules and history, the
audit entry, and the account's tokens and sessions revoked. Set by the operator, the password
counts as a reset: the user changes it at the next login."""

import getpass
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shigan.accounts.models import User
from shigan.accounts.services import user_reset_password
from shigan.accounts.system import system_actor
from shigan.core.errors import DomainError

ATTEMPTS = 3


class Command(BaseCommand):
    help = "重置用户密码：shigan changepassword 用户名（用户下次登录时须修改；记入审计）"
    requires_migrations_checks = True

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username", help="用户名")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = User.objects.people().filter(username=username).first()
        if user is None:
            raise CommandError(f"用户“{username}”不存在。")
        for _ in range(ATTEMPTS):
            password = getpass.getpass("新密码：")
            if password != getpass.getpass("再次输入新密码："):
                self.stderr.write("两次输入的密码不一致。")
                continue
            try:
                user_reset_password(
                    actor=system_actor("命令行 shigan changepassword"), user=user, password=password
                )
            except DomainError as exc:
                self.stderr.write(exc.message)
                continue
            self.stdout.write(self.style.SUCCESS(f"已重置“{username}”的密码，下次登录时须修改。"))
            return
        raise CommandError(f"{ATTEMPTS} 次均未成功，密码未修改。")
