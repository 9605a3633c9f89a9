from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResearchConfig(AppConfig):
    name = "shigan.research"
    label = "research"
    verbose_name = _("调查研究")

    def ready(self):
        from shigan.research import metrics  # noqa: F401  (declares the research metrics)
