"""The pager's links (core/partials/pager.html): Django's `{% querystring %}`, which keeps every
other value of the query, with the page under the list's own parameter, so that two lists on
one page turn their pages independently."""

from typing import Any

from django import template
from django.template.defaulttags import querystring

register = template.Library()


@register.simple_tag(takes_context=True)
def page_link(context: template.Context, number: int, param: str = "page") -> Any:
    query = context["request"].GET.copy()
    query[param] = str(number)
    return querystring(context, query)
