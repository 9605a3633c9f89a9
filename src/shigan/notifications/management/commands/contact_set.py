from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from shigan.accounts.system import system_actor
from shigan.core.errors import DomainError
from shigan.notifications.services import contact_masked, contact_set


class Command(BaseCommand):
    help = (
        "设置用户的站外联系方式（企业微信账号、钉钉账号、手机号码；加密保存，记入审计）："
        "shigan contact_set --username clerk --wecom zhangsan --mobile 13912345678；"
        "某项传空字符串则清除，不传则不变。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True, help="用户名")
        parser.add_argument("--wecom", default=None, help="企业微信账号（UserID）")
        parser.add_argument("--dingtalk", default=None, help="钉钉账号（userid）")
        parser.add_argument("--mobile", default=None, help="手机号码")

    def handle(self, *args, username, wecom, dingtalk, mobile, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户名为“{username}”的用户。")
        try:
            contact_set(
                actor=system_actor("命令行 shigan contact_set"),
                user=user,
                wecom_userid=wecom,
                dingtalk_userid=dingtalk,
                mobile=mobile,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        masked = contact_masked(user)
        shown = "，".join(f"{k}={v}" for k, v in masked.items() if v)
        self.stdout.write(self.style.SUCCESS(f"已保存：{shown or '（无）'}"))
