"""The request a login-required page or an authenticated API call gets: its user is signed in
(an accounts.User, never AnonymousUser), which the type checker cannot know from the mixin or
the permission class alone."""

from django.http import HttpRequest
from rest_framework.request import Request

from shigan.accounts.models import User

__all__ = ["SignedInRequest", "signed_in_user"]


class SignedInRequest(HttpRequest):
    """Annotates `request` in views behind LoginRequiredMixin (never instantiated)."""

    user: User


def signed_in_user(request: HttpRequest | Request) -> User:
    """The user of a login-required view or of an API call (IsAuthenticated, the default
    permission, let them in), where the request's type does not say so."""
    user = request.user
    assert isinstance(user, User), "login-required views and the API have a signed-in user"
    return user
