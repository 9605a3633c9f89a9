"""Figures written the way a Chinese report writes them: 1667个, 1.49万名, 193.7亿元.

The rounded text is for reading; the exact value goes with it (a page shows it on hover).
"""

from decimal import Decimal

from shigan.metrics.formats import WAN, YI, digits, rounded, scale

__all__ = ["count_text", "amount_text", "exact_text"]

# Written into the report as they are: its text is fixed Chinese, never "约" (the scale and the
# rounding are shared with metrics.formats; the wording and the 亿 precision are not).
_UNIT_TEXT = {YI: "亿", WAN: "万"}


def count_text(value) -> str:
    """A count: plain digits below ten thousand (1667), then 万 (1.49万)."""
    value = int(value or 0)
    if abs(value) >= WAN:
        return f"{digits(rounded(Decimal(value) / WAN, 2), grouping=False)}万"
    return str(value)


def amount_text(yuan) -> str:
    """An amount of yuan in 亿元 or 万元 as the article writes it (193.7亿元, 7.14亿元)."""
    number, unit, _rounded = scale(yuan or 0, yi_places=2)
    return f"{digits(number, grouping=False)}{_UNIT_TEXT.get(unit, '')}元"


def exact_text(value, *, amount: bool = False) -> str:
    """The exact figure with thousands separators (19,370,000,000.00元)."""
    if amount:
        return f"{Decimal(value or 0):,.2f}元"
    return f"{int(value or 0):,}"
