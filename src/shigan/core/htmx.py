"""HTMX helpers: a view renders its partial when htmx asks for it."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

__all__ = ["is_htmx"]


def is_htmx(request: HttpRequest) -> bool:
    htmx: HtmxDetails | None = getattr(request, "htmx", None)  # None: its middleware did not run
    return htmx is not None and bool(htmx) and not htmx.boosted
