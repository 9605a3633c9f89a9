"""The study API. Views parse, call one selector or service, and render."""

import django_filters
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.response import Response

from shigan.core.api import parse, summaries
from shigan.core.pagination import CursorPagination
from shigan.orgs.models import Person
from shigan.orgs.permissions import user_can
from shigan.orgs.scoping import path_upper
from shigan.orgs.selectors import unit_get
from shigan.study import selectors, services
from shigan.study.api.serializers import PersonOptionSerializer, StudyActivitySerializer
from shigan.study.choices import StudyKind
from shigan.study.models import StudyActivity

__all__ = ["StudyActivityViewSet", "PersonLookupViewSet"]


class StudyActivityFilter(django_filters.FilterSet):
    unit = django_filters.NumberFilter(method="filter_unit", label=gettext_lazy("单位（含下级）"))
    own = django_filters.BooleanFilter(method="filter_noop", label=gettext_lazy("仅本单位"))
    campaign = django_filters.NumberFilter(field_name="campaign", label=gettext_lazy("主题教育"))
    kind = django_filters.ChoiceFilter(choices=StudyKind.choices, label=gettext_lazy("学习形式"))
    held_from = django_filters.DateFilter(
        field_name="held_on", lookup_expr="gte", label=gettext_lazy("起始日期")
    )
    held_to = django_filters.DateFilter(
        field_name="held_on", lookup_expr="lte", label=gettext_lazy("截止日期")
    )

    class Meta:
        model = StudyActivity
        fields = ["unit", "own", "campaign", "kind", "held_from", "held_to"]

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_unit(self, queryset, name, value):
        unit = unit_get(user=self.request.user, pk=value)  # 404 outside the caller's scope
        if self.form.cleaned_data.get("own"):
            return queryset.filter(unit=unit)
        return queryset.filter(unit__path__gte=unit.path, unit__path__lt=path_upper(unit.path))


@summaries(list=gettext_lazy("范围内的学习活动"), retrieve=gettext_lazy("学习活动详情"))
class StudyActivityViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Study sessions in the caller's scope; one outside it is 404."""

    serializer_class = StudyActivitySerializer
    queryset = StudyActivity.objects.none()
    pagination_class = CursorPagination
    cursor_ordering = "-id"
    filter_backends = [DjangoFilterBackend]
    filterset_class = StudyActivityFilter

    class CreateInput(serializers.Serializer):
        unit = serializers.IntegerField(min_value=1, label=gettext_lazy("单位"))
        campaign = serializers.IntegerField(
            min_value=1, required=False, allow_null=True, label=gettext_lazy("主题教育")
        )
        kind = serializers.ChoiceField(choices=StudyKind.choices, label=gettext_lazy("学习形式"))
        title = serializers.CharField(max_length=200, label=gettext_lazy("主题"))
        held_on = serializers.DateField(label=gettext_lazy("日期"))
        ends_on = serializers.DateField(
            required=False, allow_null=True, label=gettext_lazy("结束日期")
        )
        participants = serializers.IntegerField(
            min_value=0, required=False, default=0, label=gettext_lazy("参加人数")
        )
        leaders = serializers.ListField(
            child=serializers.IntegerField(min_value=1),
            required=False,
            default=list,
            max_length=500,
            label=gettext_lazy("参加领导"),
        )
        notes = serializers.CharField(
            required=False, allow_blank=True, default="", label=gettext_lazy("备注")
        )

    def get_queryset(self):
        return (
            StudyActivity.objects.restrict(self.request.user, "view")
            .select_related("unit")
            .prefetch_related("leaders")
        )

    @extend_schema(
        summary=gettext_lazy("登记学习活动（需要填报权限）"),
        request=CreateInput,
        responses={201: StudyActivitySerializer},
    )
    def create(self, request):
        data = parse(self.CreateInput, request.data)
        unit = unit_get(user=request.user, pk=data["unit"])
        if not user_can(request.user, "record", unit):
            raise exceptions.PermissionDenied(_("您没有在该单位登记学习活动的权限。"))
        campaign = None
        if data.get("campaign"):
            try:
                campaign = selectors.campaign_for_unit(pk=data["campaign"], unit=unit)
            except Exception:
                raise exceptions.ValidationError(
                    {"campaign": [_("该单位不在这次主题教育的范围内。")]}
                ) from None
        wanted = set(data["leaders"])
        people = list(
            selectors.leader_candidates(user=request.user, unit=unit, limit=None).filter(
                pk__in=wanted
            )
        )
        if len(people) != len(wanted):
            missing = sorted(wanted - {p.pk for p in people})
            raise exceptions.ValidationError(
                {
                    "leaders": [
                        _("人员 %(ids)s 不是本单位或下级单位的人员，或您无权查看。")
                        % {"ids": "、".join(map(str, missing))}
                    ]
                }
            )
        activity = services.study_activity_create(
            actor=request.user,
            unit=unit,
            campaign=campaign,
            kind=data["kind"],
            title=data["title"],
            held_on=data["held_on"],
            ends_on=data.get("ends_on"),
            participants=data.get("participants"),
            notes=data.get("notes", ""),
            leaders=people,
        )
        activity = self.get_queryset().get(pk=activity.pk)
        return Response(StudyActivitySerializer(activity).data, status=status.HTTP_201_CREATED)


class PersonLookupViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """People who may be named as leaders of a session of `?unit=` (its own and its subtree's)."""

    serializer_class = PersonOptionSerializer
    queryset = Person.objects.none()
    pagination_class = None

    class LookupInput(serializers.Serializer):
        unit = serializers.IntegerField(min_value=1, label=gettext_lazy("单位"))
        q = serializers.CharField(
            max_length=50, required=False, allow_blank=True, label=gettext_lazy("姓名或职务")
        )
        limit = serializers.IntegerField(
            min_value=1, max_value=100, default=30, label=gettext_lazy("条数")
        )

    @extend_schema(
        summary=gettext_lazy("查找可选的参加领导"),
        parameters=[LookupInput],
        responses=PersonOptionSerializer(many=True),
    )
    def list(self, request):
        query = parse(self.LookupInput, request.query_params)
        unit = unit_get(user=request.user, pk=query["unit"])
        people = selectors.leader_candidates(
            user=request.user, unit=unit, query=query.get("q", ""), limit=query["limit"]
        )
        return Response(PersonOptionSerializer(people, many=True).data)
