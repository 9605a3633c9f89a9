"""The briefings API: list, read (with the frozen figures), generate, issue; templates."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shigan.briefings import selectors, services
from shigan.briefings.api.serializers import (
    BriefingDetailSerializer,
    BriefingSerializer,
    TemplateSerializer,
)
from shigan.briefings.defaults import DEFAULT_TITLE
from shigan.briefings.models import Briefing, BriefingTemplate
from shigan.campaigns.models import Batch, Campaign
from shigan.core.api import parse
from shigan.orgs.selectors import unit_get

__all__ = ["BriefingViewSet", "TemplateViewSet"]


class GenerateInput(serializers.Serializer):
    campaign = serializers.IntegerField(min_value=1, label=gettext_lazy("主题教育"))
    unit = serializers.IntegerField(min_value=1, label=gettext_lazy("单位"))
    as_of = serializers.DateField(label=gettext_lazy("截至日期"))
    batch = serializers.IntegerField(min_value=1, required=False, label=gettext_lazy("批次"))
    template = serializers.IntegerField(min_value=1, required=False, label=gettext_lazy("模板"))


class TemplateInput(serializers.Serializer):
    campaign = serializers.IntegerField(min_value=1, label=gettext_lazy("主题教育"))
    name = serializers.CharField(max_length=100, label=gettext_lazy("模板名称"))
    title = serializers.CharField(
        max_length=200, required=False, default=DEFAULT_TITLE, label=gettext_lazy("简报标题")
    )
    text = serializers.CharField(label=gettext_lazy("模板内容"), trim_whitespace=False)
    is_default = serializers.BooleanField(required=False, default=False)


def _campaign(user, pk) -> Campaign:
    return get_object_or_404(
        Campaign.objects.restrict(user, "view").select_related("root_unit"), pk=pk
    )


class BriefingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Briefing.objects.none()
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.briefing_list(user=self.request.user).prefetch_related("figures")

    def get_serializer_class(self):
        return BriefingDetailSerializer if self.action != "list" else BriefingSerializer

    @extend_schema(
        summary="生成简报草稿", request=GenerateInput, responses=BriefingDetailSerializer
    )
    def create(self, request):
        data = parse(GenerateInput, request.data)
        campaign = _campaign(request.user, data["campaign"])
        unit = unit_get(user=request.user, pk=data["unit"])
        batch = template = None
        if data.get("batch"):
            batch = get_object_or_404(Batch, campaign=campaign, pk=data["batch"])
        if data.get("template"):
            template = get_object_or_404(
                selectors.template_list(user=request.user, campaign=campaign),
                pk=data["template"],
            )
        briefing = services.briefing_generate(
            actor=request.user,
            campaign=campaign,
            unit=unit,
            as_of=data["as_of"],
            batch=batch,
            template=template,
        )
        body = BriefingDetailSerializer(briefing).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(summary="印发简报（冻结数据）", request=None, responses=BriefingDetailSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        briefing = selectors.briefing_get(user=request.user, pk=pk)
        briefing = services.briefing_issue(actor=request.user, briefing=briefing)
        return Response(BriefingDetailSerializer(briefing).data)


class TemplateViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = BriefingTemplate.objects.none()
    lookup_value_regex = r"\d+"
    serializer_class = TemplateSerializer

    def get_queryset(self):
        return BriefingTemplate.objects.restrict(self.request.user, "view").order_by("pk")

    @extend_schema(summary="新建简报模板", request=TemplateInput, responses=TemplateSerializer)
    def create(self, request):
        data = parse(TemplateInput, request.data)
        campaign = _campaign(request.user, data.pop("campaign"))
        template = services.briefing_template_save(actor=request.user, campaign=campaign, **data)
        return Response(TemplateSerializer(template).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="修改简报模板", request=TemplateInput, responses=TemplateSerializer)
    def update(self, request, pk=None):
        template = selectors.template_get(user=request.user, pk=pk)
        data = parse(TemplateInput, request.data)
        campaign = _campaign(request.user, data.pop("campaign"))
        template = services.briefing_template_save(
            actor=request.user, campaign=campaign, template=template, **data
        )
        return Response(TemplateSerializer(template).data)
