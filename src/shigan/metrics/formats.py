"""How figures read: counts with thousands separators; sums (amounts of money in yuan) in
亿元 / 万元 as people write them, with the exact yuan value kept for the hover title and for
exports. Decimal arithmetic only: a float would turn 193.7亿 into 193.69999….
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

__all__ = ["yuan_text", "yuan_exact", "figure_texts"]

YI = Decimal(100_000_000)  # 亿
WAN = Decimal(10_000)  # 万


def _plain(value: Decimal, places: int) -> tuple[str, bool]:
    """`value` rounded to at most `places` decimals, trailing zeros dropped; and whether the
    rounding changed it."""
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{rounded:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text, rounded != value


def yuan_exact(value) -> str:
    """The exact amount: 19,370,000,000.00元."""
    value = Decimal(value)
    places = max(2, -value.as_tuple().exponent)
    return _("%(amount)s元") % {"amount": f"{value:,.{places}f}"}


def yuan_text(value) -> str:
    """193.7亿元, 35万元, 1,234.5元; "约" when the shown figure is rounded."""
    value = Decimal(value)
    if abs(value) >= YI:
        text, rounded = _plain(value / YI, 4)
        text = _("%(n)s亿元") % {"n": text}
    elif abs(value) >= WAN:
        text, rounded = _plain(value / WAN, 2)
        text = _("%(n)s万元") % {"n": text}
    else:
        text, rounded = _plain(value, 2)
        text = _("%(n)s元") % {"n": text}
    return _("约%(text)s") % {"text": text} if rounded else text


def figure_texts(value, metric) -> tuple[str, str]:
    """(what the page shows, the exact value for its title; "" for counts)."""
    if getattr(metric, "is_sum", False):
        return yuan_text(value), yuan_exact(value)
    return f"{value:,}", ""
