"""The delivery API: key tasks (with milestones and linked results), milestones, projects and
their funds, the livelihood list. Views parse, call one selector or service, and render.

Physical quantities (indicators) likewise: "5.31万千瓦", "53.1兆瓦", "531" (in the indicator's
unit) or an integer; out as decimal strings in the indicator's unit.

Amounts go in as strings ("19370000000.00", "193.7亿元", "1937000万元") or integers of yuan; a
JSON float is refused, since it may already have lost the fen. They come out as decimal strings.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shigan.campaigns.models import Campaign
from shigan.core.api import parse
from shigan.core.pagination import CursorPagination
from shigan.core.spreadsheets.values import CellError
from shigan.initiatives import selectors, services
from shigan.initiatives.amounts import parse_amount
from shigan.initiatives.api.serializers import (
    IndicatorReportSerializer,
    IndicatorSerializer,
    KeyTaskDetailSerializer,
    KeyTaskSerializer,
    LivelihoodAreaSerializer,
    LivelihoodItemSerializer,
    LivelihoodProgressSerializer,
    MilestoneSerializer,
    ProjectSerializer,
)
from shigan.initiatives.choices import FundSource, KeyTaskArea, ProjectKind, ProjectState
from shigan.initiatives.filters import (
    KeyTaskFilter,
    LivelihoodItemFilter,
    MilestoneFilter,
    ProjectFilter,
)
from shigan.initiatives.measures import MEASURE_CHOICES, quantity_exact, quantity_number
from shigan.initiatives.models import (
    Indicator,
    IndicatorReport,
    KeyTask,
    LivelihoodArea,
    LivelihoodItem,
    Milestone,
    Project,
)
from shigan.orgs.models import Person
from shigan.orgs.permissions import user_can
from shigan.orgs.selectors import unit_get
from shigan.problems.models import Rule
from shigan.research.models import ResearchResult

__all__ = [
    "IndicatorViewSet",
    "IndicatorReportViewSet",
    "KeyTaskViewSet",
    "MilestoneViewSet",
    "ProjectViewSet",
    "LivelihoodAreaViewSet",
    "LivelihoodItemViewSet",
]


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
            raise serializers.ValidationError(error.message, code="invalid_amount") from None

    def to_representation(self, value):
        return str(value)


def _campaign_for(user, unit, pk) -> Campaign:
    campaign = selectors.campaign_for_unit(user=user, unit=unit, pk=pk)
    if campaign is None:
        raise exceptions.ValidationError({"campaign": [_("该主题教育不覆盖这个单位。")]})
    return campaign


def _require_record(user, unit) -> None:
    if not user_can(user, "record", unit):
        raise exceptions.PermissionDenied(_("您没有在该单位登记的权限。"))


def _require_run(user, task) -> None:
    if not services.can_run_key_task(user, task):
        raise exceptions.PermissionDenied(_("您不是该重点任务所属单位或牵头单位的填报人员。"))


class KeyTaskCreateInput(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, label=gettext_lazy("单位"))
    campaign = serializers.IntegerField(min_value=1, label=gettext_lazy("主题教育"))
    area = serializers.ChoiceField(choices=KeyTaskArea.choices, label=gettext_lazy("任务领域"))
    title = serializers.CharField(max_length=200, label=gettext_lazy("任务名称"))
    goal = serializers.CharField(
        required=False, allow_blank=True, default="", label=gettext_lazy("目标")
    )
    owner_unit = serializers.IntegerField(
        required=False, min_value=1, label=gettext_lazy("牵头单位")
    )
    owner_leader = serializers.IntegerField(
        required=False, min_value=1, label=gettext_lazy("责任领导")
    )
    starts_on = serializers.DateField(required=False, label=gettext_lazy("开始日期"))
    roadmap = serializers.ListField(
        child=serializers.CharField(), required=False, default=list, label=gettext_lazy("路线图")
    )
    task_book_text = serializers.CharField(
        required=False, allow_blank=True, default="", label=gettext_lazy("任务书")
    )


class MilestoneAddInput(serializers.Serializer):
    title = serializers.CharField(max_length=200, label=gettext_lazy("节点名称"))
    due_on = serializers.DateField(required=False, allow_null=True, label=gettext_lazy("完成时限"))
    weight = serializers.IntegerField(
        required=False, default=1, min_value=1, max_value=1000, label=gettext_lazy("权重")
    )


class MilestoneCompleteInput(serializers.Serializer):
    done_on = serializers.DateField(required=False, label=gettext_lazy("完成日期"))
    note = serializers.CharField(
        required=False, allow_blank=True, default="", label=gettext_lazy("完成情况")
    )


class ResultLinkInput(serializers.Serializer):
    result = serializers.IntegerField(min_value=1, label=gettext_lazy("调研成果"))


class RuleLinkInput(serializers.Serializer):
    rule = serializers.IntegerField(min_value=1, label=gettext_lazy("制度机制"))


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


class LivelihoodAreaInput(serializers.Serializer):
    campaign = serializers.IntegerField(min_value=1, label=gettext_lazy("主题教育"))
    name = serializers.CharField(max_length=50, label=gettext_lazy("名称"))


class LivelihoodItemInput(serializers.Serializer):
    campaign = serializers.IntegerField(min_value=1, label=gettext_lazy("主题教育"))
    area = serializers.IntegerField(min_value=1, label=gettext_lazy("民生领域"))
    title = serializers.CharField(max_length=200, label=gettext_lazy("项目名称"))
    unit = serializers.IntegerField(min_value=1, label=gettext_lazy("责任单位"))
    target = serializers.CharField(
        required=False, allow_blank=True, default="", label=gettext_lazy("目标任务")
    )
    deadline = serializers.DateField(
        required=False, allow_null=True, label=gettext_lazy("完成时限")
    )
    number = serializers.IntegerField(required=False, min_value=1, label=gettext_lazy("序号"))
    listed_on = serializers.DateField(required=False, label=gettext_lazy("列入日期"))


class LivelihoodReportInput(serializers.Serializer):
    text = serializers.CharField(label=gettext_lazy("进展情况"))
    percent = serializers.IntegerField(min_value=0, max_value=100, label=gettext_lazy("进度（%）"))
    reported_on = serializers.DateField(required=False, label=gettext_lazy("报告日期"))


class LivelihoodMoveInput(serializers.Serializer):
    number = serializers.IntegerField(min_value=1, label=gettext_lazy("新序号"))


class ScopedViewSet(viewsets.GenericViewSet):
    pagination_class = CursorPagination
    cursor_ordering = "-id"
    lookup_value_regex = "[0-9]+"
    filter_backends = [DjangoFilterBackend]


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("范围内的重点任务（含上级单位的）")),
    retrieve=extend_schema(summary=gettext_lazy("重点任务详情（时间节点、路线图、关联成果）")),
)
class KeyTaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = KeyTask.objects.none()
    filterset_class = KeyTaskFilter

    def get_queryset(self):
        tasks = KeyTask.objects.restrict(self.request.user, "view").select_related("unit")
        tasks = tasks.prefetch_related("milestones")
        if self.action == "retrieve":
            tasks = tasks.prefetch_related("results", "rules")
        return tasks

    def get_serializer_class(self):
        return KeyTaskDetailSerializer if self.action == "retrieve" else KeyTaskSerializer

    @extend_schema(
        summary=gettext_lazy("登记重点任务"),
        request=KeyTaskCreateInput,
        responses={201: KeyTaskSerializer},
    )
    def create(self, request):
        data = parse(KeyTaskCreateInput, request.data)
        unit = unit_get(user=request.user, pk=data["unit"])
        _require_record(request.user, unit)
        campaign = _campaign_for(request.user, unit, data["campaign"])
        owner_unit = owner_leader = None
        if data.get("owner_unit"):
            owner_unit = unit_get(user=request.user, pk=data["owner_unit"])
        if data.get("owner_leader"):
            owner_leader = (
                Person.objects.restrict(request.user, "view")
                .filter(pk=data["owner_leader"])
                .first()
            )
            if owner_leader is None:
                raise exceptions.ValidationError({"owner_leader": [_("找不到该人员。")]})
        task = services.key_task_create(
            actor=request.user,
            campaign=campaign,
            unit=unit,
            area=data["area"],
            title=data["title"],
            goal=data["goal"],
            owner_unit=owner_unit,
            owner_leader=owner_leader,
            starts_on=data.get("starts_on"),
            roadmap="\n".join(s.strip() for s in data["roadmap"] if s.strip()),
            task_book_text=data["task_book_text"],
        )
        return Response(KeyTaskSerializer(task).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("增加时间节点"),
        request=MilestoneAddInput,
        responses={201: MilestoneSerializer},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def milestones(self, request, pk=None):
        task = self.get_object()
        _require_run(request.user, task)
        data = parse(MilestoneAddInput, request.data)
        milestone = services.milestone_add(actor=request.user, key_task=task, **data)
        return Response(MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("关联调研成果"), request=ResultLinkInput, responses={201: None}
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def results(self, request, pk=None):
        task = self.get_object()
        _require_run(request.user, task)
        data = parse(ResultLinkInput, request.data)
        result = ResearchResult.objects.restrict(request.user, "view").filter(pk=data["result"])
        if not result.exists():
            raise exceptions.ValidationError({"result": [_("找不到该调研成果。")]})
        services.key_task_link_result(actor=request.user, key_task=task, result=result.get())
        return Response(status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("关联制度机制"), request=RuleLinkInput, responses={201: None}
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def rules(self, request, pk=None):
        task = self.get_object()
        _require_run(request.user, task)
        data = parse(RuleLinkInput, request.data)
        rule = Rule.objects.restrict(request.user, "view").filter(pk=data["rule"]).first()
        if rule is None:
            raise exceptions.ValidationError({"rule": [_("找不到该制度机制。")]})
        services.key_task_link_rule(actor=request.user, key_task=task, rule=rule)
        return Response(status=status.HTTP_201_CREATED)

    @extend_schema(summary=gettext_lazy("时间表（甘特图数据）"), responses={200: dict})
    @action(detail=True, methods=["get"], filter_backends=[])
    def timetable(self, request, pk=None):
        from django.utils import timezone

        return Response(selectors.timetable(self.get_object(), on=timezone.localdate()))


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("范围内的时间节点")),
    retrieve=extend_schema(summary=gettext_lazy("时间节点详情")),
)
class MilestoneViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilter
    queryset = Milestone.objects.none()

    def get_queryset(self):
        tasks = KeyTask.objects.restrict(self.request.user, "view")
        return Milestone.objects.filter(key_task__in=tasks).select_related(
            "key_task", "key_task__unit", "key_task__owner_unit"
        )

    @extend_schema(
        summary=gettext_lazy("完成时间节点"),
        request=MilestoneCompleteInput,
        responses=MilestoneSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def complete(self, request, pk=None):
        milestone = self.get_object()
        _require_run(request.user, milestone.key_task)
        data = parse(MilestoneCompleteInput, request.data)
        milestone = services.milestone_complete(actor=request.user, milestone=milestone, **data)
        return Response(MilestoneSerializer(milestone).data)


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("范围内的项目和资金")),
    retrieve=extend_schema(summary=gettext_lazy("项目详情")),
)
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
        _require_record(request.user, unit)
        campaign = _campaign_for(request.user, unit, data.pop("campaign"))
        if data.get("key_task"):
            data["key_task"] = selectors.key_task_get(user=request.user, pk=data["key_task"])
        project = services.project_create(actor=request.user, campaign=campaign, unit=unit, **data)
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("修改项目（资金变化即指标变化）"),
        request=ProjectChangeInput,
        responses=ProjectSerializer,
    )
    def partial_update(self, request, pk=None):
        project = self.get_object()
        _require_record(request.user, project.unit)
        data = parse(ProjectChangeInput, request.data)
        project = services.project_update(actor=request.user, project=project, **data)
        return Response(ProjectSerializer(project).data)

    @extend_schema(summary=gettext_lazy("删除项目"))
    def destroy(self, request, pk=None):
        project = self.get_object()
        _require_record(request.user, project.unit)
        services.project_delete(actor=request.user, project=project)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary=gettext_lazy("项目状态变更"), request=ProjectStateInput, responses=ProjectSerializer
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def state(self, request, pk=None):
        project = self.get_object()
        _require_record(request.user, project.unit)
        data = parse(ProjectStateInput, request.data)
        project = services.project_set_state(actor=request.user, project=project, **data)
        return Response(ProjectSerializer(project).data)


@extend_schema_view(list=extend_schema(summary=gettext_lazy("主题教育的民生领域")))
class LivelihoodAreaViewSet(mixins.ListModelMixin, ScopedViewSet):
    serializer_class = LivelihoodAreaSerializer
    queryset = LivelihoodArea.objects.none()
    filter_backends = []
    cursor_ordering = "ordinal"

    def get_queryset(self):
        campaigns = Campaign.objects.restrict(self.request.user, "view")
        areas = LivelihoodArea.objects.filter(campaign__in=campaigns)
        campaign = self.request.query_params.get("campaign")
        if campaign and campaign.isdigit():
            areas = areas.filter(campaign=campaign)
        return areas

    @extend_schema(
        summary=gettext_lazy("新增民生领域（活动办）"),
        request=LivelihoodAreaInput,
        responses={201: LivelihoodAreaSerializer},
    )
    def create(self, request):
        data = parse(LivelihoodAreaInput, request.data)
        campaign = Campaign.objects.restrict(request.user, "view").filter(pk=data["campaign"])
        if not campaign.exists():
            raise exceptions.NotFound()
        area = services.livelihood_area_create(
            actor=request.user, campaign=campaign.get(), name=data["name"]
        )
        return Response(LivelihoodAreaSerializer(area).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("民生项目清单（按序号）")),
    retrieve=extend_schema(summary=gettext_lazy("民生项目详情")),
)
class LivelihoodItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = LivelihoodItemSerializer
    filterset_class = LivelihoodItemFilter
    queryset = LivelihoodItem.objects.none()
    cursor_ordering = "number"

    def get_queryset(self):
        items = LivelihoodItem.objects.restrict(self.request.user, "view")
        return items.select_related("unit", "area")

    @extend_schema(
        summary=gettext_lazy("列入民生项目清单（活动办）"),
        request=LivelihoodItemInput,
        responses={201: LivelihoodItemSerializer},
    )
    def create(self, request):
        data = dict(parse(LivelihoodItemInput, request.data))
        unit = unit_get(user=request.user, pk=data.pop("unit"))
        campaign = _campaign_for(request.user, unit, data.pop("campaign"))
        area = LivelihoodArea.objects.filter(campaign=campaign, pk=data.pop("area")).first()
        if area is None:
            raise exceptions.ValidationError({"area": [_("不是这次主题教育的民生领域。")]})
        item = services.livelihood_item_create(
            actor=request.user, campaign=campaign, area=area, unit=unit, **data
        )
        return Response(LivelihoodItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("报告民生项目进展"),
        request=LivelihoodReportInput,
        responses={201: LivelihoodProgressSerializer},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def reports(self, request, pk=None):
        item = self.get_object()
        _require_record(request.user, item.unit)
        data = parse(LivelihoodReportInput, request.data)
        report = services.livelihood_progress_report(actor=request.user, item=item, **data)
        return Response(LivelihoodProgressSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("调整序号（活动办）"),
        request=LivelihoodMoveInput,
        responses=LivelihoodItemSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def move(self, request, pk=None):
        item = self.get_object()
        data = parse(LivelihoodMoveInput, request.data)
        item = services.livelihood_item_move(actor=request.user, item=item, number=data["number"])
        item.refresh_from_db()
        return Response(LivelihoodItemSerializer(item).data)


# -- indicators ------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "example": "5.31万千瓦"})
class QuantityField(serializers.Field):
    """A quantity as a string (with its unit if wanted) or an integer, passed to the service,
    which converts it into the indicator's unit; a JSON float is refused."""

    default_error_messages = {
        "float": gettext_lazy('数值请以字符串或整数传递（如 "531" 或 "5.31万千瓦"）。'),
        "invalid": gettext_lazy("数值无效。"),
    }

    def to_internal_value(self, data):
        if isinstance(data, float | bool):
            self.fail("float")
        if not isinstance(data, str | int):
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return str(value)


class IndicatorInput(serializers.Serializer):
    key_task = serializers.IntegerField(min_value=1, label=gettext_lazy("重点任务"))
    name = serializers.CharField(max_length=100, label=gettext_lazy("指标名称"))
    measure = serializers.ChoiceField(choices=MEASURE_CHOICES, label=gettext_lazy("计量单位"))
    target = QuantityField(required=False, allow_null=True, label=gettext_lazy("目标值"))


class IndicatorChangeInput(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False, label=gettext_lazy("指标名称"))
    measure = serializers.ChoiceField(
        choices=MEASURE_CHOICES, required=False, label=gettext_lazy("计量单位")
    )
    target = QuantityField(required=False, allow_null=True, label=gettext_lazy("目标值"))


class IndicatorReportInput(serializers.Serializer):
    project = serializers.IntegerField(min_value=1, label=gettext_lazy("项目"))
    indicator = serializers.IntegerField(min_value=1, label=gettext_lazy("指标"))
    value = QuantityField(label=gettext_lazy("新增数值"))
    reported_on = serializers.DateField(required=False, label=gettext_lazy("报告日期"))
    note = serializers.CharField(required=False, allow_blank=True, label=gettext_lazy("说明"))


class IndicatorTotalInput(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, required=False, label=gettext_lazy("单位"))
    as_of = serializers.DateField(required=False, label=gettext_lazy("截至日期"))


class IndicatorTotalOutput(serializers.Serializer):
    indicator = serializers.IntegerField()
    unit = serializers.IntegerField()
    as_of = serializers.DateField(allow_null=True)
    value = serializers.CharField(help_text="精确数值，按指标的计量单位")
    text = serializers.CharField(help_text="如 531千瓦")
    exact = serializers.CharField(help_text="如 53,100千瓦")
    records = serializers.CharField(help_text="背后填报记录的页面")


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("范围内重点任务的指标")),
    retrieve=extend_schema(summary=gettext_lazy("指标")),
)
class IndicatorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = IndicatorSerializer
    queryset = Indicator.objects.none()
    filter_backends = []

    def get_queryset(self):
        key_task = self.request.query_params.get("key_task")
        task = None
        if key_task and self.action == "list":
            task = selectors.key_task_get(user=self.request.user, pk=_int(key_task, "key_task"))
        return selectors.indicator_list(user=self.request.user, key_task=task)

    @extend_schema(
        summary=gettext_lazy("重点任务设立指标"),
        request=IndicatorInput,
        responses={201: IndicatorSerializer},
    )
    def create(self, request):
        data = dict(parse(IndicatorInput, request.data))
        task = selectors.key_task_get(user=request.user, pk=data.pop("key_task"))
        _require_run(request.user, task)
        indicator = services.indicator_declare(actor=request.user, key_task=task, **data)
        return Response(IndicatorSerializer(indicator).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("修改指标（名称、目标值；尚无填报时可改计量单位）"),
        request=IndicatorChangeInput,
        responses=IndicatorSerializer,
    )
    def partial_update(self, request, pk=None):
        indicator = self.get_object()
        _require_run(request.user, indicator.key_task)
        data = parse(IndicatorChangeInput, request.data)
        indicator = services.indicator_update(actor=request.user, indicator=indicator, **data)
        return Response(IndicatorSerializer(indicator).data)

    @extend_schema(
        summary=gettext_lazy("指标累计数值（单位的下级范围，截至日期）"),
        parameters=[IndicatorTotalInput],
        responses=IndicatorTotalOutput,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def total(self, request, pk=None):
        indicator = self.get_object()
        task = indicator.key_task
        data = parse(IndicatorTotalInput, request.query_params)
        unit = unit_get(user=request.user, pk=data["unit"]) if data.get("unit") else task.unit
        as_of = data.get("as_of")
        [row] = selectors.indicator_totals(
            [indicator], unit=unit, campaign=task.campaign, as_of=as_of
        )
        from shigan.metrics.links import records_url

        body = {
            "indicator": indicator.pk,
            "unit": unit.pk,
            "as_of": as_of,
            "value": quantity_number(row.value),
            "text": row.text,
            "exact": quantity_exact(row.value, indicator.measure),
            "records": records_url(
                selectors.INDICATOR_VALUES,
                unit=unit,
                as_of=as_of,
                campaign=task.campaign,
                indicator=indicator.pk,
            ),
        }
        return Response(IndicatorTotalOutput(body).data)


def _int(text, field) -> int:
    try:
        return int(text)
    except ValueError:
        raise exceptions.ValidationError({field: [_("请填写编号。")]}) from None


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("范围内项目填报的指标数值")),
    retrieve=extend_schema(summary=gettext_lazy("指标数值")),
)
class IndicatorReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, ScopedViewSet
):
    serializer_class = IndicatorReportSerializer
    queryset = IndicatorReport.objects.none()
    filter_backends = []

    def get_queryset(self):
        reports = IndicatorReport.objects.restrict(self.request.user, "view")
        for field in ("indicator", "project"):
            value = self.request.query_params.get(field)
            if value and self.action == "list":
                reports = reports.filter(**{f"{field}_id": _int(value, field)})
        return reports.select_related("indicator", "project__unit")

    @extend_schema(
        summary=gettext_lazy("项目填报指标数值"),
        request=IndicatorReportInput,
        responses={201: IndicatorReportSerializer},
    )
    def create(self, request):
        data = dict(parse(IndicatorReportInput, request.data))
        project = selectors.project_get(user=request.user, pk=data.pop("project"))
        _require_record(request.user, project.unit)
        indicator = selectors.indicator_get(user=request.user, pk=data.pop("indicator"))
        report = services.indicator_report(
            actor=request.user, project=project, indicator=indicator, **data
        )
        return Response(IndicatorReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=gettext_lazy("撤回指标数值"))
    def destroy(self, request, pk=None):
        report = self.get_object()
        _require_record(request.user, report.project.unit)
        services.indicator_report_delete(actor=request.user, report=report)
        return Response(status=status.HTTP_204_NO_CONTENT)
