from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from shigan.core.todo import register_todo


class ResearchConfig(AppConfig):
    name = "shigan.research"
    label = "research"
    verbose_name = _("调查研究")

    def ready(self):
        # What touches models is imported once the app registry is ready.
        from shigan.research import metrics  # noqa: F401  (declares the research metrics)
        from shigan.research.todo import research_todo

        register_todo("research", research_todo)
