"""Filters on research records, for the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from shigan.core.filters import IdFilter
from shigan.orgs.filters import UnitChoiceFilter, _visible_units
from shigan.orgs.scoping import subtree_q
from shigan.research.choices import ResultKind, ResultState, TopicState

__all__ = ["TopicFilter", "TripFilter", "ResultFilter"]


class UnderMixin(django_filters.FilterSet):
    under = UnitChoiceFilter(
        label=_("下级于（含本单位）"), queryset=_visible_units, method="filter_under"
    )
    campaign = IdFilter(label=_("主题教育"), field_name="campaign_id")

    def filter_under(self, queryset, name, value):
        return queryset.filter(subtree_q([value.path], "unit__path")) if value else queryset


class TopicFilter(UnderMixin):
    aspect = IdFilter(label=_("方面"), field_name="aspect_id")
    state = django_filters.ChoiceFilter(label=_("状态"), choices=TopicState.choices)


class TripFilter(UnderMixin):
    topic = IdFilter(label=_("调研课题"), field_name="topic_id")


class ResultFilter(UnderMixin):
    topic = IdFilter(label=_("调研课题"), field_name="topic_id")
    kind = django_filters.ChoiceFilter(label=_("成果类型"), choices=ResultKind.choices)
    state = django_filters.ChoiceFilter(label=_("采纳状态"), choices=ResultState.choices)
