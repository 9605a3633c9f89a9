from django import template
from django.utils.html import format_html

from shigan.dashboards.formatting import amount_text, count_text, exact_text

register = template.Library()


@register.simple_tag
def figure_link(figure):
    """A catalogue figure as the link to its records: the report's text, the exact value on
    hover (193.7亿元 ↔ 19,370,000,000.00元)."""
    return format_html(
        '<a class="figure" href="{}" title="{}" data-figure="{}">{}</a>',
        figure.url,
        figure.exact,
        figure.key,
        figure.text,
    )


@register.simple_tag
def cell_link(value, url):
    return format_html('<a class="figure" href="{}" title="{}">{}</a>', url, f"{value:,}", value)


@register.filter
def amount(value):
    return amount_text(value)


@register.filter
def count(value):
    return count_text(value)


@register.filter
def exact_amount(value):
    return exact_text(value, amount=True)
