"""orgs' answers to what the floors below it announce (connected in `OrgsConfig.ready`)."""

from shigan.orgs.services import membership_sync_mapped

__all__ = ["apply_mapped_roles"]


def apply_mapped_roles(sender, user, source, grants, previous, **kwargs):
    """Roles from the group → role mapping of an external login (accounts.external)."""
    return membership_sync_mapped(user=user, source=source, grants=grants, previous=previous)
