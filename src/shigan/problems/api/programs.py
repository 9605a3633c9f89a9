"""The problems API's special programs (专项整治) and rules (建章立制)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from shigan.core.api import parse, post_action, summaries
from shigan.orgs.selectors import unit_get
from shigan.problems import selectors, services
from shigan.problems.api.common import (
    MAX_ID,
    ScopedReadMixin,
    call_service,
    campaign_covering,
    today,
    visible_problems,
)
from shigan.problems.api.serializers import (
    RuleSerializer,
    SpecialProgramSerializer,
)
from shigan.problems.choices import RuleKind
from shigan.problems.filters import (
    RuleFilter,
    SpecialProgramFilter,
)


class ProgramInput(serializers.Serializer):
    campaign = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, label=gettext_lazy("主题教育")
    )
    lead_unit = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, label=gettext_lazy("牵头单位")
    )
    name = serializers.CharField(max_length=200, label=gettext_lazy("名称"))
    plan = serializers.CharField(
        required=False, allow_blank=True, default="", label=gettext_lazy("整治方案")
    )
    created_on = serializers.DateField(required=False, label=gettext_lazy("印发日期"))


class ProblemIdsInput(serializers.Serializer):
    problems = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=500,
        label=gettext_lazy("问题"),
    )


class RuleInput(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID, label=gettext_lazy("制定单位"))
    campaign = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, label=gettext_lazy("主题教育")
    )
    title = serializers.CharField(max_length=300, label=gettext_lazy("名称"))
    kind = serializers.ChoiceField(choices=RuleKind.choices, label=gettext_lazy("类别"))
    problems = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=500,
        label=gettext_lazy("针对的问题"),
    )
    created_on = serializers.DateField(required=False, label=gettext_lazy("登记日期"))


class IssueInput(serializers.Serializer):
    issued_on = serializers.DateField(required=False, label=gettext_lazy("印发日期"))


@summaries(list=gettext_lazy("专项整治"), retrieve=gettext_lazy("专项整治详情"))
class SpecialProgramViewSet(
    ScopedReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = SpecialProgramSerializer
    filterset_class = SpecialProgramFilter

    def get_queryset(self):
        return selectors.special_program_list(user=self.request.user)

    @extend_schema(
        summary=gettext_lazy("登记专项整治"),
        request=ProgramInput,
        responses={201: SpecialProgramSerializer},
    )
    def create(self, request):
        data = parse(ProgramInput, request.data)
        unit = unit_get(user=request.user, pk=data["lead_unit"])
        campaign = campaign_covering(
            unit, data["campaign"], _("牵头单位不在这次主题教育的范围内。")
        )
        program = call_service(
            services.special_program_create,
            actor=request.user,
            campaign=campaign,
            lead_unit=unit,
            name=data["name"],
            plan=data["plan"],
            created_on=data.get("created_on"),
        )
        return Response(SpecialProgramSerializer(program).data, status=status.HTTP_201_CREATED)

    @post_action(
        summary=gettext_lazy("将问题纳入专项整治"),
        request=ProblemIdsInput,
        responses={200: OpenApiResponse(description=gettext_lazy("纳入的问题数"))},
    )
    def assign(self, request, pk=None):
        program = self.get_object()
        data = parse(ProblemIdsInput, request.data)
        problems = visible_problems(request.user, data["problems"])
        changed = call_service(
            services.special_program_assign, actor=request.user, program=program, problems=problems
        )
        return Response({"assigned": changed})


@summaries(list=gettext_lazy("建章立制（制度机制）"), retrieve=gettext_lazy("制度机制详情"))
class RuleViewSet(
    ScopedReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = RuleSerializer
    filterset_class = RuleFilter

    def get_queryset(self):
        return selectors.rule_list(user=self.request.user).prefetch_related("problems")

    @extend_schema(
        summary=gettext_lazy("登记制度机制（起草中）"),
        request=RuleInput,
        responses={201: RuleSerializer},
    )
    def create(self, request):
        data = parse(RuleInput, request.data)
        unit = unit_get(user=request.user, pk=data["unit"])
        campaign = campaign_covering(unit, data.get("campaign"))
        rule = call_service(
            services.rule_create,
            actor=request.user,
            unit=unit,
            campaign=campaign,
            title=data["title"],
            kind=data["kind"],
            problems=visible_problems(request.user, data["problems"]),
            created_on=data.get("created_on"),
        )
        return Response(RuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    @post_action(summary=gettext_lazy("印发制度"), request=IssueInput, responses=RuleSerializer)
    def issue(self, request, pk=None):
        rule = self.get_object()
        data = parse(IssueInput, request.data)
        rule = call_service(
            services.rule_issue,
            actor=request.user,
            rule=rule,
            issued_on=data.get("issued_on") or today(),
        )
        return Response(RuleSerializer(rule).data)
