"""Figures written the way a Chinese report writes them: 1667个, 1.49万名, 193.7亿元.

The rounded text is for reading; the exact value goes with it (a page shows it on hover).
"""

from decimal import ROUND_HALF_UP, Decimal

__all__ = ["count_text", "amount_text", "exact_text"]

_WAN = Decimal(10_000)
_YI = Decimal(100_000_000)


def _short(value: Decimal, places: int = 2) -> str:
    """At most `places` decimals, without trailing zeros: 1.4900 → 1.49, 6.00 → 6."""
    quantum = Decimal(1).scaleb(-places)
    text = f"{value.quantize(quantum, rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def count_text(value) -> str:
    """A count: plain digits below ten thousand (1667), then 万 (1.49万)."""
    value = int(value or 0)
    if abs(value) >= _WAN:
        return f"{_short(Decimal(value) / _WAN)}万"
    return str(value)


def amount_text(yuan) -> str:
    """An amount of yuan in 亿元 or 万元 as the article writes it (193.7亿元, 7.14亿元)."""
    yuan = Decimal(yuan or 0)
    if abs(yuan) >= _YI:
        return f"{_short(yuan / _YI)}亿元"
    if abs(yuan) >= _WAN:
        return f"{_short(yuan / _WAN)}万元"
    return f"{_short(yuan)}元"


def exact_text(value, *, amount: bool = False) -> str:
    """The exact figure with thousands separators (19,370,000,000.00元)."""
    if amount:
        return f"{Decimal(value or 0):,.2f}元"
    return f"{int(value or 0):,}"
