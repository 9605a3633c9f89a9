"""Who did it: every write names its actor, a person or the system itself.

The system (the CLI, the demo loader, the daily watch, background jobs, migrations) acts as one
real, inactive account (`accounts.system_actor(reason)`), never as `None`: a service handed
`None` by mistake used to skip every permission check. core is the bottom floor and cannot
import accounts, so the account is recognised by its `is_system` flag.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # accounts.apps imports this module before models can load
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

__all__ = [
    "SYSTEM_USERNAME",
    "is_system_actor",
    "require_actor",
    "actor_label",
    "set_system_actor_provider",
    "system_actor",
]

SYSTEM_USERNAME = "system"

_provider: "Callable[[str], AbstractBaseUser] | None" = None


def set_system_actor_provider(provider: "Callable[[str], AbstractBaseUser]") -> None:
    """accounts hands in `accounts.system_actor` when it loads (`AccountsConfig.ready`)."""
    global _provider
    _provider = provider


def system_actor(reason: str) -> "AbstractBaseUser":
    """For core's own writes (a job whose worker died …): `accounts.system_actor(reason)`."""
    if _provider is None:
        raise RuntimeError("no system actor: shigan.accounts is not installed or not ready")
    return _provider(reason)


def is_system_actor(user: object) -> bool:
    """Whether `user` is the system account (allowed everywhere, by identity)."""
    return getattr(user, "is_system", False) is True and getattr(user, "pk", None) is not None


def require_actor(actor: object) -> None:
    """Refuse a missing actor: the system itself passes `accounts.system_actor(reason)`."""
    if actor is None:
        raise TypeError(
            "actor is required: pass the acting user, or accounts.system_actor(reason) when the "
            "system itself writes"
        )


def actor_label(actor: "AbstractBaseUser | AnonymousUser") -> str:
    """The name an audit entry keeps for its actor: the user name, or "system: <reason>"."""
    if is_system_actor(actor):
        reason = getattr(actor, "system_reason", "")
        return f"{SYSTEM_USERNAME}: {reason}" if reason else SYSTEM_USERNAME
    return actor.get_username()
