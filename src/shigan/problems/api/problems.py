"""The problems API's ledger: list, detail, create; and, on one problem, its measures,
progress, evidence upload, close-out request and extension request. Views parse, call one
selector or service, and render; out of scope is a 404."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shigan.campaigns.choices import AspectKind
from shigan.campaigns.models import Aspect
from shigan.core.api import parse, post_action
from shigan.orgs.permissions import user_can
from shigan.orgs.selectors import unit_get
from shigan.problems import selectors, services
from shigan.problems.api.common import (
    MAX_ID,
    UPLOAD_PARSERS,
    ScopedReadMixin,
    call_service,
    campaign_covering,
    person_named,
    require_record,
    today,
)
from shigan.problems.api.serializers import (
    CloseOutSerializer,
    EvidenceSerializer,
    ExtensionSerializer,
    MeasureSerializer,
    ProblemDetailSerializer,
    ProblemSerializer,
    ReportSerializer,
)
from shigan.problems.choices import ProblemSource, ProblemTerm
from shigan.problems.errors import ErrorCode
from shigan.problems.filters import (
    ProblemFilter,
)
from shigan.problems.models import Problem


class FirstMeasureInput(serializers.Serializer):
    text = serializers.CharField(label=gettext_lazy("措施内容"))
    owner = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, label=gettext_lazy("责任人")
    )
    deadline = serializers.DateField(required=False, label=gettext_lazy("完成时限"))


class ProblemCreateInput(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID, label=gettext_lazy("责任单位"))
    campaign = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, label=gettext_lazy("主题教育")
    )
    aspect = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, label=gettext_lazy("方面")
    )
    special_program = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, label=gettext_lazy("专项整治")
    )
    title = serializers.CharField(max_length=300, label=gettext_lazy("问题"))
    description = serializers.CharField(
        required=False, allow_blank=True, default="", label=gettext_lazy("问题描述")
    )
    source = serializers.ChoiceField(choices=ProblemSource.choices, label=gettext_lazy("来源"))  # type: ignore[assignment]  # a field named "source": DRF's metaclass takes declared fields off the class
    found_on = serializers.DateField(label=gettext_lazy("发现日期"))
    responsible = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, label=gettext_lazy("责任领导")
    )
    term = serializers.ChoiceField(
        choices=ProblemTerm.choices, default=ProblemTerm.TIME_BOUND, label=gettext_lazy("整改类型")
    )
    deadline = serializers.DateField(required=False, label=gettext_lazy("整改时限"))
    deadline_workdays = serializers.IntegerField(
        min_value=1, max_value=500, required=False, label=gettext_lazy("整改时限（工作日）")
    )
    first_measure = FirstMeasureInput(required=False, label=gettext_lazy("第一条整改措施"))


class MeasureInput(serializers.Serializer):
    text = serializers.CharField(label=gettext_lazy("措施内容"))
    owner = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, label=gettext_lazy("责任人")
    )
    deadline = serializers.DateField(required=False, label=gettext_lazy("完成时限"))
    added_on = serializers.DateField(required=False, default=today, label=gettext_lazy("提出日期"))


class ProgressReportInput(serializers.Serializer):
    text = serializers.CharField(label=gettext_lazy("进展情况"))
    percent = serializers.IntegerField(
        min_value=0, max_value=100, label=gettext_lazy("整改进度（%）")
    )
    reported_on = serializers.DateField(
        required=False, default=today, label=gettext_lazy("报告日期")
    )
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, label=gettext_lazy("佐证材料")
    )


class EvidenceInput(serializers.Serializer):
    files = serializers.ListField(
        child=serializers.FileField(), min_length=1, max_length=20, label=gettext_lazy("佐证材料")
    )


class CloseOutInput(serializers.Serializer):
    summary = serializers.CharField(label=gettext_lazy("整改完成情况"))
    submitted_on = serializers.DateField(
        required=False, default=today, label=gettext_lazy("申请日期")
    )
    next_checkpoint = serializers.DateField(required=False, label=gettext_lazy("下一检查节点"))
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, label=gettext_lazy("佐证材料")
    )
    finish = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        default=list,
        label=gettext_lazy("随申请标记完成的整改措施"),
    )
    reasons = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        default=dict,
        label=gettext_lazy("未完成整改措施的原因（按措施编号）"),
    )


class ExtensionInput(serializers.Serializer):
    new_deadline = serializers.DateField(label=gettext_lazy("申请延至"))
    reason = serializers.CharField(label=gettext_lazy("延期理由"))
    requested_on = serializers.DateField(
        required=False, default=today, label=gettext_lazy("申请日期")
    )


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("范围内的问题（问题整改台账）")),
    retrieve=extend_schema(
        summary=gettext_lazy("问题详情（措施、进展、佐证材料、销号、延期、状态变更）")
    ),
)
class ProblemViewSet(
    ScopedReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Problems in the caller's scope; a problem outside it is 404."""

    queryset = Problem.objects.none()
    serializer_class = ProblemSerializer
    detail_serializer_class = ProblemDetailSerializer
    filterset_class = ProblemFilter

    def get_queryset(self):
        if self.action == "retrieve":
            return Problem.objects.restrict(self.request.user, "view").prefetch_related(
                "measures__owner",
                "reports__evidence",
                "evidence",
                "closeouts__submitted_by",
                "closeouts__decided_by",
                "extensions",
                "transitions__actor",
            )
        return selectors.problem_list(user=self.request.user)

    def _recordable(self) -> Problem:
        problem = self.get_object()
        require_record(self.request.user, problem)
        return problem

    def _created(self, serializer_class, service, **arguments) -> Response:
        """`service` run by the caller (a refusal about them is a 403): 201 with what it made.
        An input's fields are named as the service's arguments (its days today unless given)."""
        made = call_service(service, actor=self.request.user, **arguments)
        return Response(serializer_class(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("登记问题（可同时登记第一条整改措施）"),
        request=ProblemCreateInput,
        responses={201: ProblemSerializer},
    )
    def create(self, request):
        data = parse(ProblemCreateInput, request.data)
        unit = unit_get(user=request.user, pk=data["unit"])
        if not user_can(request.user, "record", unit):
            raise exceptions.PermissionDenied(_("您没有在该单位登记问题的权限。"))
        campaign = campaign_covering(unit, data.get("campaign"))
        aspect = self._aspect(campaign, data.get("aspect"))
        program = None
        if data.get("special_program"):
            program = selectors.special_program_list(user=request.user).filter(
                pk=data["special_program"]
            )
            program = program.first()
            if program is None:
                raise exceptions.ValidationError(
                    {"special_program": [_("找不到该专项整治。")]}, code=ErrorCode.UNKNOWN_PROGRAM
                )
        first = data.get("first_measure")
        if first:
            first = {
                "text": first["text"],
                "owner": person_named(request.user, unit, first.get("owner"), "first_measure"),
                "deadline": first.get("deadline"),
            }
        problem = call_service(
            services.problem_create,
            actor=request.user,
            unit=unit,
            campaign=campaign,
            aspect=aspect,
            special_program=program,
            title=data["title"],
            description=data["description"],
            source=data["source"],
            found_on=data["found_on"],
            responsible=person_named(request.user, unit, data.get("responsible"), "responsible"),
            term=data["term"],
            deadline=data.get("deadline"),
            deadline_workdays=data.get("deadline_workdays"),
            first_measure=first,
        )
        return Response(ProblemSerializer(problem).data, status=status.HTTP_201_CREATED)

    @staticmethod
    def _aspect(campaign, pk):
        if not pk:
            return None
        aspect = Aspect.objects.filter(pk=pk, campaign=campaign, kind=AspectKind.PROBLEM).first()
        if campaign is None or aspect is None:
            raise exceptions.ValidationError(
                {"aspect": [_("不是这次主题教育的问题方面。")]}, code=ErrorCode.ASPECT_MISMATCH
            )
        return aspect

    @post_action(
        summary=gettext_lazy("添加整改措施"),
        request=MeasureInput,
        responses={201: MeasureSerializer},
    )
    def measures(self, request, pk=None):
        problem = self._recordable()
        data = parse(MeasureInput, request.data)
        data["owner"] = person_named(request.user, problem.unit, data.get("owner"), "owner")
        return self._created(MeasureSerializer, services.measure_add, problem=problem, **data)

    @extend_schema(
        summary=gettext_lazy("报告整改进展（可附佐证材料，multipart 上传 files）"),
        request={
            "multipart/form-data": ProgressReportInput,
            "application/json": ProgressReportInput,
        },
        responses={201: ReportSerializer},
    )
    @action(detail=True, methods=["post"], filter_backends=[], parser_classes=UPLOAD_PARSERS)
    def progress(self, request, pk=None):
        problem = self._recordable()
        data = parse(ProgressReportInput, request.data)
        return self._created(
            ReportSerializer, services.progress_report_add, problem=problem, **data
        )

    @extend_schema(
        summary=gettext_lazy("上传佐证材料（multipart，files 可多个）"),
        request={"multipart/form-data": EvidenceInput},
        responses={201: EvidenceSerializer(many=True)},
    )
    @action(detail=True, methods=["post"], filter_backends=[], parser_classes=UPLOAD_PARSERS)
    def evidence(self, request, pk=None):
        problem = self._recordable()
        data = parse(EvidenceInput, request.data)
        stored = call_service(
            services.evidence_add_many, actor=request.user, problem=problem, files=data["files"]
        )
        return Response(EvidenceSerializer(stored, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("申请销号（须有佐证材料）"),
        request={"multipart/form-data": CloseOutInput, "application/json": CloseOutInput},
        responses={201: CloseOutSerializer},
    )
    @action(detail=True, methods=["post"], filter_backends=[], parser_classes=UPLOAD_PARSERS)
    def closeout(self, request, pk=None):
        problem = self._recordable()
        data = parse(CloseOutInput, request.data)
        data["reasons"] = {int(k): v for k, v in data["reasons"].items() if str(k).isdigit()}
        return self._created(CloseOutSerializer, services.closeout_submit, problem=problem, **data)

    @post_action(
        summary=gettext_lazy("申请延期（由上级审批）"),
        request=ExtensionInput,
        responses={201: ExtensionSerializer},
    )
    def extensions(self, request, pk=None):
        problem = self._recordable()
        data = parse(ExtensionInput, request.data)
        return self._created(
            ExtensionSerializer, services.extension_request, problem=problem, **data
        )
