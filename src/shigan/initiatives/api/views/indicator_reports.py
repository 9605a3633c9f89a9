"""The indicator-report API: the values projects report for their key tasks' indicators."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from shigan.core.api import parse, summaries
from shigan.initiatives import selectors
from shigan.initiatives.api.serializers import IndicatorReportSerializer
from shigan.initiatives.api.views.common import ScopedViewSet, query_int, require_record
from shigan.initiatives.api.views.indicators import QuantityField
from shigan.initiatives.models import IndicatorReport
from shigan.initiatives.services import indicators

__all__ = ["IndicatorReportViewSet"]


class IndicatorReportInput(serializers.Serializer):
    project = serializers.IntegerField(min_value=1, label=gettext_lazy("项目"))
    indicator = serializers.IntegerField(min_value=1, label=gettext_lazy("指标"))
    value = QuantityField(label=gettext_lazy("新增数值"))
    reported_on = serializers.DateField(required=False, label=gettext_lazy("报告日期"))
    note = serializers.CharField(required=False, allow_blank=True, label=gettext_lazy("说明"))


@summaries(list=gettext_lazy("范围内项目填报的指标数值"), retrieve=gettext_lazy("指标数值"))
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
                reports = reports.filter(**{f"{field}_id": query_int(value, field)})
        return reports.select_related("indicator", "project__unit")

    @extend_schema(
        summary=gettext_lazy("项目填报指标数值"),
        request=IndicatorReportInput,
        responses={201: IndicatorReportSerializer},
    )
    def create(self, request):
        data = dict(parse(IndicatorReportInput, request.data))
        project = selectors.project_get(user=request.user, pk=data.pop("project"))
        require_record(request.user, project.unit)
        indicator = selectors.indicator_get(user=request.user, pk=data.pop("indicator"))
        report = indicators.indicator_report(
            actor=request.user, project=project, indicator=indicator, **data
        )
        return Response(IndicatorReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=gettext_lazy("撤回指标数值"))
    def destroy(self, request, pk=None):
        report = self.get_object()
        require_record(request.user, report.project.unit)
        indicators.indicator_report_delete(actor=request.user, report=report)
        return Response(status=status.HTTP_204_NO_CONTENT)
