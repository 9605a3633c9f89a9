"""Filters on delivery records, for the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from shigan.core.filters import IdFilter
from shigan.initiatives.choices import (
    FundSource,
    KeyTaskArea,
    LivelihoodState,
    MilestoneState,
    ProjectKind,
    ProjectState,
)
from shigan.orgs.filters import UnitChoiceFilter, _visible_units
from shigan.orgs.scoping import subtree_q

__all__ = ["KeyTaskFilter", "MilestoneFilter", "ProjectFilter", "LivelihoodItemFilter"]


class UnderMixin(django_filters.FilterSet):
    under = UnitChoiceFilter(
        label=_("下级于（含本单位）"), queryset=_visible_units, method="filter_under"
    )
    campaign = IdFilter(label=_("主题教育"), field_name="campaign_id")
    unit_path = "unit__path"

    def filter_under(self, queryset, name, value):
        return queryset.filter(subtree_q([value.path], self.unit_path)) if value else queryset


class KeyTaskFilter(UnderMixin):
    area = django_filters.ChoiceFilter(label=_("任务领域"), choices=KeyTaskArea.choices)


class MilestoneFilter(UnderMixin):
    campaign = IdFilter(label=_("主题教育"), field_name="key_task__campaign_id")
    key_task = IdFilter(label=_("重点任务"), field_name="key_task_id")
    state = django_filters.ChoiceFilter(label=_("状态"), choices=MilestoneState.choices)
    unit_path = "key_task__unit__path"


class ProjectFilter(UnderMixin):
    key_task = IdFilter(label=_("重点任务"), field_name="key_task_id")
    area = django_filters.ChoiceFilter(label=_("任务领域"), choices=KeyTaskArea.choices)
    kind = django_filters.ChoiceFilter(label=_("项目类型"), choices=ProjectKind.choices)
    fund_source = django_filters.ChoiceFilter(label=_("资金来源"), choices=FundSource.choices)
    state = django_filters.ChoiceFilter(label=_("状态"), choices=ProjectState.choices)


class LivelihoodItemFilter(UnderMixin):
    area = IdFilter(label=_("民生领域"), field_name="area_id")
    state = django_filters.ChoiceFilter(label=_("状态"), choices=LivelihoodState.choices)
