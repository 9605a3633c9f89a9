"""Reads on accounts that depend on the user."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from shigan.accounts.models import ApiToken, User

__all__ = [
    "token_list",
    "token_get",
    "active_user_by_username",
    "can_manage",
    "account_list",
    "account_get",
]


def token_list(*, user: User | AnonymousUser) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first, revoked ones included."""
    return ApiToken.objects.restrict(user).order_by("-created_at", "-id")


def token_get(*, user: User | AnonymousUser, pk: int | str) -> ApiToken:
    """One of the user's own tokens; anyone else's is a 404."""
    return get_object_or_404(ApiToken.objects.restrict(user), pk=pk)


def active_user_by_username(username: str) -> User | None:
    """The active account with this user name (to grant it a role or a group), or None."""
    return User.objects.filter(username=username.strip(), is_active=True).first()


def can_manage(user: User | AnonymousUser, power: str) -> bool:
    """三员分立: "accounts" is the system administrator's, "security" the security
    administrator's; the audit administrator's is in shigan.audit.selectors."""
    if not user.is_authenticated:
        return False
    return user.is_system_admin if power == "accounts" else user.is_security_admin


def account_list(*, user: User | AnonymousUser, power: str) -> QuerySet[User]:
    """Every account, for the administrator holding `power`; anyone else gets a 404."""
    if not can_manage(user, power):
        raise Http404
    return User.objects.people().order_by("username")


def account_get(*, user: User | AnonymousUser, power: str, pk: int | str) -> User:
    return get_object_or_404(account_list(user=user, power=power), pk=pk)
