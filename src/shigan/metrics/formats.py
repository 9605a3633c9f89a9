"""How figures read: counts with thousands separators; sums (amounts of money in yuan) in
亿元 / 万元 as people write them, with the exact yuan value kept for the hover title and for
exports. Decimal arithmetic only: a float would turn 193.7亿 into 193.69999….
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

__all__ = [
    "yuan_text",
    "yuan_exact",
    "figure_texts",
    "YI",
    "WAN",
    "ONE",
    "rounded",
    "digits",
    "scale",
]

YI = Decimal(100_000_000)  # 亿
WAN = Decimal(10_000)  # 万
ONE = Decimal(1)


def rounded(value: Decimal, places: int) -> Decimal:
    """`value` rounded half up to `places` decimals: the one rounding rule of shown figures."""
    return value.quantize(ONE.scaleb(-places), rounding=ROUND_HALF_UP)


def digits(value: Decimal, *, grouping: bool = True) -> str:
    """The digits of `value` without trailing zeros (1.4900 → 1.49, 6.00 → 6), with thousands
    separators unless `grouping` is off."""
    text = f"{value:,f}" if grouping else f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def scale(value, *, yi_places: int, places: int = 2) -> tuple[Decimal, Decimal, bool]:
    """(`value` in 亿 from one 亿 up, in 万 from one 万 up, else as it is, rounded to
    `yi_places` decimals in 亿 and `places` otherwise; the unit: YI, WAN or ONE; whether the
    rounding changed the figure)."""
    value = Decimal(value)
    unit = YI if abs(value) >= YI else WAN if abs(value) >= WAN else ONE
    scaled = value / unit
    shown = rounded(scaled, yi_places if unit == YI else places)
    return shown, unit, shown != scaled


def yuan_exact(value) -> str:
    """The exact amount: 19,370,000,000.00元."""
    value = Decimal(value)
    places = max(2, -value.as_tuple().exponent)
    return _("%(amount)s元") % {"amount": f"{value:,.{places}f}"}


def yuan_text(value) -> str:
    """193.7亿元, 35万元, 1,234.5元; "约" when the shown figure is rounded."""
    number, unit, was_rounded = scale(value, yi_places=4)
    if unit == YI:
        text = _("%(n)s亿元") % {"n": digits(number)}
    elif unit == WAN:
        text = _("%(n)s万元") % {"n": digits(number)}
    else:
        text = _("%(n)s元") % {"n": digits(number)}
    return _("约%(text)s") % {"text": text} if was_rounded else text


def figure_texts(value, metric) -> tuple[str, str]:
    """(what the page shows, the exact value for its title; "" for counts)."""
    if getattr(metric, "is_sum", False):
        return yuan_text(value), yuan_exact(value)
    return f"{value:,}", ""
