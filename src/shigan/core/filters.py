"""Filters (django-filter) shared by every app's API."""

from typing import Any

import django_filters
from django import forms

__all__ = ["IdFilter"]


class IdFilter(django_filters.Filter):  # type: ignore[misc]  # django-filter ships no types
    """A record id (an integer, not any number)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)  # a database integer; larger is a 400, not a 500
        super().__init__(*args, **kwargs)
