from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "shigan.orgs"
    label = "orgs"
    verbose_name = _("组织")

    def ready(self):
        from shigan.orgs import metrics  # noqa: F401  (declares the unit-tree metrics)
