from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "shigan.accounts"
    label = "accounts"
    verbose_name = _("账户")

    def ready(self) -> None:
        from shigan.accounts import receivers  # noqa: F401
        from shigan.accounts.system import system_actor
        from shigan.core.actors import set_system_actor_provider

        set_system_actor_provider(system_actor)
