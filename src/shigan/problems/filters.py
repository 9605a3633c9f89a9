"""Filters on the problem ledger (django-filter), for the API; the ledger page's form parses the
same criteria. Both end in `selectors.problem_filter`."""

import django_filters
from django.utils.translation import gettext_lazy as _

from shigan.core.filters import IdFilter
from shigan.orgs.filters import UnitChoiceFilter, _visible_units
from shigan.orgs.scoping import subtree_q
from shigan.problems import selectors
from shigan.problems.choices import (
    CloseOutState,
    ExtensionState,
    Light,
    MeasureState,
    ProblemSource,
    ProblemState,
    ProblemTerm,
    RuleKind,
    RuleState,
)

__all__ = [
    "ProblemFilter",
    "ByProblemFilter",
    "MeasureFilter",
    "CloseOutFilter",
    "ExtensionFilter",
    "SpecialProgramFilter",
    "RuleFilter",
]


class ProblemFilter(django_filters.FilterSet):
    under = UnitChoiceFilter(label=_("下级于（含本单位）"), queryset=_visible_units)
    campaign = IdFilter(label=_("主题教育"))
    aspect = IdFilter(label=_("方面"))
    source = django_filters.ChoiceFilter(label=_("来源"), choices=ProblemSource.choices)
    state = django_filters.ChoiceFilter(label=_("状态"), choices=ProblemState.choices)
    light = django_filters.ChoiceFilter(label=_("红黄绿灯"), choices=Light.choices)
    term = django_filters.ChoiceFilter(label=_("整改类型"), choices=ProblemTerm.choices)
    deadline_from = django_filters.DateFilter(label=_("整改时限不早于"))
    deadline_to = django_filters.DateFilter(label=_("整改时限不晚于"))
    special_program = IdFilter(label=_("专项整治"))
    q = django_filters.CharFilter(label=_("问题包含"))
    measure_q = django_filters.CharFilter(label=_("措施包含"))

    def filter_queryset(self, queryset):
        # One implementation of the ledger's filters, shared with the pages.
        return selectors.problem_filter(queryset, self.form.cleaned_data)


class ByProblemFilter(django_filters.FilterSet):
    """A problem's records (its measures, progress reports, evidence …) by the problem and
    by the problem's unit; the filter of the records that need no other."""

    problem = IdFilter(label=_("问题"), field_name="problem_id")
    under = UnitChoiceFilter(
        label=_("下级于（含本单位）"), queryset=_visible_units, method="filter_under"
    )

    def filter_under(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(subtree_q([value.path], "problem__unit__path"))


class MeasureFilter(ByProblemFilter):
    state = django_filters.ChoiceFilter(label=_("状态"), choices=MeasureState.choices)
    q = django_filters.CharFilter(label=_("措施包含"), method="filter_q")

    def filter_q(self, queryset, name, value):
        return selectors.measure_search(queryset, value) if value.strip() else queryset


class CloseOutFilter(ByProblemFilter):
    state = django_filters.ChoiceFilter(label=_("审核状态"), choices=CloseOutState.choices)


class ExtensionFilter(ByProblemFilter):
    state = django_filters.ChoiceFilter(label=_("审批状态"), choices=ExtensionState.choices)


class SpecialProgramFilter(django_filters.FilterSet):
    campaign = IdFilter(label=_("主题教育"), field_name="campaign_id")


class RuleFilter(django_filters.FilterSet):
    under = UnitChoiceFilter(
        label=_("下级于（含本单位）"), queryset=_visible_units, method="filter_under"
    )
    campaign = IdFilter(label=_("主题教育"), field_name="campaign_id")
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=RuleKind.choices)
    state = django_filters.ChoiceFilter(label=_("状态"), choices=RuleState.choices)

    def filter_under(self, queryset, name, value):
        return queryset.filter(subtree_q([value.path], "unit__path")) if value else queryset
