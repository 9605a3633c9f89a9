"""Amounts as people write them land exactly; anything else is refused with a reason."""

from decimal import Decimal

import pytest

from shigan.core.spreadsheets.values import CellError
from shigan.initiatives.amounts import header_unit, parse_amount, to_unit

EXACT = Decimal("19370000000")


@pytest.mark.parametrize(
    ("raw", "unit"),
    [
        ("193.7亿元", "yuan"),
        ("193.7亿", "yuan"),
        ("1937000万元", "yuan"),
        ("19370000000", "yuan"),
        ("19,370,000,000元", "yuan"),
        ("１９３７０００万元", "yuan"),  # full-width digits
        ("1937000", "wan"),
        ("193.7", "yi"),
        ("193.7亿元", "wan"),  # the cell's own unit wins over the column's
        (19370000000, "yuan"),
        (19370000000.0, "yuan"),  # a numeric xlsx cell
        (1937000.0, "wan"),
        (193.7, "yi"),  # 193.7 is not exact in binary; its shortest decimal text is
        ("￥19370000000.00", "yuan"),
    ],
)
def test_the_same_fund_written_every_way_lands_exactly(raw, unit):
    value = parse_amount(raw, default_unit=unit)
    assert value == EXACT and isinstance(value, Decimal)
    assert str(value) == "19370000000.00"


def test_fractions_keep_their_fen():
    assert parse_amount("7.14亿元") == Decimal("714000000.00")
    assert parse_amount("0.01") == Decimal("0.01")
    assert parse_amount("1.234567万元") == Decimal("12345.67")
    assert parse_amount(0.1, default_unit="yuan") == Decimal("0.10")
    assert parse_amount("", default_unit="wan") is None and parse_amount(None) is None


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("-5", "负"),
        (-5, "负"),
        ("-193.7亿元", "负"),
        ("abc", "不是金额"),
        ("一百万", "不是金额"),
        ("1.2.3", "不是金额"),
        (True, "不是金额"),
        (float("nan"), "不是金额"),
        ("0.001", "分"),
        ("1.2345678万元", "分"),
        ("100000亿元", "10 万亿元"),
    ],
)
def test_bad_amounts_are_refused_with_a_reason(raw, words):
    with pytest.raises(CellError) as error:
        parse_amount(raw)
    assert words in error.value.message


def test_headers_say_the_unit():
    assert header_unit("资金（万元）") == "wan"
    assert header_unit("安排资金(元)") == "yuan"
    assert header_unit("资金（单位：亿元）") == "yi"
    assert header_unit("资金") is None


def test_conversion_out_is_exact():
    assert to_unit(Decimal("19370000000.00"), "wan") == Decimal("1937000.000000")
    assert to_unit(Decimal("123.45"), "wan") == Decimal("0.012345")
    assert to_unit(Decimal("19370000000.00"), "yi") == Decimal("193.7")
