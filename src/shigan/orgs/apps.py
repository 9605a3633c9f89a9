from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "shigan.orgs"
    label = "orgs"
    verbose_name = _("组织")

    def ready(self):
        from shigan.core.versions import versions_follow
        from shigan.orgs import metrics  # noqa: F401  (declares the unit-tree metrics)
        from shigan.orgs.models import Membership, Unit

        # Pages cached on data versions (the problem ledger) depend on names, tree and roles.
        versions_follow(Unit, "orgs")
        versions_follow(Membership, "orgs")

        from shigan.accounts.second_factor import register_admin_power
        from shigan.orgs.choices import Role

        # A unit administrator grants roles under the unit: that needs the second factor.
        register_admin_power(
            lambda user: Membership.objects.filter(user=user, role=Role.ADMIN).exists()
        )

        # Roles from the group → role mapping of an external login (accounts.external).
        from shigan.accounts.external.services import roles_mapped

        roles_mapped.connect(_apply_mapped_roles, dispatch_uid="orgs.mapped_roles")


def _apply_mapped_roles(sender, user, source, grants, previous, **kwargs):
    from shigan.orgs.services import membership_sync_mapped

    return membership_sync_mapped(user=user, source=source, grants=grants, previous=previous)
