from django.core.management import call_command
from django.core.management.base import BaseCommand

from shigan.core.server import run_server
from shigan.demo.services import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    demo_reset,
    demo_setup,
    demo_totp_now,
)


class Command(BaseCommand):
    help = (
        "建立演示环境（内置 SQLite、内蒙古单位树、演示账号、“内蒙古 2023 年主题教育”演示场景）"
        "并在 127.0.0.1:8000 提供服务。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--no-serve", action="store_true", help="只准备数据和账号，不启动服务。"
        )
        parser.add_argument(
            "--reset", action="store_true", help="清空数据库后重建演示环境（会删除全部数据）。"
        )
        parser.add_argument(
            "--totp", action="store_true", help="只显示演示账号当前的动态口令（6 位数字）。"
        )
        parser.add_argument(
            "--no-scenario", action="store_true", help="只导入单位树和演示账号，不生成演示场景。"
        )

    def handle(self, *args, bind, workers, no_serve, reset, no_scenario, totp, **options):
        import time

        if totp:
            self.stdout.write(demo_totp_now())
            return

        from django.conf import settings

        started = time.perf_counter()
        self.stdout.write(f"数据目录：{settings.HOME}")
        call_command("migrate", interactive=False, verbosity=0)
        progress = lambda msg: self.stdout.write(f"  {msg}")  # noqa: E731
        if reset:
            demo_reset(progress=progress)
        report = demo_setup(progress=progress, scenario=not no_scenario)
        if report is not None:
            self.stdout.write(f"  演示场景共用时 {report.total:.1f} 秒")
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"准备完毕，共用时 {time.perf_counter() - started:.1f} 秒")
        self.stdout.write(self.style.SUCCESS(f"演示账号（密码均为 {DEMO_PASSWORD}）："))
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.username:<15} {account.description}")
        self.stdout.write(
            f"office 与 auditor 登录时还需动态口令：验证器 App 密钥 {DEMO_TOTP_SECRET}，"
            "或运行 uv run shigan demo --totp 查看当前口令。"
        )
        if no_serve:
            return
        self.stdout.write(self.style.SUCCESS(f"请在浏览器中打开 http://{bind}/ （Ctrl+C 停止）"))
        run_server(bind=bind, workers=workers)
