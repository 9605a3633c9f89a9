from django.core.management.base import BaseCommand

from shigan.accounts.system import system_actor
from shigan.problems.light_history import light_history_rebuild


class Command(BaseCommand):
    help = "由问题记录重建红黄绿灯变更历史及其指标：shigan lights_rebuild（记入审计）"

    def handle(self, *args, **options):
        rewritten = light_history_rebuild(actor=system_actor("命令行 shigan lights_rebuild"))
        self.stdout.write(self.style.SUCCESS(f"已重建 {rewritten} 个问题的亮灯历史。"))
