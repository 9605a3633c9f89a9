"""The project API: projects and their funds.

Amounts go in as strings ("19370000000.00", "193.7亿元", "1937000万元") or integers of yuan; a
JSON float is refused, since it may already have lost the fen. They come out as decimal strings."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from shigan.core.api import parse, post_action, summaries
from shigan.core.spreadsheets.values import CellError
from shigan.initiatives import selectors
from shigan.initiatives.amounts import parse_amount
from shigan.initiatives.api.serializers import ProjectSerializer
from shigan.initiatives.api.views.common import ScopedViewSet, campaign_for, require_record
from shigan.initiatives.choices import FundSource, KeyTaskArea, ProjectKind, ProjectState
from shigan.initiatives.errors import ErrorCode
from shigan.initiatives.filters import ProjectFilter
from shigan.initiatives.models import Project
from shigan.initiatives.services import projects
from shigan.orgs.selectors import unit_get

__all__ = ["ProjectViewSet"]


@extend_schema_field({"type": "string", "example": "193.7亿元"})
class AmountField(serializers.Field):
    """Yuan as an exact Decimal, from a string (with 亿元/万元/元 if wanted) or an integer."""

    default_error_messages = {
        "float": gettext_lazy('金额请以字符串或整数传递（如 "19370000000.00" 或 "193.7亿元"）。')
    }

    def to_internal_value(self, data):
        if isinstance(data, float | bool):
            self.fail("float")
        try:
            return parse_amount(data)
        except CellError as error:
            raise serializers.ValidationError(
                error.message, code=ErrorCode.INVALID_AMOUNT
            ) from None

    def to_representation(self, value):
        return str(value)


class ProjectCreateInput(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, label=gettext_lazy("实施单位"))
    campaign = serializers.IntegerField(min_value=1, label=gettext_lazy("主题教育"))
    key_task = serializers.IntegerField(required=False, min_value=1, label=gettext_lazy("重点任务"))
    area = serializers.ChoiceField(
        choices=KeyTaskArea.choices, required=False, label=gettext_lazy("任务领域")
    )
    name = serializers.CharField(max_length=200, label=gettext_lazy("项目名称"))
    kind = serializers.ChoiceField(choices=ProjectKind.choices, label=gettext_lazy("项目类型"))
    fund_source = serializers.ChoiceField(
        choices=FundSource.choices, default=FundSource.OTHER, label=gettext_lazy("资金来源")
    )
    funds_allocated = AmountField(label=gettext_lazy("安排资金（元）"))
    funds_disbursed = AmountField(required=False, label=gettext_lazy("已拨付资金（元）"))
    state = serializers.ChoiceField(
        choices=ProjectState.choices, default=ProjectState.PLANNED, label=gettext_lazy("状态")
    )
    approved_on = serializers.DateField(required=False, label=gettext_lazy("立项日期"))
    started_on = serializers.DateField(
        required=False, allow_null=True, label=gettext_lazy("开工日期")
    )
    finished_on = serializers.DateField(
        required=False, allow_null=True, label=gettext_lazy("完工日期")
    )


class ProjectChangeInput(serializers.Serializer):
    name = serializers.CharField(required=False, max_length=200, label=gettext_lazy("项目名称"))
    kind = serializers.ChoiceField(
        choices=ProjectKind.choices, required=False, label=gettext_lazy("项目类型")
    )
    fund_source = serializers.ChoiceField(
        choices=FundSource.choices, required=False, label=gettext_lazy("资金来源")
    )
    funds_allocated = AmountField(required=False, label=gettext_lazy("安排资金（元）"))
    funds_disbursed = AmountField(required=False, label=gettext_lazy("已拨付资金（元）"))
    approved_on = serializers.DateField(required=False, label=gettext_lazy("立项日期"))
    started_on = serializers.DateField(
        required=False, allow_null=True, label=gettext_lazy("开工日期")
    )
    finished_on = serializers.DateField(
        required=False, allow_null=True, label=gettext_lazy("完工日期")
    )


class ProjectStateInput(serializers.Serializer):
    state = serializers.ChoiceField(choices=ProjectState.choices, label=gettext_lazy("状态"))
    day = serializers.DateField(required=False, label=gettext_lazy("日期"))
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", label=gettext_lazy("说明")
    )


@summaries(list=gettext_lazy("范围内的项目和资金"), retrieve=gettext_lazy("项目详情"))
class ProjectViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, ScopedViewSet
):
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter
    queryset = Project.objects.none()

    def get_queryset(self):
        return Project.objects.restrict(self.request.user, "view").select_related("unit")

    @extend_schema(
        summary=gettext_lazy("登记项目"),
        request=ProjectCreateInput,
        responses={201: ProjectSerializer},
    )
    def create(self, request):
        data = dict(parse(ProjectCreateInput, request.data))
        unit = unit_get(user=request.user, pk=data.pop("unit"))
        require_record(request.user, unit)
        campaign = campaign_for(request.user, unit, data.pop("campaign"))
        if data.get("key_task"):
            data["key_task"] = selectors.key_task_get(user=request.user, pk=data["key_task"])
        project = projects.project_create(actor=request.user, campaign=campaign, unit=unit, **data)
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("修改项目（资金变化即指标变化）"),
        request=ProjectChangeInput,
        responses=ProjectSerializer,
    )
    def partial_update(self, request, pk=None):
        project = self.get_object()
        require_record(request.user, project.unit)
        data = parse(ProjectChangeInput, request.data)
        project = projects.project_update(actor=request.user, project=project, **data)
        return Response(ProjectSerializer(project).data)

    @extend_schema(summary=gettext_lazy("删除项目"))
    def destroy(self, request, pk=None):
        project = self.get_object()
        require_record(request.user, project.unit)
        projects.project_delete(actor=request.user, project=project)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @post_action(
        summary=gettext_lazy("项目状态变更"), request=ProjectStateInput, responses=ProjectSerializer
    )
    def state(self, request, pk=None):
        project = self.get_object()
        require_record(request.user, project.unit)
        data = parse(ProjectStateInput, request.data)
        project = projects.project_set_state(actor=request.user, project=project, **data)
        return Response(ProjectSerializer(project).data)
