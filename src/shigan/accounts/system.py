"""The system's own account: what the CLI, the demo loader, the watch, jobs and migrations act
as (à la Zulip's system bots). Every service requires an actor; the system is one by identity
(`shigan.core.actors.is_system_actor`) and is allowed everywhere, and says why it acted: the
reason given here is what its audit entries name ("system: daily watch")."""

from django.contrib.auth.hashers import make_password

from shigan.accounts.models import User
from shigan.core.actors import SYSTEM_USERNAME

__all__ = ["system_actor", "SYSTEM_FULL_NAME"]

SYSTEM_FULL_NAME = "系统"

SYSTEM_DEFAULTS = {
    "username": SYSTEM_USERNAME,
    "full_name": SYSTEM_FULL_NAME,
    "is_active": False,
    "password": make_password(None),  # unusable: no password opens it
}


def system_actor(reason: str) -> User:
    """The system account, carrying `reason` (a fresh object per call, so two callers' reasons
    never mix). The data migration makes the account; it is made here too when missing, since
    transactional tests flush the rows data migrations wrote."""
    reason = reason.strip()
    if not reason:
        raise ValueError("the system acts for a reason: say which (e.g. 'daily watch')")
    user = User.objects.filter(is_system=True).first()
    if user is None:
        user, _created = User.objects.get_or_create(is_system=True, defaults=SYSTEM_DEFAULTS)
    user.system_reason = reason
    return user
