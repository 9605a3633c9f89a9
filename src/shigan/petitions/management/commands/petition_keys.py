from django.core.management.base import BaseCommand, CommandError

from shigan.accounts.system import system_actor
from shigan.petitions.services import petition_keys_rotate

_WHAT = {"petitions.petitioner": "信访人信息", "petitions.petitionattachment": "材料"}


class Command(BaseCommand):
    help = (
        "信访人个人信息密钥轮换：先把新密钥放在 SHIGAN_PETITION_KEY 的第一位（旧密钥保留在后），"
        "再运行 shigan petition_keys rotate，用新密钥分批重新加密全部信访人信息和材料；"
        "中断后重新运行同一命令即从中断处继续。完成后即可从 SHIGAN_PETITION_KEY 中去掉旧密钥。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rotate = sub.add_parser("rotate", help="用当前第一个密钥分批重新加密全部信访人信息和材料")
        rotate.add_argument("--batch-size", type=int, default=500, help="每批行数（默认 500）")

    def handle(self, *args, action, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size 必须是正整数。")

        def told(what: str, done: int) -> None:
            self.stdout.write(f"{_WHAT.get(what, what)}：已重新加密 {done}")

        try:
            people, files = petition_keys_rotate(
                actor=system_actor("命令行 shigan petition_keys"),
                batch_size=batch_size,
                on_batch=told,
            )
        except KeyboardInterrupt:
            raise CommandError(
                "已中断：完成的批次已保存，重新运行 shigan petition_keys rotate 即从中断处继续。"
            ) from None
        self.stdout.write(f"已重新加密 {people} 位信访人信息、{files} 份材料。")
