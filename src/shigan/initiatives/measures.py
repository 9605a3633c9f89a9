"""Units of measure of a key task's indicators (指标计量单位): a fixed list, each unit a family
(power, area, length …) and how many of the family's base unit it is, so 5.31万千瓦, 53.1兆瓦
and 53100千瓦 are the same 53,100 千瓦. Decimal arithmetic only; a value is kept in its
indicator's unit with `PLACES` decimals, and a conversion that would need more (1 亩 in 公顷 is
1/15) is refused rather than rounded.

Cells and typed values are read by the same mechanism as amounts of money
(`amounts.read_number`): a unit written after the number wins over the column's.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from shigan.core.spreadsheets.values import CellError, match_key, spellings
from shigan.initiatives.amounts import parenthesised_unit, read_number

__all__ = [
    "Measure",
    "MEASURES",
    "MEASURE_CHOICES",
    "PLACES",
    "QUANTUM",
    "VALUE_MAX",
    "convert",
    "parse_quantity",
    "header_measure",
    "quantity_text",
    "quantity_exact",
    "quantity_number",
]

PLACES = 4
QUANTUM = Decimal(1).scaleb(-PLACES)
VALUE_MAX = Decimal("99999999999.9999")  # 15 significant digits: exact in SQLite and xlsx


@dataclass(frozen=True)
class Measure:
    key: str
    label: object
    family: str
    factor: Decimal  # how many of the family's base unit one of this unit is


def _m(key, label, family, factor) -> Measure:
    return Measure(key, label, family, Decimal(factor))


_LIST = (
    _m("kw", gettext_lazy("千瓦"), "power", 1),
    _m("wan_kw", gettext_lazy("万千瓦"), "power", 10_000),
    _m("mw", gettext_lazy("兆瓦"), "power", 1_000),
    _m("gw", gettext_lazy("吉瓦"), "power", 1_000_000),
    _m("kwh", gettext_lazy("千瓦时"), "energy", 1),
    _m("wan_kwh", gettext_lazy("万千瓦时"), "energy", 10_000),
    _m("yi_kwh", gettext_lazy("亿千瓦时"), "energy", 100_000_000),
    _m("mu", gettext_lazy("亩"), "land", 1),
    _m("wan_mu", gettext_lazy("万亩"), "land", 10_000),
    _m("hectare", gettext_lazy("公顷"), "land", 15),
    _m("km2", gettext_lazy("平方公里"), "land", 1_500),
    _m("km", gettext_lazy("公里"), "length", 1),
    _m("metre", gettext_lazy("米"), "length", "0.001"),
    _m("ton", gettext_lazy("吨"), "mass", 1),
    _m("wan_ton", gettext_lazy("万吨"), "mass", 10_000),
    _m("piece", gettext_lazy("个"), "piece", 1),
    _m("household", gettext_lazy("户"), "household", 1),
    _m("wan_household", gettext_lazy("万户"), "household", 10_000),
    _m("person", gettext_lazy("人"), "person", 1),
    _m("wan_person", gettext_lazy("万人"), "person", 10_000),
    _m("person_time", gettext_lazy("人次"), "person_time", 1),
    _m("wan_person_time", gettext_lazy("万人次"), "person_time", 10_000),
)
MEASURES: dict[str, Measure] = {m.key: m for m in _LIST}
MEASURE_CHOICES = [(m.key, m.label) for m in _LIST]


def convert(number: Decimal, source: str, target: str) -> Decimal:
    """`number` of unit `source` in unit `target`, exactly; ValueError when the two measure
    different things or the result needs more than `PLACES` decimals."""
    a, b = MEASURES[source], MEASURES[target]
    if a.family != b.family:
        raise ValueError("different families")
    value = Decimal(number) * a.factor / b.factor
    if value != value.quantize(QUANTUM):
        raise ValueError("inexact")
    return value.quantize(QUANTUM)


@lru_cache(maxsize=8)
def _words_in(_language) -> dict[str, str]:
    """{match key of a unit's name in any language, or of its key: unit key}."""
    words: dict[str, str] = {}
    for measure in _LIST:
        for spelling in spellings(measure.label):
            words.setdefault(match_key(spelling), measure.key)
        words.setdefault(match_key(measure.key), measure.key)
    return words


@lru_cache(maxsize=8)
def _suffixes_in(language) -> list[tuple[str, str]]:
    # Longest first: "万千瓦" before "千瓦", "千瓦时" before "千瓦".
    return sorted(_words_in(language).items(), key=lambda item: len(item[0]), reverse=True)


def header_measure(title) -> str | None:
    """The unit a column header names: "数值（兆瓦）" → "mw"; None when it names none."""
    return parenthesised_unit(title, _words_in(get_language()))


def parse_quantity(value, *, measure: str, default: str | None = None) -> Decimal | None:
    """A value in unit `measure` (the indicator's), exact, or None for a blank cell. The text's
    own unit wins ("5.31万千瓦"); a bare number is in `default` (the column's), else in
    `measure`. Refused: negatives, non-numbers, another family's unit, inexact conversions."""
    label = MEASURES[measure].label
    message = _("“%(value)s”不是数值，请填写如 531、5.31万%(unit)s 的数值。") % {
        "value": value,
        "unit": label,
    }
    read = read_number(
        value,
        words=_suffixes_in(get_language()),
        default_unit=default or measure,
        message=message,
    )
    if read is None:
        return None
    number, unit = read
    if number < 0:
        raise CellError(_("“%(value)s”是负数，数值不能为负。") % {"value": value})
    try:
        converted = convert(number, unit, measure)
    except ValueError:
        raise CellError(
            _("“%(value)s”不能换算为%(unit)s（单位不同类或小数位过多）。")
            % {"value": value, "unit": label}
        ) from None
    if converted > VALUE_MAX:
        raise CellError(_("“%(value)s”数值过大，请核对数值和单位。") % {"value": value})
    return converted


def _number(value) -> Decimal:
    number = Decimal(value or 0).quantize(QUANTUM).normalize()
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))  # 5.31E+4 → 53100
    return number


def quantity_number(value) -> str:
    """The exact value as plain decimal text without trailing zeros: 53100, 0.0531."""
    return f"{_number(value):f}"


def quantity_text(value, measure: str) -> str:
    """531千瓦, 5.31万千瓦: the value without trailing zeros, then its unit."""
    return f"{quantity_number(value)}{MEASURES[measure].label}"


def quantity_exact(value, measure: str) -> str:
    """53,100千瓦, 0.0531万千瓦: with thousands separators, without trailing zeros."""
    return f"{_number(value):,f}{MEASURES[measure].label}"
