"""Filters on petitions and agents, for the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from shigan.core.deadlines import Light
from shigan.orgs.filters import UnitChoiceFilter, _visible_units
from shigan.orgs.scoping import subtree_q
from shigan.petitions.choices import (
    AgentLevel,
    CaseKind,
    Category,
    Channel,
    PetitionState,
    UnionCategory,
)
from shigan.petitions.models import Petition

__all__ = ["PetitionFilter", "AgentFilter"]


class PetitionFilter(django_filters.FilterSet):
    under = UnitChoiceFilter(
        label=_("登记或办理单位在其下（含本单位）"), queryset=_visible_units, method="filter_under"
    )
    state = django_filters.ChoiceFilter(label=_("状态"), choices=PetitionState.choices)
    channel = django_filters.ChoiceFilter(label=_("信访形式"), choices=Channel.choices)
    kind = django_filters.ChoiceFilter(label=_("案件类型"), choices=CaseKind.choices)
    category = django_filters.ChoiceFilter(
        label=_("类别"), choices=Category.choices + UnionCategory.choices
    )
    first_time = django_filters.BooleanFilter(label=_("初信初访"))
    light = django_filters.ChoiceFilter(label=_("红黄绿灯"), choices=Light.choices)
    received_after = django_filters.DateFilter(
        label=_("登记日期不早于"), field_name="received_on", lookup_expr="gte"
    )
    received_before = django_filters.DateFilter(
        label=_("登记日期不晚于"), field_name="received_on", lookup_expr="lte"
    )

    class Meta:
        model = Petition
        fields = ["under", "state", "kind", "channel", "category", "first_time", "light"]

    def filter_under(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            subtree_q([value.path], "unit__path") | subtree_q([value.path], "handling_unit__path")
        )


class AgentFilter(django_filters.FilterSet):
    under = UnitChoiceFilter(
        label=_("下级于（含本单位）"), queryset=_visible_units, method="filter_under"
    )
    level = django_filters.ChoiceFilter(label=_("层级"), choices=AgentLevel.choices)
    active = django_filters.BooleanFilter(label=_("在岗"))

    def filter_under(self, queryset, name, value):
        return queryset.filter(subtree_q([value.path], "unit__path")) if value else queryset
