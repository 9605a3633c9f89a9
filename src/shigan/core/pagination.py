"""Pages of a list: numbered pages for the web pages (`page_of`, drawn by
core/partials/pager.html), cursor pages for the API (stable under inserts, and as fast on page
1,000 as on page 1)."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import pagination

if TYPE_CHECKING:  # DRF loads this class from its settings while loading its own views
    from rest_framework.request import Request
    from rest_framework.serializers import BaseSerializer
    from rest_framework.views import APIView
    from rest_framework.viewsets import GenericViewSet

    # What the mixin is mixed into: the type checker reads `self.action` and `super()` there.
    _ViewSet = GenericViewSet[Any]
else:
    _ViewSet = object

__all__ = ["PAGE_SIZE", "CursorPagination", "RecordListMixin", "page_of"]

# Rows on a page of a web list: what a phone scrolls through in cards, and the size the list
# pages' query-count tests pin.
PAGE_SIZE = 50


def page_of(
    request: HttpRequest, rows: "QuerySet[Any] | Sequence[Any]", *, param: str = "page"
) -> "Page[Any]":
    """The page of `rows` that `?page=` asks for; the last one past the end, the first one for
    anything that is not a number (a link kept from a longer list still opens). A second list
    on the same page takes its own `param`, drawn by the pager with `param=` too."""
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get(param))


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


# A viewset's list of records: cursor pages newest first, numeric ids in the URL, filtered by
# the view's `filterset_class`. (A comment, not a docstring: the API docs would show it as the
# description of every view that has none of its own.)
class RecordListMixin(_ViewSet):
    pagination_class = CursorPagination
    cursor_ordering = "-id"
    lookup_value_regex = "[0-9]+"
    filter_backends = [DjangoFilterBackend]
    # One record (retrieve) may show more than a row of the list does.
    detail_serializer_class: "type[BaseSerializer[Any]] | None" = None

    def get_serializer_class(self) -> "type[BaseSerializer[Any]]":
        if self.action == "retrieve" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return super().get_serializer_class()
