"""Reads on accounts that depend on the user."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from shigan.accounts.models import ApiToken, User

__all__ = ["token_list", "token_get", "active_user_by_username"]


def token_list(*, user) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first, revoked ones included."""
    return ApiToken.objects.restrict(user).order_by("-created_at", "-id")


def token_get(*, user, pk) -> ApiToken:
    """One of the user's own tokens; anyone else's is a 404."""
    return get_object_or_404(ApiToken.objects.restrict(user), pk=pk)


def active_user_by_username(username: str) -> User | None:
    """The active account with this user name (to grant it a role or a group), or None."""
    return User.objects.filter(username=username.strip(), is_active=True).first()
