"""Django's default filters for briefing templates, each metered (issue 16): a filter whose
result would be longer than the sandbox's output limit is refused before it builds it (those
that take a width or a separator) or right after (the rest, whose results are at most a small
multiple of their input, itself within the limit)."""

import functools
import re

from django import template
from django.template import defaultfilters

from shigan.briefings.limits import MAX_OUTPUT_CHARS, MAX_WIDTH, TemplateLimitError, too_long

register = template.Library()


def _width(arg) -> None:
    for digits in re.findall(r"\d+", str(arg)):
        if int(digits) > MAX_WIDTH:
            raise TemplateLimitError(too_long())


def _join_size(value, arg) -> None:
    try:
        items = len(value)
    except TypeError:
        return
    if items * (len(str(arg)) + 1) > MAX_OUTPUT_CHARS:
        raise TemplateLimitError(too_long())


# Checked before they run: the result's size is set by the argument.
PRECHECK = {
    "center": lambda value, arg: _width(arg),
    "ljust": lambda value, arg: _width(arg),
    "rjust": lambda value, arg: _width(arg),
    "stringformat": lambda value, arg: _width(arg),
    "floatformat": lambda value, arg: _width(arg),
    "join": _join_size,
}


def _metered(name, fn):
    check = PRECHECK.get(name)

    @functools.wraps(fn)  # keeps the flags and, through __wrapped__, the argument check
    def metered(value, *args, **kwargs):
        if check and args:
            check(value, args[0])
        result = fn(value, *args, **kwargs)
        if isinstance(result, str | list) and len(result) > MAX_OUTPUT_CHARS:
            raise TemplateLimitError(too_long())
        return result

    return metered


for _name, _fn in defaultfilters.register.filters.items():
    register.filter(_name, _metered(_name, _fn))
