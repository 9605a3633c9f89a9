"""The request a login-required view gets: its user is signed in (never AnonymousUser), which
the type checker cannot learn from LoginRequiredMixin alone."""

from django.http import HttpRequest
from rest_framework.request import Request

from shigan.accounts.models import User

__all__ = ["AuthenticatedRequest", "signed_in_user"]


class AuthenticatedRequest(HttpRequest):
    user: User


def signed_in_user(request: HttpRequest | Request) -> User:
    """The user of a login-required view or of an API call (IsAuthenticated, the default
    permission, let them in) where the request's type does not say so: DRF's Request, or a
    mixin's `self.request`."""
    user = request.user
    assert isinstance(user, User), "login-required views and the API have a signed-in user"
    return user
