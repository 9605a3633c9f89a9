import datetime
from decimal import Decimal

from django import template
from django.db.models import Model
from django.utils.html import format_html
from django.utils.safestring import SafeString

from shigan.core.formatting import amount_exact, amount_text, count_exact, count_text
from shigan.core.templatetags.shigan_format import money
from shigan.metrics.links import records_url
from shigan.metrics.registry import METRICS, Metric

register = template.Library()


def figure_texts(value: int | Decimal, metric: Metric | None) -> tuple[str, str]:
    """(what the page shows, the exact value for its title: "" when the text is exact)."""
    if getattr(metric, "is_sum", False):
        return amount_text(value), amount_exact(value)
    text = count_text(value)
    return text, "" if text == str(value) else count_exact(value)


@register.simple_tag
def figure(
    value: int | Decimal,
    metric_key: str,
    unit: Model,
    as_of: datetime.date | str | None = None,
    campaign: object = None,
    **dims: object,
) -> SafeString:
    """A figure rendered as the link to the records behind it; a sum reads in 亿元/万元 with
    the exact yuan value on hover."""
    url = records_url(metric_key, unit=unit, as_of=as_of, campaign=campaign, **dims)
    text, exact = figure_texts(value, METRICS.get(metric_key))
    if exact:
        return format_html('<a class="figure" href="{}" title="{}">{}</a>', url, exact, text)
    return format_html('<a class="figure" href="{}">{}</a>', url, text)


@register.simple_tag
def figure_value(value: int | Decimal, metric_key: str) -> str:
    """A figure without a link (e.g. a unit's own records)."""
    text, exact = figure_texts(value, METRICS.get(metric_key))
    return format_html('<span title="{}">{}</span>', exact, text) if exact else text


@register.filter
def yuan(value: Decimal | int | None) -> str:
    """An amount in yuan (the core `money` filter, kept under this name for metrics pages)."""
    return money(value)
