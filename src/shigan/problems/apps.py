from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProblemsConfig(AppConfig):
    name = "shigan.problems"
    label = "problems"
    verbose_name = _("问题整改")

    def ready(self):
        from shigan.notifications.watch import register_watcher
        from shigan.problems import metrics  # noqa: F401  (declares the problem metrics)
        from shigan.problems.watch import problems_watch

        register_watcher("problems", problems_watch)

        from shigan.core.todo import register_todo
        from shigan.problems.todo import problems_todo

        register_todo("problems", problems_todo)

        from shigan.core.versions import versions_follow
        from shigan.metrics.engine import on_records_changed
        from shigan.problems.models import Problem, SpecialProgram
        from shigan.problems.versions import problems_changed

        on_records_changed(Problem, problems_changed)

        from shigan.metrics.engine import on_records_settling
        from shigan.problems.light_history import light_history_sync

        on_records_settling(Problem, light_history_sync)

        from django.db.models.signals import post_migrate

        from shigan.problems.light_history import light_history_after_migrate

        post_migrate.connect(light_history_after_migrate, sender=self)
        versions_follow(SpecialProgram, "problems.programs")
