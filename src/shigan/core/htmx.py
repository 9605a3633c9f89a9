"""HTMX helpers: a view renders its partial when htmx asks for it."""

__all__ = ["is_htmx"]


def is_htmx(request) -> bool:
    return bool(getattr(request, "htmx", False)) and not request.htmx.boosted
