from django import template

from shigan.metrics.selectors import figures_of

register = template.Library()

TAB_METRICS = ("research.topics", "research.trips", "problems.research", "research.results")


@register.simple_tag
def research_figures(user, unit, campaign, as_of=None):
    """The research figures of the workspace tab: [(metric key, value)]."""
    figures = figures_of(user=user, unit=unit)
    return [(key, figures.value(key, campaign=campaign, as_of=as_of)) for key in TAB_METRICS]
