"""The request a login-required view gets: its user is signed in (never AnonymousUser), which
the type checker cannot know from the mixin alone."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

__all__ = ["AuthenticatedRequest"]


class AuthenticatedRequest(HttpRequest):
    user: AbstractBaseUser  # accounts' User (a floor above core)
