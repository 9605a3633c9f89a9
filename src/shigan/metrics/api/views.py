"""Figures over the API: value, by child, by dimension, and the records behind each.

A count is a JSON integer; a sum (`kind` "sum", amounts in yuan) is a decimal string such as
"19370000000.00", so that no client reads it through a binary float.
"""

from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shigan.core.api import parse
from shigan.core.pagination import CursorPagination
from shigan.metrics.registry import METRICS, Metric
from shigan.metrics.selectors import (
    Figure,
    metric_by,
    metric_by_child,
    metric_dims,
    metric_records,
    metric_value,
)
from shigan.orgs.selectors import unit_get

__all__ = [
    "MetricListApi",
    "MetricValueApi",
    "MetricByChildApi",
    "MetricByApi",
    "MetricRecordsApi",
]


class FigureInput(serializers.Serializer[dict[str, Any]]):
    unit = serializers.IntegerField(label=_("单位"))
    as_of = serializers.DateField(label=_("截至日期"), required=False, allow_null=True)
    campaign = serializers.IntegerField(label=_("主题教育"), required=False, min_value=1)


QUERY = [
    OpenApiParameter("unit", int, required=True, description="单位编号"),
    OpenApiParameter("as_of", str, description="截至日期 YYYY-MM-DD"),
    OpenApiParameter("campaign", int, description="主题教育编号"),
]


@extend_schema_field(
    {
        "oneOf": [{"type": "integer"}, {"type": "string", "format": "decimal"}],
        "description": "计数为整数；金额（元）为精确的十进制字符串",
    }
)
class FigureValueField(serializers.Field[Figure, Figure, int | str, Any]):
    def to_representation(self, value: Figure) -> int | str:
        return value if isinstance(value, int) else str(value)


def _json_value(value: Figure) -> int | str:
    return value if isinstance(value, int) else str(value)


class MetricOutput(serializers.Serializer[Any]):  # given a list (many=True)
    key = serializers.CharField()
    # A field named like DRF's Field.label attribute: the stubs see the attribute retyped.
    label = serializers.CharField()  # type: ignore[assignment]
    kind = serializers.ChoiceField(choices=["count", "sum"], help_text="count 计数；sum 金额（元）")
    dims = serializers.ListField(child=serializers.CharField())


class FigureOutput(serializers.Serializer[dict[str, Any]]):
    metric = serializers.CharField()
    unit = serializers.IntegerField()
    as_of = serializers.DateField(allow_null=True)
    value = FigureValueField()


class ChildFigureOutput(serializers.Serializer[Any]):  # given a list (many=True)
    unit = serializers.IntegerField(allow_null=True, help_text="下级单位编号；null 为本级记录")
    name = serializers.CharField()
    value = FigureValueField()


class RecordOutput(serializers.Serializer[Any]):  # given a list (many=True)
    id = serializers.IntegerField()
    text = serializers.CharField()
    unit = serializers.IntegerField(allow_null=True)
    amount = serializers.DecimalField(
        max_digits=20,
        decimal_places=2,
        allow_null=True,
        required=False,
        help_text="金额指标：该记录计入的金额（元）",
    )


def _amount_of(record: Model, field: str) -> Decimal | None:
    value: Any = record
    for part in field.split("__"):
        value = getattr(value, part, None)
    amount: Decimal | None = value
    return amount


class FigureApi(APIView):
    def metric(self, key: str) -> Metric:
        metric = METRICS.get(key)
        if metric is None:
            raise NotFound(_("没有这个指标。"))
        return metric

    def figure_args(self, request: Request, metric: Metric) -> dict[str, Any]:
        data = parse(FigureInput, request.query_params)
        try:
            dims = metric_dims(metric, request.query_params)
        except ValueError as error:  # a related record's dimension that is no record number
            raise ValidationError({str(error): [_("须为记录编号。")]}) from None
        unit = unit_get(user=request.user, pk=data["unit"])
        return {"unit": unit, "as_of": data.get("as_of"), "campaign": data.get("campaign"), **dims}


class MetricListApi(APIView):
    @extend_schema(summary="指标目录", responses=MetricOutput(many=True))
    def get(self, request: Request) -> Response:
        rows = [
            {
                "key": m.key,
                "label": str(m.label),
                "kind": "sum" if m.is_sum else "count",
                "dims": list(m.dims),
            }
            for m in METRICS.values()
        ]
        return Response(MetricOutput(rows, many=True).data)


class MetricValueApi(FigureApi):
    @extend_schema(summary="指标数值（单位及其全部下级）", parameters=QUERY, responses=FigureOutput)
    def get(self, request: Request, key: str) -> Response:
        metric = self.metric(key)
        args = self.figure_args(request, metric)
        value = metric_value(metric, user=request.user, **args)
        body = {"metric": key, "unit": args["unit"].pk, "as_of": args["as_of"], "value": value}
        return Response(FigureOutput(body).data)


class MetricByChildApi(FigureApi):
    @extend_schema(
        summary="按下级单位分列", parameters=QUERY, responses=ChildFigureOutput(many=True)
    )
    def get(self, request: Request, key: str) -> Response:
        metric = self.metric(key)
        rows = metric_by_child(metric, user=request.user, **self.figure_args(request, metric))
        body = [
            {
                "unit": row.unit.pk if row.unit else None,
                "name": row.unit.name if row.unit else str(_("本级")),
                "value": row.value,
            }
            for row in rows
        ]
        return Response(ChildFigureOutput(body, many=True).data)


class MetricByApi(FigureApi):
    @extend_schema(
        summary="按维度分列",
        parameters=QUERY,
        responses={200: OpenApiTypes.OBJECT},
        description="维度值 → 数值",
    )
    def get(self, request: Request, key: str, dim: str) -> Response:
        metric = self.metric(key)
        if dim not in metric.dims:
            raise ValidationError({"dim": [_("该指标没有这个维度。")]})
        split = metric_by(dim, metric, user=request.user, **self.figure_args(request, metric))
        return Response({value: _json_value(n) for value, n in split.items()})


class MetricRecordsApi(FigureApi):
    pagination_class = CursorPagination
    cursor_ordering = "-pk"

    @extend_schema(summary="指标背后的记录", parameters=QUERY, responses=RecordOutput(many=True))
    def get(self, request: Request, key: str) -> Response:
        metric = self.metric(key)
        records = metric_records(metric, user=request.user, **self.figure_args(request, metric))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(records, request, view=self) or []
        unit_field = f"{metric.unit_field}_id" if metric.unit_field else "pk"
        body = [{"id": r.pk, "text": str(r), "unit": getattr(r, unit_field)} for r in page]
        if metric.amount_field is not None:  # a sum
            for row, record in zip(body, page, strict=True):
                row["amount"] = _amount_of(record, metric.amount_field)
        return paginator.get_paginated_response(RecordOutput(body, many=True).data)
