from django import template
from django.utils.html import format_html

from shigan.core.formatting import count_exact, count_text

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
    """A table cell's count as the link to its records (1.49万, 14,900 on hover)."""
    return format_html(
        '<a class="figure" href="{}" title="{}">{}</a>', url, count_exact(value), count_text(value)
    )
