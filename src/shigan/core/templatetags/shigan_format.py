"""The figure formatter as template filters (`shigan.core.formatting`), built into every
template (settings.TEMPLATES builtins): `{{ n|count }}`, `{{ yuan|money }}` read as a report
writes them and carry the exact value on hover; `count_text`, `money_text` and the `*_exact`
filters give plain text for attributes and sentences."""

import os

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from shigan.core import formatting

register = template.Library()
Figure = formatting.Number | None  # "" too: a template's missing value


def _blank(value: Figure) -> bool:
    return value is None or value == ""


@register.filter
def count(value: Figure) -> str | SafeString:
    """1667, or 1.49万 with 14,900 on hover."""
    if value is None or _blank(value):
        return ""
    text = formatting.count_text(value)
    if text == str(int(value)):
        return text
    return format_html(
        '<span class="count" title="{}">{}</span>', formatting.count_exact(value), text
    )


@register.filter
def money(value: Figure) -> str | SafeString:
    """An amount of yuan: 193.7亿元 with 19,370,000,000.00元 on hover; blank for None."""
    if _blank(value):
        return ""
    return format_html(
        '<span class="amount" title="{}">{}</span>',
        formatting.amount_exact(value),
        formatting.amount_text(value),
    )


@register.filter
def count_text(value: Figure) -> str:
    return "" if _blank(value) else formatting.count_text(value)


@register.filter
def money_text(value: Figure) -> str:
    return "" if _blank(value) else formatting.amount_text(value)


@register.filter
def count_exact(value: Figure) -> str:
    return "" if _blank(value) else formatting.count_exact(value)


@register.filter
def money_exact(value: Figure) -> str:
    return "" if _blank(value) else formatting.amount_exact(value)


@register.filter
def file_name(path: object) -> str:
    """A stored file's name without its directories: what the user uploaded."""
    return os.path.basename(str(path or ""))
