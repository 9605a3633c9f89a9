"""orgs' answers to what the floors below it announce (connected in `OrgsConfig.ready`)."""

from shigan.accounts.external.mapping import Grant
from shigan.accounts.models import User
from shigan.orgs.services import membership_sync_mapped

__all__ = ["apply_mapped_roles"]


def apply_mapped_roles(
    sender: object,
    user: User,
    source: str,
    grants: list[Grant],
    previous: list[list[int | str]],
    **kwargs: object,
) -> list[list[int | str]]:
    """Roles from the group → role mapping of an external login (accounts.external)."""
    return membership_sync_mapped(user=user, source=source, grants=grants, previous=previous)
