"""The figure catalogue over the API: every figure for a unit, campaign, batch and date, and
the records behind each."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from shigan.campaigns.models import Batch
from shigan.core.api import parse
from shigan.core.pagination import CursorPagination
from shigan.dashboards.figures import CATALOGUE, Pillar, default_batch, figure, figures_all
from shigan.initiatives.measures import MEASURES, quantity_number
from shigan.orgs.selectors import unit_get
from shigan.research.selectors import campaign_for_unit

__all__ = ["CatalogueApi", "FiguresApi", "FigureRecordsApi"]


class FiguresInput(serializers.Serializer):
    unit = serializers.IntegerField(label=_("单位"))
    campaign = serializers.IntegerField(label=_("主题教育"), required=False, min_value=1)
    batch = serializers.IntegerField(label=_("批次"), required=False, min_value=1)
    as_of = serializers.DateField(label=_("截至日期"), required=False, allow_null=True)


QUERY = [
    OpenApiParameter("unit", int, required=True, description="单位编号"),
    OpenApiParameter("campaign", int, description="主题教育编号（默认：覆盖该单位的最近一次）"),
    OpenApiParameter("batch", int, description="批次编号（默认：第一批）"),
    OpenApiParameter("as_of", str, description="截至日期 YYYY-MM-DD"),
]


class EntryOutput(serializers.Serializer):
    key = serializers.CharField()
    row = serializers.IntegerField(help_text="FIGURES.md 中的序号")
    # Ignored: a field named like Field.label; DRF's metaclass takes declared fields off the class.
    label = serializers.CharField()  # type: ignore[assignment]
    pillar = serializers.CharField()
    pillar_label = serializers.CharField()
    noun = serializers.CharField()
    amount = serializers.BooleanField(help_text="金额（元）而非计数")
    measure = serializers.CharField(help_text="实物量的计量单位（如 kw：千瓦）；计数和金额为空")
    measure_label = serializers.CharField(help_text="计量单位名称，如 千瓦")


class DashboardFigureOutput(EntryOutput):
    value = serializers.CharField(
        help_text="精确数值：计数为整数，金额为元（两位小数），实物量为其计量单位的十进制数"
    )
    text = serializers.CharField(help_text="报道写法，如 1.49万、193.7亿元")
    total = serializers.IntegerField(allow_null=True)
    url = serializers.CharField(help_text="背后记录的页面")


class FiguresOutput(serializers.Serializer):
    unit = serializers.IntegerField()
    campaign = serializers.IntegerField()
    batch = serializers.IntegerField(allow_null=True)
    as_of = serializers.DateField(allow_null=True)
    figures = DashboardFigureOutput(many=True)


class DashboardRecordOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


def _entry(entry) -> dict:
    return {
        "key": entry.key,
        "row": entry.row,
        "label": str(entry.label),
        "pillar": entry.pillar,
        "pillar_label": str(Pillar.LABELS[entry.pillar]),
        "noun": str(entry.noun),
        "amount": entry.amount,
        "measure": entry.measure,
        "measure_label": str(MEASURES[entry.measure].label) if entry.measure else "",
    }


def _figure(f) -> dict:
    if f.entry.measure:
        value = quantity_number(f.value)
    else:
        value = f"{f.value:.2f}" if f.entry.amount else str(int(f.value))
    return {**_entry(f.entry), "value": value, "text": f.text, "total": f.total, "url": f.url}


class QueryApi(APIView):
    def query(self, request) -> dict:
        data = parse(FiguresInput, request.query_params)
        unit = unit_get(user=request.user, pk=data["unit"])
        campaign = campaign_for_unit(user=request.user, unit=unit, pk=data.get("campaign"))
        if campaign is None:
            raise NotFound(_("该单位没有主题教育。"))
        batch = None
        if data.get("batch"):
            batch = get_object_or_404(Batch, campaign=campaign, pk=data["batch"])
        return {
            "campaign": campaign,
            "unit": unit,
            "batch": batch,
            "as_of": data.get("as_of"),
            "user": request.user,
        }


class CatalogueApi(APIView):
    @extend_schema(summary="指标目录（简报与看板的全部数字）", responses=EntryOutput(many=True))
    def get(self, request):
        return Response(EntryOutput([_entry(e) for e in CATALOGUE.values()], many=True).data)


class FiguresApi(QueryApi):
    @extend_schema(summary="全部指标数值", parameters=QUERY, responses=FiguresOutput)
    def get(self, request):
        args = self.query(request)
        figures = figures_all(**args)
        batch = args["batch"] or default_batch(args["campaign"])
        body = {
            "unit": args["unit"].pk,
            "campaign": args["campaign"].pk,
            "batch": batch.pk if batch else None,
            "as_of": args["as_of"],
            "figures": [_figure(f) for f in figures.values()],
        }
        return Response(FiguresOutput(body).data)


class FigureRecordsApi(QueryApi):
    pagination_class = CursorPagination
    cursor_ordering = "pk"

    @extend_schema(
        summary="指标背后的记录", parameters=QUERY, responses=DashboardRecordOutput(many=True)
    )
    def get(self, request, key):
        if key not in CATALOGUE:
            raise NotFound(_("没有这个指标。"))
        records = figure(key, **self.query(request)).records.order_by("pk")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(records, request, view=self)
        body = [{"id": r.pk, "text": str(r)} for r in page]
        return paginator.get_paginated_response(DashboardRecordOutput(body, many=True).data)
