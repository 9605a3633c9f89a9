from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudyConfig(AppConfig):
    name = "shigan.study"
    label = "study"
    verbose_name = _("学习")

    def ready(self):
        from shigan.study import metrics  # noqa: F401  (declares the study metrics)
