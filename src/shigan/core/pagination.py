"""Cursor pagination: stable under inserts, and as fast on page 1,000 as on page 1."""

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from rest_framework import pagination

if TYPE_CHECKING:  # DRF loads this class from its settings while loading its own views
    from rest_framework.request import Request
    from rest_framework.views import APIView

__all__ = ["CursorPagination"]


class CursorPagination(pagination.CursorPagination):
    """Ordered by the view's `cursor_ordering` (a unique, indexed key), `id` by default.

    `?page_size=` chooses the page size, up to 500.
    """

    ordering = "id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_ordering(
        self, request: "Request", queryset: QuerySet[Any], view: "APIView"
    ) -> tuple[str, ...]:
        ordering = getattr(view, "cursor_ordering", None) or self.ordering
        return (ordering,) if isinstance(ordering, str) else tuple(ordering)
