"""The problems API: the ledger (list, create, detail), measures, progress reports, evidence
upload and download, close-out submit and decide, deadline extensions, special programs and
rules. Views parse, call one selector or service, and render; out of scope is a 404."""

from urllib.parse import quote

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from shigan.campaigns.choices import AspectKind
from shigan.campaigns.models import Aspect
from shigan.core.api import parse
from shigan.core.errors import DomainError
from shigan.core.pagination import CursorPagination
from shigan.orgs.permissions import user_can
from shigan.orgs.selectors import unit_get
from shigan.problems import selectors, services
from shigan.problems.api.serializers import (
    CloseOutSerializer,
    EvidenceSerializer,
    ExtensionSerializer,
    MeasureSerializer,
    ProblemDetailSerializer,
    ProblemSerializer,
    ReportSerializer,
    RuleSerializer,
    SpecialProgramSerializer,
)
from shigan.problems.choices import ProblemSource, ProblemTerm, RuleKind
from shigan.problems.filters import (
    CloseOutFilter,
    EvidenceFilter,
    ExtensionFilter,
    MeasureFilter,
    ProblemFilter,
    ReportFilter,
    RuleFilter,
    SpecialProgramFilter,
)
from shigan.problems.models import CloseOut, DeadlineExtension, Measure, Problem, ProgressReport
from shigan.problems.permissions import can_record

__all__ = [
    "ProblemViewSet",
    "MeasureViewSet",
    "ReportViewSet",
    "EvidenceViewSet",
    "CloseOutViewSet",
    "ExtensionViewSet",
    "SpecialProgramViewSet",
    "RuleViewSet",
]

# Refusals that are about who asks, not about what is asked: 403.
FORBIDDEN_CODES = {"forbidden", "not_reviewer", "own_closeout", "own_extension"}
UPLOAD_PARSERS = [MultiPartParser, FormParser, JSONParser]
MAX_ID = 2**63 - 1  # a record id; larger numbers are refused as input, not by the database


def _call(fn, **kwargs):
    """Run a service; a refusal about the caller's rights is a 403, any other a 400."""
    try:
        return fn(**kwargs)
    except DomainError as error:
        if error.code in FORBIDDEN_CODES:
            raise exceptions.PermissionDenied(error.message) from error
        raise


def _require_record(user, problem) -> None:
    if not can_record(user, problem):
        raise exceptions.PermissionDenied(_("您没有在该单位登记问题的权限。"))


def _today():
    return timezone.localdate()


def _people(user, unit, ids: list[int], field: str):
    people = {p.pk: p for p in selectors.people_for(user=user, unit=unit).filter(pk__in=ids)}
    missing = [i for i in ids if i not in people]
    if missing:
        raise exceptions.ValidationError(
            {field: [_("找不到人员：%(ids)s。") % {"ids": ", ".join(map(str, missing))}]},
            code="unknown_person",
        )
    return [people[i] for i in ids]


def _person(user, unit, pk, field):
    return _people(user, unit, [pk], field)[0] if pk else None


# -- inputs ------------------------------------------------------------------------------------


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
    source = serializers.ChoiceField(choices=ProblemSource.choices, label=gettext_lazy("来源"))
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
    added_on = serializers.DateField(required=False, label=gettext_lazy("提出日期"))


class CompleteInput(serializers.Serializer):
    done_on = serializers.DateField(required=False, label=gettext_lazy("完成日期"))


class ProgressReportInput(serializers.Serializer):
    text = serializers.CharField(label=gettext_lazy("进展情况"))
    percent = serializers.IntegerField(
        min_value=0, max_value=100, label=gettext_lazy("整改进度（%）")
    )
    reported_on = serializers.DateField(required=False, label=gettext_lazy("报告日期"))
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, label=gettext_lazy("佐证材料")
    )


class EvidenceInput(serializers.Serializer):
    files = serializers.ListField(
        child=serializers.FileField(), min_length=1, max_length=20, label=gettext_lazy("佐证材料")
    )


class CloseOutInput(serializers.Serializer):
    summary = serializers.CharField(label=gettext_lazy("整改完成情况"))
    submitted_on = serializers.DateField(required=False, label=gettext_lazy("申请日期"))
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


class DecideInput(serializers.Serializer):
    accept = serializers.BooleanField(label=gettext_lazy("同意销号"))
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", label=gettext_lazy("理由")
    )
    decided_on = serializers.DateField(required=False, label=gettext_lazy("审核日期"))
    next_checkpoint = serializers.DateField(required=False, label=gettext_lazy("下一检查节点"))


class ExtensionInput(serializers.Serializer):
    new_deadline = serializers.DateField(label=gettext_lazy("申请延至"))
    reason = serializers.CharField(label=gettext_lazy("延期理由"))
    requested_on = serializers.DateField(required=False, label=gettext_lazy("申请日期"))


class ExtensionDecideInput(serializers.Serializer):
    approve = serializers.BooleanField(label=gettext_lazy("同意延期"))
    note = serializers.CharField(
        required=False, allow_blank=True, default="", label=gettext_lazy("审批意见")
    )
    decided_on = serializers.DateField(required=False, label=gettext_lazy("审批日期"))


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


def _visible_problems(user, ids: list[int], field: str = "problems") -> list[Problem]:
    found = {p.pk: p for p in Problem.objects.restrict(user, "view").filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise exceptions.ValidationError(
            {field: [_("找不到问题：%(ids)s。") % {"ids": ", ".join(map(str, missing))}]},
            code="unknown_problem",
        )
    return [found[i] for i in ids]


# -- viewsets ----------------------------------------------------------------------------------


class ScopedReadMixin:
    pagination_class = CursorPagination
    cursor_ordering = "-id"
    lookup_value_regex = "[0-9]+"
    filter_backends = [DjangoFilterBackend]


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

    def get_serializer_class(self):
        return ProblemDetailSerializer if self.action == "retrieve" else ProblemSerializer

    def _recordable(self) -> Problem:
        problem = self.get_object()
        _require_record(self.request.user, problem)
        return problem

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
        campaign = None
        if data.get("campaign"):
            campaign = selectors.default_campaign(unit=unit, pk=data["campaign"])
            if campaign is None:
                raise exceptions.ValidationError(
                    {"campaign": [_("该单位不在这次主题教育的范围内。")]},
                    code="unit_outside_campaign",
                )
        aspect = self._aspect(campaign, data.get("aspect"))
        program = None
        if data.get("special_program"):
            program = selectors.special_program_list(user=request.user).filter(
                pk=data["special_program"]
            )
            program = program.first()
            if program is None:
                raise exceptions.ValidationError(
                    {"special_program": [_("找不到该专项整治。")]}, code="unknown_program"
                )
        first = data.get("first_measure")
        if first:
            first = {
                "text": first["text"],
                "owner": _person(request.user, unit, first.get("owner"), "first_measure"),
                "deadline": first.get("deadline"),
            }
        problem = _call(
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
            responsible=_person(request.user, unit, data.get("responsible"), "responsible"),
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
                {"aspect": [_("不是这次主题教育的问题方面。")]}, code="aspect_mismatch"
            )
        return aspect

    @extend_schema(
        summary=gettext_lazy("添加整改措施"),
        request=MeasureInput,
        responses={201: MeasureSerializer},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def measures(self, request, pk=None):
        problem = self._recordable()
        data = parse(MeasureInput, request.data)
        measure = _call(
            services.measure_add,
            actor=request.user,
            problem=problem,
            text=data["text"],
            owner=_person(request.user, problem.unit, data.get("owner"), "owner"),
            deadline=data.get("deadline"),
            added_on=data.get("added_on") or _today(),
        )
        return Response(MeasureSerializer(measure).data, status=status.HTTP_201_CREATED)

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
        report = _call(
            services.progress_report_add,
            actor=request.user,
            problem=problem,
            text=data["text"],
            percent=data["percent"],
            reported_on=data.get("reported_on") or _today(),
            files=data["files"],
        )
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("上传佐证材料（multipart，files 可多个）"),
        request={"multipart/form-data": EvidenceInput},
        responses={201: EvidenceSerializer(many=True)},
    )
    @action(detail=True, methods=["post"], filter_backends=[], parser_classes=UPLOAD_PARSERS)
    def evidence(self, request, pk=None):
        problem = self._recordable()
        data = parse(EvidenceInput, request.data)
        stored = _call(
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
        closeout = _call(
            services.closeout_submit,
            actor=request.user,
            problem=problem,
            summary=data["summary"],
            submitted_on=data.get("submitted_on") or _today(),
            next_checkpoint=data.get("next_checkpoint"),
            files=data["files"],
            finish=data["finish"],
            reasons={int(k): v for k, v in data["reasons"].items() if str(k).isdigit()},
        )
        return Response(CloseOutSerializer(closeout).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("申请延期（由上级审批）"),
        request=ExtensionInput,
        responses={201: ExtensionSerializer},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def extensions(self, request, pk=None):
        problem = self._recordable()
        data = parse(ExtensionInput, request.data)
        extension = _call(
            services.extension_request,
            actor=request.user,
            problem=problem,
            new_deadline=data["new_deadline"],
            reason=data["reason"],
            requested_on=data.get("requested_on") or _today(),
        )
        return Response(ExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("范围内的整改措施")),
    retrieve=extend_schema(summary=gettext_lazy("整改措施详情")),
)
class MeasureViewSet(ScopedReadMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = MeasureSerializer
    filterset_class = MeasureFilter

    def get_queryset(self):
        return Measure.objects.restrict(self.request.user, "view").select_related("owner")

    @extend_schema(
        summary=gettext_lazy("标记整改措施完成"), request=CompleteInput, responses=MeasureSerializer
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def complete(self, request, pk=None):
        measure = self.get_object()
        _require_record(request.user, measure.problem)
        data = parse(CompleteInput, request.data)
        measure = _call(
            services.measure_complete,
            actor=request.user,
            measure=measure,
            done_on=data.get("done_on") or _today(),
        )
        return Response(MeasureSerializer(measure).data)


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("范围内的整改进展")),
    retrieve=extend_schema(summary=gettext_lazy("整改进展详情")),
)
class ReportViewSet(ScopedReadMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ReportSerializer
    filterset_class = ReportFilter

    def get_queryset(self):
        return ProgressReport.objects.restrict(self.request.user, "view").prefetch_related(
            "evidence"
        )


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("范围内的佐证材料")),
    retrieve=extend_schema(summary=gettext_lazy("佐证材料信息")),
)
class EvidenceViewSet(ScopedReadMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = EvidenceSerializer
    filterset_class = EvidenceFilter

    def get_queryset(self):
        return selectors.evidence_list(user=self.request.user)

    @extend_schema(
        summary=gettext_lazy("下载佐证材料（范围外为 404）"),
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description=gettext_lazy("文件内容")
            )
        },
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def download(self, request, pk=None):
        evidence, handle = selectors.evidence_open(user=request.user, pk=pk)
        response = FileResponse(handle, content_type=evidence.content_type)
        response["Content-Disposition"] = (
            f"attachment; filename*=UTF-8''{quote(evidence.original_name)}"
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("范围内的销号申请")),
    retrieve=extend_schema(summary=gettext_lazy("销号申请详情")),
)
class CloseOutViewSet(ScopedReadMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = CloseOutSerializer
    filterset_class = CloseOutFilter

    def get_queryset(self):
        return CloseOut.objects.restrict(self.request.user, "view").select_related(
            "submitted_by", "decided_by"
        )

    @extend_schema(
        summary=gettext_lazy("待我审核的销号申请"), responses=CloseOutSerializer(many=True)
    )
    @action(detail=False, methods=["get"], filter_backends=[])
    def inbox(self, request):
        page = self.paginate_queryset(selectors.closeout_inbox(user=request.user))
        return self.get_paginated_response(CloseOutSerializer(page, many=True).data)

    @extend_schema(
        summary=gettext_lazy("审核销号申请：同意销号或退回（退回须写理由）"),
        request=DecideInput,
        responses=CloseOutSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def decide(self, request, pk=None):
        closeout = selectors.closeout_get(user=request.user, pk=pk, action="review")
        data = parse(DecideInput, request.data)
        closeout = _call(
            services.closeout_decide,
            actor=request.user,
            closeout=closeout,
            accept=data["accept"],
            reason=data["reason"],
            decided_on=data.get("decided_on") or _today(),
            next_checkpoint=data.get("next_checkpoint"),
        )
        return Response(CloseOutSerializer(closeout).data)


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("范围内的延期申请")),
    retrieve=extend_schema(summary=gettext_lazy("延期申请详情")),
)
class ExtensionViewSet(ScopedReadMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ExtensionSerializer
    filterset_class = ExtensionFilter

    def get_queryset(self):
        return DeadlineExtension.objects.restrict(self.request.user, "view")

    @extend_schema(
        summary=gettext_lazy("审批延期申请"),
        request=ExtensionDecideInput,
        responses=ExtensionSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def decide(self, request, pk=None):
        extension = selectors.extension_get(user=request.user, pk=pk, action="review")
        data = parse(ExtensionDecideInput, request.data)
        extension = _call(
            services.extension_decide,
            actor=request.user,
            extension=extension,
            approve=data["approve"],
            note=data["note"],
            decided_on=data.get("decided_on") or _today(),
        )
        return Response(ExtensionSerializer(extension).data)


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("专项整治")),
    retrieve=extend_schema(summary=gettext_lazy("专项整治详情")),
)
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
        campaign = selectors.default_campaign(unit=unit, pk=data["campaign"])
        if campaign is None:
            raise exceptions.ValidationError(
                {"campaign": [_("牵头单位不在这次主题教育的范围内。")]},
                code="unit_outside_campaign",
            )
        program = _call(
            services.special_program_create,
            actor=request.user,
            campaign=campaign,
            lead_unit=unit,
            name=data["name"],
            plan=data["plan"],
            created_on=data.get("created_on"),
        )
        return Response(SpecialProgramSerializer(program).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("将问题纳入专项整治"),
        request=ProblemIdsInput,
        responses={200: OpenApiResponse(description=gettext_lazy("纳入的问题数"))},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def assign(self, request, pk=None):
        program = self.get_object()
        data = parse(ProblemIdsInput, request.data)
        problems = _visible_problems(request.user, data["problems"])
        changed = _call(
            services.special_program_assign, actor=request.user, program=program, problems=problems
        )
        return Response({"assigned": changed})


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("建章立制（制度机制）")),
    retrieve=extend_schema(summary=gettext_lazy("制度机制详情")),
)
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
        campaign = None
        if data.get("campaign"):
            campaign = selectors.default_campaign(unit=unit, pk=data["campaign"])
            if campaign is None:
                raise exceptions.ValidationError(
                    {"campaign": [_("该单位不在这次主题教育的范围内。")]},
                    code="unit_outside_campaign",
                )
        rule = _call(
            services.rule_create,
            actor=request.user,
            unit=unit,
            campaign=campaign,
            title=data["title"],
            kind=data["kind"],
            problems=_visible_problems(request.user, data["problems"]),
            created_on=data.get("created_on"),
        )
        return Response(RuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=gettext_lazy("印发制度"), request=IssueInput, responses=RuleSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def issue(self, request, pk=None):
        rule = self.get_object()
        data = parse(IssueInput, request.data)
        rule = _call(
            services.rule_issue,
            actor=request.user,
            rule=rule,
            issued_on=data.get("issued_on") or _today(),
        )
        return Response(RuleSerializer(rule).data)
