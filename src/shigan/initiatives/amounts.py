"""Amounts of money as people write them: "193.7亿元", "1937000万元", "19,370,000,000元" and
19370000000 are the same 19,370,000,000 yuan. Decimal arithmetic only.

A sheet's numeric cell arrives from the reader as a binary double (that is how xlsx stores
numbers); it is turned into the shortest decimal text that reads back as the same double —
the digits the spreadsheet shows — before any arithmetic, so 193.7 stays 193.7.
"""

import math
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from shigan.core.spreadsheets.values import CellError, normalize_text
from shigan.initiatives.models import FUNDS_MAX

__all__ = ["UNITS", "parse_amount", "header_unit", "to_unit", "FEN"]

FEN = Decimal("0.01")
# Unit key → how many yuan one of it is.
UNITS = {"yuan": Decimal(1), "wan": Decimal(10_000), "yi": Decimal(100_000_000)}
_SUFFIXES = (("亿元", "yi"), ("亿", "yi"), ("万元", "wan"), ("万", "wan"), ("元", "yuan"))
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_HEADER_UNIT = re.compile(
    r"[(（]\s*(?:单位[:：]\s*)?(亿元|万元|元)\s*[)）]|单位[:：]\s*(亿元|万元|元)"
)
_HEADER_KEYS = {"亿元": "yi", "万元": "wan", "元": "yuan"}


def header_unit(title) -> str | None:
    """The unit a column header names: "资金（万元）" → "wan"; None when it names none."""
    match = _HEADER_UNIT.search(normalize_text(title))
    if not match:
        return None
    return _HEADER_KEYS[match.group(1) or match.group(2)]


def _example() -> str:
    return _("请填写金额，如 193.7亿元、1937000万元 或 19370000000。")


def _decimal_of(value, raw) -> Decimal:
    if isinstance(value, bool):
        raise CellError(_("“%(value)s”不是金额。") % {"value": raw} + _example())
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError(_("“%(value)s”不是金额。") % {"value": raw} + _example())
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    raise CellError(_("“%(value)s”不是金额。") % {"value": raw} + _example())


def _split_text(text: str, default_unit: str) -> tuple[str, str]:
    """(number text, unit key) of a typed amount; the text's own suffix wins over the column's."""
    text = text.replace(",", "").replace("，", "").replace(" ", "").lstrip("¥￥")
    for suffix, unit in _SUFFIXES:
        if text.endswith(suffix):
            return text[: -len(suffix)], unit
    return text, default_unit


def parse_amount(value, *, default_unit: str = "yuan") -> Decimal | None:
    """Yuan as an exact Decimal with two places, or None for a blank cell. A bare number is in
    `default_unit` (the column's unit); refused: negatives, non-numbers, fractions of a fen,
    amounts of 10万亿元 or more."""
    if value is None or isinstance(value, str) and not value.strip():
        return None
    unit = default_unit
    if isinstance(value, str):
        text, unit = _split_text(normalize_text(value), default_unit)
        if not _NUMBER.match(text):
            raise CellError(_("“%(value)s”不是金额。") % {"value": value} + _example())
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CellError(_("“%(value)s”不是金额。") % {"value": value} + _example()) from None
    else:
        number = _decimal_of(value, value)
    if number < 0:
        raise CellError(_("“%(value)s”是负数，金额不能为负。") % {"value": value})
    yuan = number * UNITS[unit]
    if yuan != yuan.quantize(FEN):
        raise CellError(_("“%(value)s”不足一分，金额最小到分。") % {"value": value})
    if yuan > FUNDS_MAX:
        raise CellError(_("“%(value)s”超过 10 万亿元，请核对金额和单位。") % {"value": value})
    return yuan.quantize(FEN)


def to_unit(yuan: Decimal, unit: str) -> Decimal:
    """Yuan expressed in `unit`, exactly (万元 keep six places: down to the fen)."""
    places = {"yuan": 2, "wan": 6, "yi": 10}[unit]
    return (Decimal(yuan) / UNITS[unit]).quantize(Decimal(1).scaleb(-places))
