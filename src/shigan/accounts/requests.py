"""The request a login-required view gets: its user is signed in (never AnonymousUser), which
the type checker cannot learn from LoginRequiredMixin alone."""

from django.http import HttpRequest

from shigan.accounts.models import User

__all__ = ["AuthenticatedRequest"]


class AuthenticatedRequest(HttpRequest):
    user: User
