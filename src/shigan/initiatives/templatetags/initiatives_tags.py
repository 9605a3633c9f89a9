from django import template
from django.utils import timezone

from shigan.initiatives.measures import quantity_text
from shigan.initiatives.selectors import delivery_figures, unit_progress

register = template.Library()


@register.simple_tag
def initiative_figures(user, unit, campaign, as_of=None):
    """The delivery figures of the workspace tab."""
    return delivery_figures(user=user, unit=unit, campaign=campaign, as_of=as_of)


@register.simple_tag
def initiative_progress(unit, campaign, user, as_of=None):
    """The derived progress of the key tasks of the unit's subtree that `user` sees."""
    return unit_progress(user=user, unit=unit, campaign=campaign, on=as_of or timezone.localdate())


@register.filter
def quantity(value, measure):
    """A value in its unit of measure as a report writes it: 531千瓦."""
    return quantity_text(value, measure)
