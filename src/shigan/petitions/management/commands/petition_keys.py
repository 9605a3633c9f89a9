from django.core.management.base import BaseCommand

from shigan.petitions.services import petition_keys_rotate


class Command(BaseCommand):
    help = (
        "信访人个人信息密钥轮换：先把新密钥放在 SHIGAN_PETITION_KEY 的第一位（旧密钥保留在后），"
        "再运行 shigan petition_keys rotate，用新密钥重新加密全部信访人信息和材料；"
        "之后即可从 SHIGAN_PETITION_KEY 中去掉旧密钥。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("rotate", help="用当前第一个密钥重新加密全部信访人信息和材料")

    def handle(self, *args, action, **options):
        people, files = petition_keys_rotate(actor=None)
        self.stdout.write(f"已重新加密 {people} 位信访人信息、{files} 份材料。")
