"""The only tags a briefing template may use: conditions, loops, comments. No {% load %},
{% include %}, {% extends %}, {% url %}, {% debug %}, {% now %}: a template reads the figures it
is given and nothing else."""

from django import template
from django.template import defaulttags

register = template.Library()

ALLOWED_TAGS = ("if", "for", "with", "comment", "firstof", "spaceless", "filter", "templatetag")
for _name in ALLOWED_TAGS:
    register.tag(_name, defaulttags.register.tags[_name])
