"""The livelihood-list API: the campaign's areas and the numbered items with their progress."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.response import Response

from shigan.campaigns.models import Campaign
from shigan.core.api import parse, post_action, summaries
from shigan.initiatives.api.serializers import (
    LivelihoodAreaSerializer,
    LivelihoodItemSerializer,
    LivelihoodProgressSerializer,
)
from shigan.initiatives.api.views.common import ScopedViewSet, campaign_for, require_record
from shigan.initiatives.filters import LivelihoodItemFilter
from shigan.initiatives.models import LivelihoodArea, LivelihoodItem
from shigan.initiatives.services import livelihood
from shigan.orgs.permissions import user_can
from shigan.orgs.selectors import unit_get

__all__ = ["LivelihoodAreaViewSet", "LivelihoodItemViewSet"]


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
        area = livelihood.livelihood_area_create(
            actor=request.user, campaign=campaign.get(), name=data["name"]
        )
        return Response(LivelihoodAreaSerializer(area).data, status=status.HTTP_201_CREATED)


@summaries(list=gettext_lazy("民生项目清单（按序号）"), retrieve=gettext_lazy("民生项目详情"))
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
        campaign = campaign_for(request.user, unit, data.pop("campaign"))
        area = LivelihoodArea.objects.filter(campaign=campaign, pk=data.pop("area")).first()
        if area is None:
            raise exceptions.ValidationError({"area": [_("不是这次主题教育的民生领域。")]})
        item = livelihood.livelihood_item_create(
            actor=request.user, campaign=campaign, area=area, unit=unit, **data
        )
        return Response(LivelihoodItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @post_action(
        summary=gettext_lazy("报告民生项目进展"),
        request=LivelihoodReportInput,
        responses={201: LivelihoodProgressSerializer},
    )
    def reports(self, request, pk=None):
        item = self.get_object()
        require_record(request.user, item.unit)
        data = parse(LivelihoodReportInput, request.data)
        report = livelihood.livelihood_progress_report(actor=request.user, item=item, **data)
        return Response(LivelihoodProgressSerializer(report).data, status=status.HTTP_201_CREATED)

    @post_action(
        summary=gettext_lazy("调整序号（活动办）"),
        request=LivelihoodMoveInput,
        responses=LivelihoodItemSerializer,
    )
    def move(self, request, pk=None):
        item = self.get_object()
        # the office's numbering: refused before the body is read (the service checks again)
        if not user_can(request.user, "change", item.campaign.root_unit):
            raise exceptions.PermissionDenied(_("只有活动办管理员可以维护民生项目清单。"))
        data = parse(LivelihoodMoveInput, request.data)
        item = livelihood.livelihood_item_move(actor=request.user, item=item, number=data["number"])
        item.refresh_from_db()
        return Response(LivelihoodItemSerializer(item).data)
