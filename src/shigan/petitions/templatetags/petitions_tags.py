import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.simple_tag
def days_left(due: datetime.date, today: datetime.date | None = None) -> int:
    """Calendar days from today to a due day (negative when past)."""
    return (due - (today or timezone.localdate())).days


@register.filter(name="abs")
def absolute(value):
    return abs(value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key)
