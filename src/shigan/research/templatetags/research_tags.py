from django import template

from shigan.metrics.selectors import metric_value

register = template.Library()

TAB_METRICS = ("research.topics", "research.trips", "problems.research", "research.results")


@register.simple_tag
def research_figures(unit, campaign, as_of=None):
    """The research figures of the workspace tab: [(metric key, value)] (the unit is already
    checked against the user's scope by the page that includes the tab)."""
    return [
        (key, metric_value(key, unit=unit, campaign=campaign, as_of=as_of)) for key in TAB_METRICS
    ]
