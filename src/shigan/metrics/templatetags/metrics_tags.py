from django import template
from django.utils.html import format_html

from shigan.metrics.links import records_url

register = template.Library()


@register.simple_tag
def figure(value, metric_key, unit, as_of=None, campaign=None, **dims):
    """A figure rendered as the link to the records behind it."""
    url = records_url(metric_key, unit=unit, as_of=as_of, campaign=campaign, **dims)
    return format_html('<a class="figure" href="{}">{}</a>', url, f"{value:,}")
