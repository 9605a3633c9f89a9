from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from shigan.core.todo import register_todo


class PetitionsConfig(AppConfig):
    name = "shigan.petitions"
    label = "petitions"
    verbose_name = _("信访代办")

    def ready(self):
        # What touches models is imported once the app registry is ready.
        from shigan.petitions import jobs, metrics  # noqa: F401  (metrics, job kinds)
        from shigan.petitions.watch import register

        register()

        from shigan.petitions.todo import petitions_todo

        register_todo("petitions", petitions_todo)
