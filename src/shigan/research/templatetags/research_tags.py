from django import template

from shigan.accounts.system import system_actor
from shigan.metrics.selectors import metric_value

register = template.Library()

TAB_METRICS = ("research.topics", "research.trips", "problems.research", "research.results")


@register.simple_tag
def research_figures(unit, campaign, as_of=None):
    """The research figures of the workspace tab: [(metric key, value)] (the unit is already
    checked against the user's scope by the page that includes the tab)."""
    system = system_actor("调研页签的数字")  # the page checked the unit
    return [
        (key, metric_value(key, unit=unit, user=system, campaign=campaign, as_of=as_of))
        for key in TAB_METRICS
    ]
