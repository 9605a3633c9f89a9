"""Filters on units and role grants, for lists and the API."""

import django_filters
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from shigan.orgs.choices import PersonRank, Role, UnitKind
from shigan.orgs.models import Membership, Person, Unit, UnitQuerySet
from shigan.orgs.scoping import subtree_q

__all__ = ["UnitFilter", "MembershipFilter", "PersonFilter"]


def _visible_units(request: HttpRequest | None) -> QuerySet[Unit]:
    if request is None:
        return Unit.objects.none()
    return Unit.objects.restrict(request.user, "view")


@extend_schema_field(OpenApiTypes.INT)
class UnitChoiceFilter(django_filters.ModelChoiceFilter):  # type: ignore[misc]  # no stubs
    """A unit id among those the caller sees."""


class UnitFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no stubs
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=UnitKind.choices)
    division_code = django_filters.CharFilter(label=_("行政区划代码"))
    depth = django_filters.NumberFilter(label=_("层级"), min_value=1)
    name = django_filters.CharFilter(label=_("名称包含"), lookup_expr="contains")
    active = django_filters.BooleanFilter(label=_("有效"))
    # A unit outside the caller's scope is "not a valid choice", exactly like one that does not
    # exist: the filter does not reveal it.
    under = UnitChoiceFilter(
        label=_("下级于（含本单位）"), queryset=_visible_units, method="filter_under"
    )

    class Meta:
        model = Unit
        fields = ["kind", "division_code", "depth", "name", "active", "under"]

    def filter_under(self, queryset: UnitQuerySet, name: str, value: Unit | None) -> UnitQuerySet:
        return queryset.subtree_of(value) if value is not None else queryset


class MembershipFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no stubs
    unit = UnitChoiceFilter(label=_("单位"), queryset=_visible_units)
    under = UnitChoiceFilter(
        label=_("下级于（含本单位）"), queryset=_visible_units, method="filter_under"
    )
    role = django_filters.ChoiceFilter(label=_("角色"), choices=Role.choices)
    username = django_filters.CharFilter(label=_("用户名"), field_name="user__username")

    class Meta:
        model = Membership
        fields = ["unit", "under", "role", "username"]

    def filter_under(
        self, queryset: QuerySet[Membership], name: str, value: Unit | None
    ) -> QuerySet[Membership]:
        if value is None:
            return queryset
        return queryset.filter(subtree_q([value.path], "unit__path"))


class PersonFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no stubs
    unit = UnitChoiceFilter(label=_("单位"), queryset=_visible_units)
    under = UnitChoiceFilter(
        label=_("下级于（含本单位）"), queryset=_visible_units, method="filter_under"
    )
    rank = django_filters.ChoiceFilter(label=_("职级"), choices=PersonRank.choices)

    class Meta:
        model = Person
        fields = ["unit", "under", "rank"]

    def filter_under(
        self, queryset: QuerySet[Person], name: str, value: Unit | None
    ) -> QuerySet[Person]:
        if value is None:
            return queryset
        return queryset.filter(subtree_q([value.path], "unit__path"))
