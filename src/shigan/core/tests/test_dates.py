"""Issue 16 point 7: the ledger's date range, on every form and API date field (unless the
field opts out) and in spreadsheet dates."""

from datetime import date

import pytest
from django import forms
from rest_framework import serializers

from shigan.core.spreadsheets.values import CellError, parse_date


class Form(forms.Form):
    due = forms.DateField(label="期限")


def test_form_date_fields_keep_to_the_range():
    assert Form({"due": "2100-12-31"}).is_valid() and Form({"due": "2000-01-01"}).is_valid()
    form = Form({"due": "9999-12-31"})
    assert not form.is_valid()
    assert form.errors["due"] == ["期限须在 2000 年 1 月 1 日至 2100 年 12 月 31 日之间。"]
    assert not Form({"due": "1999-12-31"}).is_valid()


def test_a_field_may_say_otherwise():
    field = forms.DateField(label="出生日期")
    field.ledger_range = False
    assert field.clean("1965-03-08") == date(1965, 3, 8)


def test_api_date_fields_keep_to_the_range():
    class Input(serializers.Serializer):
        due = serializers.DateField(label="期限")

    assert Input(data={"due": "2023-06-30"}).is_valid()
    bad = Input(data={"due": "9999-12-31"})
    assert not bad.is_valid()
    assert str(bad.errors["due"][0]) == "期限须在 2000 年 1 月 1 日至 2100 年 12 月 31 日之间。"


@pytest.mark.parametrize("raw", ["9999-12-31", "1900年1月1日", 2958465, "2101/1/1"])
def test_spreadsheet_dates_keep_to_the_range(raw):
    with pytest.raises(CellError, match="2000 年 1 月 1 日至 2100 年 12 月 31 日"):
        parse_date(raw)
    assert parse_date("2100-12-31") == date(2100, 12, 31)
