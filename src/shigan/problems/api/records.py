"""The problems API's rectification records: measures (and marking one done), progress
reports, evidence (and its download)."""

from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shigan.core.api import parse, post_action, summaries
from shigan.core.downloads import download
from shigan.problems import selectors, services
from shigan.problems.api.common import ScopedReadMixin, call_service, require_record, today
from shigan.problems.api.serializers import (
    EvidenceSerializer,
    MeasureSerializer,
    ReportSerializer,
)
from shigan.problems.filters import (
    ByProblemFilter,
    MeasureFilter,
)
from shigan.problems.models import Measure, ProgressReport


class CompleteInput(serializers.Serializer):
    done_on = serializers.DateField(required=False, label=gettext_lazy("完成日期"))


@summaries(list=gettext_lazy("范围内的整改措施"), retrieve=gettext_lazy("整改措施详情"))
class MeasureViewSet(ScopedReadMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = MeasureSerializer
    filterset_class = MeasureFilter

    def get_queryset(self):
        return Measure.objects.restrict(self.request.user, "view").select_related("owner")

    @post_action(
        summary=gettext_lazy("标记整改措施完成"), request=CompleteInput, responses=MeasureSerializer
    )
    def complete(self, request, pk=None):
        measure = self.get_object()
        require_record(request.user, measure.problem)
        data = parse(CompleteInput, request.data)
        measure = call_service(
            services.measure_complete,
            actor=request.user,
            measure=measure,
            done_on=data.get("done_on") or today(),
        )
        return Response(MeasureSerializer(measure).data)


@summaries(list=gettext_lazy("范围内的整改进展"), retrieve=gettext_lazy("整改进展详情"))
class ReportViewSet(ScopedReadMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ReportSerializer
    filterset_class = ByProblemFilter

    def get_queryset(self):
        return ProgressReport.objects.restrict(self.request.user, "view").prefetch_related(
            "evidence"
        )


@summaries(list=gettext_lazy("范围内的佐证材料"), retrieve=gettext_lazy("佐证材料信息"))
class EvidenceViewSet(ScopedReadMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = EvidenceSerializer
    filterset_class = ByProblemFilter

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
        return download(handle, name=evidence.original_name, content_type=evidence.content_type)
