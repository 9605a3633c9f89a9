"""Physical quantities as people write them land exactly in the indicator's unit; anything
else is refused with a reason (issue 19: 5.31万千瓦 = 53,100 千瓦; 兆瓦 → 千瓦)."""

from decimal import Decimal

import pytest

from shigan.core.spreadsheets.values import CellError
from shigan.initiatives.measures import (
    convert,
    header_measure,
    parse_quantity,
    quantity_exact,
    quantity_text,
)


@pytest.mark.parametrize(
    ("raw", "default"),
    [
        ("5.31万千瓦", None),
        ("53100千瓦", None),
        ("53,100", None),
        ("53.1兆瓦", None),
        ("0.0531吉瓦", None),
        ("53.1", "mw"),  # a bare number in a 兆瓦 column
        (53.1, "mw"),  # a numeric xlsx cell in a 兆瓦 column
        ("5.31", "wan_kw"),
        ("5.31万千瓦", "mw"),  # the cell's own unit wins over the column's
        (53100, None),
        ("５.３１万千瓦", None),  # full-width digits
    ],
)
def test_the_same_capacity_written_every_way_is_53100_kilowatts(raw, default):
    value = parse_quantity(raw, measure="kw", default=default)
    assert value == Decimal("53100") and isinstance(value, Decimal)


def test_conversions_are_exact_both_ways():
    assert convert(Decimal("5.31"), "wan_kw", "kw") == Decimal("53100")
    assert convert(Decimal("531"), "kw", "wan_kw") == Decimal("0.0531")
    assert convert(Decimal("0.531"), "mw", "kw") == Decimal("531")
    assert convert(Decimal("2"), "hectare", "mu") == Decimal("30")
    assert convert(Decimal("1.5"), "wan_mu", "hectare") == Decimal("1000")
    assert convert(Decimal("3"), "km", "metre") == Decimal("3000")
    assert parse_quantity("531千瓦", measure="wan_kw") == Decimal("0.0531")
    assert parse_quantity("1.2万人次", measure="person_time") == Decimal("12000")


@pytest.mark.parametrize(
    ("raw", "measure", "words"),
    [
        ("-5", "kw", "负"),
        ("abc", "kw", "不是数值"),
        ("5万亩", "kw", "不能换算"),  # land is not power
        ("1亩", "hectare", "不能换算"),  # 1/15 公顷 is not a finite decimal
        ("0.00001", "kw", "不能换算"),  # finer than the kept ten-thousandth
        (True, "kw", "不是数值"),
        ("1000000000万千瓦", "kw", "过大"),
    ],
)
def test_bad_values_are_refused_with_the_reason(raw, measure, words):
    with pytest.raises(CellError) as error:
        parse_quantity(raw, measure=measure)
    assert words in error.value.message


def test_headers_name_their_unit():
    assert header_measure("数值（兆瓦）") == "mw"
    assert header_measure("数值(万千瓦)") == "wan_kw"
    assert header_measure("数值（单位：千瓦）") == "kw"
    assert header_measure("数值") is None


def test_texts():
    assert quantity_text(Decimal("531.0000"), "kw") == "531千瓦"
    assert quantity_text(Decimal("53100"), "kw") == "53100千瓦"
    assert quantity_exact(Decimal("53100"), "kw") == "53,100千瓦"
    assert quantity_text(Decimal("0.0531"), "wan_kw") == "0.0531万千瓦"
