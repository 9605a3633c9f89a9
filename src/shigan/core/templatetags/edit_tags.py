"""For edit forms (core.edits) whose template draws a field by hand rather than `{{ field }}`."""

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def shown_value(field: BoundField) -> SafeString | str:
    """The hidden input with the value the form showed, which `{{ field }}` adds itself."""
    return field.as_hidden(only_initial=True) if field.field.show_hidden_initial else ""
