from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "shigan.orgs"
    label = "orgs"
    verbose_name = _("组织")

    def ready(self) -> None:
        # Imported here: they read the models, loaded only now.
        from shigan.accounts.external.services import roles_mapped
        from shigan.accounts.second_factor import register_admin_power
        from shigan.accounts.services import register_unit_roles_check
        from shigan.core.versions import versions_follow
        from shigan.orgs.models import Membership, Unit
        from shigan.orgs.receivers import apply_mapped_roles
        from shigan.orgs.selectors import user_holds_unit_roles, user_is_unit_admin

        # Pages cached on data versions (the problem ledger) depend on names, tree and roles.
        versions_follow(Unit, "orgs")
        versions_follow(Membership, "orgs")
        # A unit administrator grants roles under the unit: that needs the second factor.
        register_admin_power(user_is_unit_admin)
        # 三员分立: an account with unit roles cannot be made the audit administrator.
        register_unit_roles_check(user_holds_unit_roles)
        roles_mapped.connect(apply_mapped_roles, dispatch_uid="orgs.mapped_roles")
