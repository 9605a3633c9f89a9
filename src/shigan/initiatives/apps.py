from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "shigan.initiatives"
    label = "initiatives"
    verbose_name = _("以学促干")

    def ready(self):
        from shigan.initiatives import jobs, metrics  # noqa: F401  (metrics and job kinds)
