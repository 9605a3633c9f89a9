"""The indicator API: a key task's indicators and their totals.

Physical quantities: "5.31万千瓦", "53.1兆瓦", "531" (in the indicator's unit) or an integer; out
as decimal strings in the indicator's unit."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from shigan.core.api import parse, summaries
from shigan.initiatives import selectors
from shigan.initiatives.api.serializers import IndicatorSerializer
from shigan.initiatives.api.views.common import ScopedViewSet, query_int, require_run
from shigan.initiatives.measures import MEASURE_CHOICES, quantity_exact, quantity_number
from shigan.initiatives.models import Indicator
from shigan.initiatives.services import indicators
from shigan.metrics.links import records_url
from shigan.orgs.selectors import unit_get

__all__ = ["IndicatorViewSet"]


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


@summaries(list=gettext_lazy("范围内重点任务的指标"), retrieve=gettext_lazy("指标"))
class IndicatorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = IndicatorSerializer
    queryset = Indicator.objects.none()
    filter_backends = []

    def get_queryset(self):
        key_task = self.request.query_params.get("key_task")
        task = None
        if key_task and self.action == "list":
            task = selectors.key_task_get(
                user=self.request.user, pk=query_int(key_task, "key_task")
            )
        return selectors.indicator_list(user=self.request.user, key_task=task)

    @extend_schema(
        summary=gettext_lazy("重点任务设立指标"),
        request=IndicatorInput,
        responses={201: IndicatorSerializer},
    )
    def create(self, request):
        data = dict(parse(IndicatorInput, request.data))
        task = selectors.key_task_get(user=request.user, pk=data.pop("key_task"))
        require_run(request.user, task)
        indicator = indicators.indicator_declare(actor=request.user, key_task=task, **data)
        return Response(IndicatorSerializer(indicator).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("修改指标（名称、目标值；尚无填报时可改计量单位）"),
        request=IndicatorChangeInput,
        responses=IndicatorSerializer,
    )
    def partial_update(self, request, pk=None):
        indicator = self.get_object()
        require_run(request.user, indicator.key_task)
        data = parse(IndicatorChangeInput, request.data)
        indicator = indicators.indicator_update(actor=request.user, indicator=indicator, **data)
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
