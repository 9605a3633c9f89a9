"""A signed-in user's pages are not kept by the browser (等保: residual information).

Without a Cache-Control header a browser may keep a page of the ledger, a petitioner's details
or an API answer on disk and show it again from its history after logout, to the next person
at a shared office computer. Every answer to a signed-in user (pages and the API, whose DRF
authentication also sets `request.user`) therefore says `private, no-store`, unless its view
chose a Cache-Control of its own. Static files are served before this (WhiteNoise) and keep
their long caching; the login page is not concerned.
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import patch_cache_control

__all__ = ["PrivatePagesMiddleware"]


class PrivatePagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
