from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "shigan.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from shigan.core import dates, search
        from shigan.core.checks import api_limits_shared

        checks.register(api_limits_shared, checks.Tags.security, deploy=True)

        dates.install()
        search.install()

        from shigan.core.jobs import jobs_todo
        from shigan.core.todo import register_todo

        register_todo("jobs", jobs_todo)
