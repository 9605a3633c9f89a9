"""The one way figures read, on every page and in every briefing: as a Chinese report writes
them (内蒙古日报 2023-06-08: 1346个, 1.49万名, 193.7亿元, 7.14亿元, 531千瓦).

- A count: plain digits, never a thousands comma, up to 9999; from 10,000 up in 万 (from
  one 亿 up in 亿) with at most two decimals (14900 → 1.49万).
- An amount of yuan: in 亿元 from one 亿 up, in 万元 from one 万 up, else in 元, with at most
  two decimals and no trailing zeros (19,370,000,000 → 193.7亿元); never "约".
- The exact value goes with the rounded text (a page shows it on hover, an export keeps it):
  19,370,000,000.00元, 14,900 — the one place digits are grouped.

Decimal arithmetic only: a float would turn 193.7亿 into 193.69999….
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

__all__ = [
    "YI",
    "WAN",
    "ONE",
    "rounded",
    "digits",
    "scale",
    "count_text",
    "count_exact",
    "amount_text",
    "amount_exact",
]

YI = Decimal(100_000_000)  # 亿
WAN = Decimal(10_000)  # 万
ONE = Decimal(1)
PLACES = 2  # at most two decimals in a figure people read
Number = Decimal | int | float | str  # what Decimal() takes: figures come as all of these


def rounded(value: Decimal, places: int) -> Decimal:
    """`value` rounded half up to `places` decimals: the one rounding rule of shown figures."""
    return Decimal(value).quantize(ONE.scaleb(-places), rounding=ROUND_HALF_UP)


def digits(value: Decimal, *, grouping: bool = False) -> str:
    """The digits of `value` without trailing zeros (1.4900 → 1.49, 6.00 → 6); thousands
    separators only when asked (exact values)."""
    text = f"{value:,f}" if grouping else f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def scale(value: Number, *, places: int = PLACES) -> tuple[Decimal, Decimal, bool]:
    """(`value` in 亿 from one 亿 up, in 万 from one 万 up, else as it is, rounded to `places`
    decimals; the unit: YI, WAN or ONE; whether the rounding changed it). A figure the rounding
    carries to the next unit reads in it (99,999,999 → 1亿, not 10000万)."""
    value = Decimal(value)
    unit = YI if abs(value) >= YI else WAN if abs(value) >= WAN else ONE
    shown = rounded(value / unit, places)
    if unit != YI and abs(shown) >= WAN:
        unit = unit * WAN
        shown = rounded(value / unit, places)
    return shown, unit, shown * unit != value


def count_text(value: Number | None) -> str:
    """A count: 1667, 9999, then 1.49万, 12万, 305.11万."""
    number, unit, _changed = scale(int(value or 0))
    if unit == ONE:
        return str(int(number))
    if unit == YI:
        return _("%(n)s亿") % {"n": digits(number)}
    return _("%(n)s万") % {"n": digits(number)}


def count_exact(value: Number | None) -> str:
    """The exact count, digits grouped: 14,900."""
    return f"{int(value or 0):,}"


def amount_text(yuan: Number | None) -> str:
    """An amount of yuan: 193.7亿元, 305.11亿元, 1836万元, 3.5万元, 1234.5元."""
    number, unit, _changed = scale(yuan or 0)
    text = digits(number)
    if unit == YI:
        return _("%(n)s亿元") % {"n": text}
    if unit == WAN:
        return _("%(n)s万元") % {"n": text}
    return _("%(n)s元") % {"n": text}


def amount_exact(yuan: Number | None) -> str:
    """The exact amount, digits grouped, at least to the fen: 19,370,000,000.00元."""
    value = Decimal(yuan or 0)
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int), "an amount is finite"  # not NaN or infinity
    places = max(2, -exponent)
    return _("%(amount)s元") % {"amount": f"{value:,.{places}f}"}
