"""Amounts of money as people write them: "193.7亿元", "1937000万元", "19,370,000,000元" and
19370000000 are the same 19,370,000,000 yuan. Decimal arithmetic only.

The units may also be written as the English interface names them ("193.7 hundred million
yuan", "1937000 ten thousand yuan", a header "Funds allocated (ten thousand yuan)") — every
configured language's spelling of 元/万元/亿元 is read — and in English millions and billions
("19.37 billion yuan").

A sheet's numeric cell arrives from the reader as a binary double (that is how xlsx stores
numbers); it is turned into the shortest decimal text that reads back as the same double —
the digits the spreadsheet shows — before any arithmetic, so 193.7 stays 193.7.
"""

import math
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from shigan.core.spreadsheets.values import CellError, match_key, normalize_text, spellings

__all__ = [
    "FUNDS_MAX",
    "UNITS",
    "UNIT_LABELS",
    "parse_amount",
    "read_number",
    "header_unit",
    "parenthesised_unit",
    "to_unit",
    "FEN",
]

FUNDS_MAX = Decimal("9999999999999.99")  # < 10万亿元: 15 significant digits with the fen

FEN = Decimal("0.01")
# Unit key → how many yuan one of it is.
UNITS = {
    "yuan": Decimal(1),
    "wan": Decimal(10_000),
    "yi": Decimal(100_000_000),
    "million": Decimal(1_000_000),
    "billion": Decimal(1_000_000_000),
}
UNIT_LABELS = {
    "yuan": gettext_lazy("元"),
    "wan": gettext_lazy("万元"),
    "yi": gettext_lazy("亿元"),
}
_CHINESE_SUFFIXES = (("亿元", "yi"), ("亿", "yi"), ("万元", "wan"), ("万", "wan"), ("元", "yuan"))
_ENGLISH_SCALES = (("billion", "billion"), ("million", "million"))
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_HEADER_UNIT = re.compile(
    r"[(（]\s*(?:单位[:：]\s*)?(亿元|万元|元)\s*[)）]|单位[:：]\s*(亿元|万元|元)"
)
_HEADER_KEYS = {"亿元": "yi", "万元": "wan", "元": "yuan"}
_PARENTHESISED = re.compile(r"\(([^()]*)\)\s*$")
_HEADER_LEAD = re.compile(r"^(?:单位[:：]|unit[:：]|in)\s*", re.IGNORECASE)


def _unit_words() -> dict[str, str]:
    """{match key of a unit word: unit key}: 元/万元/亿元 in every language, English millions
    and billions, with and without "yuan"."""
    return _unit_words_in(get_language())


def _suffixes() -> list[tuple[str, str]]:
    """Unit words longest first, so "hundredmillionyuan" is tried before "millionyuan"."""
    return _suffixes_in(get_language())


@lru_cache(maxsize=8)
def _suffixes_in(language) -> list[tuple[str, str]]:
    return sorted(_unit_words_in(language).items(), key=lambda item: len(item[0]), reverse=True)


@lru_cache(maxsize=8)
def _unit_words_in(language) -> dict[str, str]:
    words = {}
    for suffix, unit in _CHINESE_SUFFIXES:
        words[suffix] = unit
    yuan = [match_key(s) for s in spellings(UNIT_LABELS["yuan"])]
    for unit, label in UNIT_LABELS.items():
        for spelling in spellings(label):
            key = match_key(spelling)
            words.setdefault(key, unit)
            for word in yuan:  # "hundred million yuan" → also "hundred million"
                if key.endswith(word) and len(key) > len(word):
                    words.setdefault(key[: -len(word)], unit)
    for word, unit in _ENGLISH_SCALES:
        for currency in yuan:
            words.setdefault(word + currency, unit)
        words.setdefault(word, unit)
    return words


def header_unit(title) -> str | None:
    """The unit a column header names: "资金（万元）" → "wan", "Funds (ten thousand yuan)" →
    "wan"; None when it names none."""
    text = normalize_text(title)
    match = _HEADER_UNIT.search(text)
    if match:
        return _HEADER_KEYS[match.group(1) or match.group(2)]
    return parenthesised_unit(text, _unit_words())


def parenthesised_unit(title, words: dict[str, str]) -> str | None:
    """The unit a header names in its closing brackets ("数值（兆瓦）", "Value (MW)"), looked up
    in `words` ({match key: unit key}); None when it names none of them."""
    match = _PARENTHESISED.search(normalize_text(title))
    if not match:
        return None
    return words.get(match_key(_HEADER_LEAD.sub("", match.group(1).strip())))


def _example() -> str:
    return _("请填写金额，如 193.7亿元、1937000万元 或 19370000000。")


def _decimal_of(value, message: str) -> Decimal:
    if isinstance(value, bool):
        raise CellError(message)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError(message)
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    raise CellError(message)


def _split_text(text: str, default_unit, words) -> tuple[str, str]:
    """(number text, unit key) of a typed figure; the text's own suffix wins over the column's."""
    text = text.replace(",", "").replace("，", "").replace(" ", "").lstrip("¥￥")
    folded = text.casefold()
    if folded[-1:].isdigit() or folded.endswith("."):
        return text, default_unit
    for suffix, unit in words:
        if folded.endswith(suffix):
            return folded[: -len(suffix)], unit
    return text, default_unit


def read_number(value, *, words, default_unit, message: str) -> tuple[Decimal, str] | None:
    """(exact number, unit key) of a cell as people write it — "193.7亿元", "5.31万千瓦", 1937
    (a bare number is in `default_unit`, the column's) — or None for a blank cell. `words` are
    (match key of a unit word, unit key), longest first; `message` says what the cell should
    hold. Shared by the amounts of money here and the physical quantities (`measures`)."""
    if value is None or isinstance(value, str) and not value.strip():
        return None
    if not isinstance(value, str):
        return _decimal_of(value, message), default_unit
    text, unit = _split_text(normalize_text(value), default_unit, words)
    if not _NUMBER.match(text):
        raise CellError(message)
    try:
        return Decimal(text), unit
    except InvalidOperation:
        raise CellError(message) from None


def parse_amount(value, *, default_unit: str = "yuan") -> Decimal | None:
    """Yuan as an exact Decimal with two places, or None for a blank cell. A bare number is in
    `default_unit` (the column's unit); refused: negatives, non-numbers, fractions of a fen,
    amounts of 10万亿元 or more."""
    message = _("“%(value)s”不是金额。") % {"value": value} + _example()
    read = read_number(value, words=_suffixes(), default_unit=default_unit, message=message)
    if read is None:
        return None
    number, unit = read
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
