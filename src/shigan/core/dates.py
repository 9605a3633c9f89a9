"""The ledger's date range (issue 16): a date typed into a form, sent to the API or read from a
spreadsheet lies in 2000–2100, unless its field says otherwise. 9999-12-31 is a typing
accident or a probe, never a deadline, and far dates break the working-day calendar.

Installed once (CoreConfig.ready) on Django's forms.DateField (so on every form and filter
date field) and on DRF's DateField (every API date field): a field opts out with
`ledger_range = False`. Spreadsheet dates are checked in spreadsheets.values.parse_date."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from rest_framework import serializers

from shigan.core.errors import ErrorCode

__all__ = ["EARLIEST", "LATEST", "in_range", "out_of_range_message", "install"]

EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def in_range(day: date) -> bool:
    return EARLIEST <= day <= LATEST


def out_of_range_message(label: str | Promise | None = None) -> str:
    what = str(label) if label else _("日期")
    return _("%(what)s须在 2000 年 1 月 1 日至 2100 年 12 月 31 日之间。") % {"what": what}


FormValidate = Callable[[forms.Field, Any], None]
ApiToInternal = Callable[[serializers.DateField, date | str], date]


def _form_validate(original: FormValidate) -> FormValidate:
    def validate(self: forms.Field, value: Any) -> None:
        original(self, value)
        if value and getattr(self, "ledger_range", True) and not in_range(value):
            raise ValidationError(out_of_range_message(self.label), code=ErrorCode.DATE_RANGE)

    return validate


def _api_to_internal_value(original: ApiToInternal) -> ApiToInternal:
    def to_internal_value(self: serializers.DateField, value: date | str) -> date:
        day = original(self, value)
        if getattr(self, "ledger_range", True) and not in_range(day):
            raise serializers.ValidationError(
                out_of_range_message(self.label), code=ErrorCode.DATE_RANGE
            )
        return day

    return to_internal_value


def install() -> None:
    if getattr(forms.DateField, "_ledger_range_installed", False):
        return
    # A patch of the classes themselves, installed once: the type checker rightly flags it.
    forms.DateField.validate = _form_validate(forms.DateField.validate)  # type: ignore[method-assign,assignment]
    serializers.DateField.to_internal_value = _api_to_internal_value(  # type: ignore[method-assign,assignment]
        serializers.DateField.to_internal_value
    )
    forms.DateField._ledger_range_installed = True  # type: ignore[attr-defined]  # our own mark
