"""The campaigns API. Views parse, call one selector or service, and render.

A campaign the caller cannot see is 404; a write the caller may not make is 403.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from shigan.accounts.selectors import active_user_by_username
from shigan.campaigns import selectors, services
from shigan.campaigns.api.serializers import (
    AspectSerializer,
    BatchSerializer,
    CampaignSerializer,
    GroupSerializer,
    ParticipationSerializer,
    VisitSerializer,
)
from shigan.campaigns.choices import AspectKind, VisitPurpose
from shigan.campaigns.errors import ErrorCode
from shigan.campaigns.models import (
    Aspect,
    Batch,
    Campaign,
    GuidanceGroup,
    GuidanceVisit,
    Participation,
)
from shigan.core.api import parse, summaries
from shigan.core.pagination import CursorPagination
from shigan.orgs.models import Unit
from shigan.orgs.selectors import unit_get

__all__ = [
    "CampaignViewSet",
    "BatchViewSet",
    "ParticipationViewSet",
    "AspectViewSet",
    "GroupViewSet",
    "VisitViewSet",
]

CAMPAIGN = OpenApiParameter("campaign_pk", int, OpenApiParameter.PATH, description="主题教育")


def _office(user, campaign) -> None:
    if not selectors.campaign_is_office(user=user, campaign=campaign):
        raise exceptions.PermissionDenied(_("只有活动办管理员可以进行此操作。"))


def _campaign_units(user, campaign, pks: list[int]) -> list[Unit]:
    units = list(
        Unit.objects.restrict(user, "view").subtree_of(campaign.root_unit).filter(pk__in=pks)
    )
    if len(units) != len(set(pks)):
        raise exceptions.ValidationError(
            {"units": [_("有单位不存在，或不在本次主题教育的范围内。")]},
            code=ErrorCode.UNKNOWN_UNIT,
        )
    return units


@summaries(list=gettext_lazy("可查看的主题教育"), retrieve=gettext_lazy("主题教育详情"))
class CampaignViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = CampaignSerializer
    queryset = Campaign.objects.none()
    pagination_class = CursorPagination
    cursor_ordering = "id"

    class CampaignCreateInput(serializers.Serializer):
        name = serializers.CharField(max_length=200, label=gettext_lazy("名称"))
        root_unit = serializers.IntegerField(min_value=1, label=gettext_lazy("牵头单位"))
        starts_on = serializers.DateField(label=gettext_lazy("开始日期"))
        ends_on = serializers.DateField(
            required=False, allow_null=True, label=gettext_lazy("结束日期")
        )

    def get_queryset(self):
        return selectors.campaign_list(user=self.request.user)

    @extend_schema(
        summary=gettext_lazy("新建主题教育（牵头单位管理员）"),
        request=CampaignCreateInput,
        responses={201: CampaignSerializer},
    )
    def create(self, request):
        data = parse(self.CampaignCreateInput, request.data)
        root = unit_get(user=request.user, pk=data["root_unit"])
        campaign = services.campaign_create(
            actor=request.user,
            name=data["name"],
            root_unit=root,
            starts_on=data["starts_on"],
            ends_on=data.get("ends_on"),
        )
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)


class _InCampaign:
    """A viewset under /api/campaigns/{campaign_pk}/: the campaign is found in the user's sight."""

    pagination_class: type[BasePagination] | None = CursorPagination
    cursor_ordering = "id"
    lookup_value_regex = "[0-9]+"

    @property
    def campaign(self):
        if not hasattr(self, "_campaign"):
            self._campaign = selectors.campaign_get(
                user=self.request.user, pk=self.kwargs["campaign_pk"]
            )
        return self._campaign


@extend_schema(parameters=[CAMPAIGN])
@extend_schema_view(list=extend_schema(summary=gettext_lazy("批次")))
class BatchViewSet(_InCampaign, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = BatchSerializer
    queryset = Batch.objects.none()
    cursor_ordering = "ordinal"

    class BatchCreateInput(serializers.Serializer):
        name = serializers.CharField(max_length=50, label=gettext_lazy("名称"))
        starts_on = serializers.DateField(label=gettext_lazy("开始日期"))
        ends_on = serializers.DateField(
            required=False, allow_null=True, label=gettext_lazy("结束日期")
        )

    def get_queryset(self):
        return selectors.batch_list(campaign=self.campaign)

    @extend_schema(
        summary=gettext_lazy("新增批次（活动办）"),
        request=BatchCreateInput,
        responses={201: BatchSerializer},
    )
    def create(self, request, campaign_pk=None):
        _office(request.user, self.campaign)  # out of sight 404, not office 403, then the body
        data = parse(self.BatchCreateInput, request.data)
        batch = services.batch_create(actor=request.user, campaign=self.campaign, **data)
        return Response(BatchSerializer(batch).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[CAMPAIGN])
@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("参学单位（按批次筛选：?batch=）"),
        parameters=[OpenApiParameter("batch", int, description="批次")],
    ),
    destroy=extend_schema(summary=gettext_lazy("移出参学单位（活动办）")),
)
class ParticipationViewSet(
    _InCampaign, mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    serializer_class = ParticipationSerializer
    queryset = Participation.objects.none()

    class ParticipationCreateInput(serializers.Serializer):
        batch = serializers.IntegerField(min_value=1, label=gettext_lazy("批次"))
        units = serializers.ListField(
            child=serializers.IntegerField(min_value=1),
            min_length=1,
            max_length=500,  # a form post stays under DATA_UPLOAD_MAX_NUMBER_FIELDS
            label=gettext_lazy("单位"),
        )
        enrolled_on = serializers.DateField(label=gettext_lazy("纳入日期"))
        include_subtree = serializers.BooleanField(
            default=False, label=gettext_lazy("同时纳入全部下级单位")
        )

    def get_queryset(self):
        participations = (
            Participation.objects.restrict(self.request.user, "view")
            .filter(batch__campaign=self.campaign)
            .select_related("unit")
        )
        batch = self.request.query_params.get("batch")
        if batch:
            if not batch.isdigit():
                raise exceptions.ValidationError({"batch": [_("请填写批次编号（数字）。")]})
            participations = participations.filter(batch_id=int(batch))
        return participations

    @extend_schema(
        summary=gettext_lazy("纳入参学单位（活动办；下级单位只在要求时纳入）"),
        request=ParticipationCreateInput,
        responses={201: ParticipationSerializer(many=True)},
    )
    def create(self, request, campaign_pk=None):
        _office(request.user, self.campaign)
        data = parse(self.ParticipationCreateInput, request.data)
        batch = selectors.batch_get(campaign=self.campaign, pk=data["batch"])
        units = _campaign_units(request.user, self.campaign, data["units"])
        new = services.participation_enroll(
            actor=request.user,
            batch=batch,
            units=units,
            enrolled_on=data["enrolled_on"],
            include_subtree=data["include_subtree"],
        )
        body = ParticipationSerializer(new, many=True).data
        return Response(body, status=status.HTTP_201_CREATED)

    def destroy(self, request, campaign_pk=None, pk=None):
        participation = self.get_object()
        _office(request.user, self.campaign)
        services.participation_remove(actor=request.user, participation=participation)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(parameters=[CAMPAIGN])
@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("方面（按类别、序号）"),
        parameters=[OpenApiParameter("kind", str, enum=AspectKind.values, description="类别")],
    )
)
class AspectViewSet(_InCampaign, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = AspectSerializer
    queryset = Aspect.objects.none()
    pagination_class = None

    class AspectCreateInput(serializers.Serializer):
        kind = serializers.ChoiceField(choices=AspectKind.choices, label=gettext_lazy("类别"))
        name = serializers.CharField(max_length=100, label=gettext_lazy("名称"))

    class AspectRenameInput(serializers.Serializer):
        name = serializers.CharField(max_length=100, label=gettext_lazy("名称"))

    class AspectReorderInput(serializers.Serializer):
        kind = serializers.ChoiceField(choices=AspectKind.choices, label=gettext_lazy("类别"))
        order = serializers.ListField(
            child=serializers.IntegerField(min_value=1), label=gettext_lazy("顺序")
        )

    def get_queryset(self):
        kind = self.request.query_params.get("kind")
        return selectors.aspect_list(
            campaign=self.campaign, kind=kind if kind in AspectKind.values else None
        )

    @extend_schema(
        summary=gettext_lazy("新增方面（活动办）"),
        request=AspectCreateInput,
        responses={201: AspectSerializer},
    )
    def create(self, request, campaign_pk=None):
        _office(request.user, self.campaign)
        data = parse(self.AspectCreateInput, request.data)
        aspect = services.aspect_create(actor=request.user, campaign=self.campaign, **data)
        return Response(AspectSerializer(aspect).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("重命名方面（活动办）"),
        request=AspectRenameInput,
        responses={200: AspectSerializer},
    )
    def partial_update(self, request, campaign_pk=None, pk=None):
        aspect = selectors.aspect_get(campaign=self.campaign, pk=pk)
        _office(request.user, self.campaign)
        data = parse(self.AspectRenameInput, request.data)
        aspect = services.aspect_rename(actor=request.user, aspect=aspect, name=data["name"])
        return Response(AspectSerializer(aspect).data)

    @extend_schema(
        summary=gettext_lazy("调整方面顺序（活动办；列出该类别全部方面的编号）"),
        request=AspectReorderInput,
        responses={200: AspectSerializer(many=True)},
    )
    @action(detail=False, methods=["post"])
    def reorder(self, request, campaign_pk=None):
        _office(request.user, self.campaign)
        data = parse(self.AspectReorderInput, request.data)
        services.aspect_reorder(
            actor=request.user, campaign=self.campaign, kind=data["kind"], ordered_ids=data["order"]
        )
        aspects = selectors.aspect_list(campaign=self.campaign, kind=data["kind"])
        return Response(AspectSerializer(aspects, many=True).data)


@extend_schema(parameters=[CAMPAIGN])
@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("巡回指导组（活动办看全部，成员看本组）"))
)
class GroupViewSet(_InCampaign, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = GroupSerializer
    queryset = GuidanceGroup.objects.none()

    class MemberInput(serializers.Serializer):
        username = serializers.CharField(max_length=150, label=gettext_lazy("用户名"))

    class AssignInput(serializers.Serializer):
        units = serializers.ListField(
            child=serializers.IntegerField(min_value=1),
            min_length=1,
            max_length=500,
            label=gettext_lazy("联系单位"),
        )

    def get_queryset(self):
        return selectors.group_list(user=self.request.user, campaign=self.campaign)

    @extend_schema(
        summary=gettext_lazy("增加指导组成员（活动办）"),
        request=MemberInput,
        responses={200: GroupSerializer},
    )
    @action(detail=True, methods=["post"])
    def members(self, request, campaign_pk=None, pk=None):
        group = self.get_object()
        _office(request.user, self.campaign)
        data = parse(self.MemberInput, request.data)
        user = active_user_by_username(data["username"])
        if user is None:
            raise exceptions.ValidationError(
                {"username": [_("没有名为“%(name)s”的有效用户。") % {"name": data["username"]}]},
                code=ErrorCode.UNKNOWN_USER,
            )
        services.guidance_group_add_member(actor=request.user, group=group, user=user)
        return Response(GroupSerializer(self.get_object()).data)

    @extend_schema(
        summary=gettext_lazy("指定联系单位（活动办）"),
        request=AssignInput,
        responses={200: GroupSerializer},
    )
    @action(detail=True, methods=["post"])
    def units(self, request, campaign_pk=None, pk=None):
        group = self.get_object()
        _office(request.user, self.campaign)
        data = parse(self.AssignInput, request.data)
        units = _campaign_units(request.user, self.campaign, data["units"])
        services.guidance_group_assign(actor=request.user, group=group, units=units)
        return Response(GroupSerializer(self.get_object()).data)


@extend_schema(parameters=[CAMPAIGN])
@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("指导记录"),
        parameters=[
            OpenApiParameter("group", int, description="指导组"),
            OpenApiParameter("unit", int, description="单位（含下级）"),
            OpenApiParameter("purpose", str, enum=VisitPurpose.values, description="事项"),
        ],
    )
)
class VisitViewSet(_InCampaign, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = VisitSerializer
    queryset = GuidanceVisit.objects.none()

    class VisitFilterInput(serializers.Serializer):
        group = serializers.IntegerField(min_value=1, required=False, label=gettext_lazy("指导组"))
        unit = serializers.IntegerField(min_value=1, required=False, label=gettext_lazy("单位"))
        purpose = serializers.ChoiceField(
            choices=VisitPurpose.choices, required=False, label=gettext_lazy("事项")
        )

    class VisitCreateInput(serializers.Serializer):
        group = serializers.IntegerField(min_value=1, label=gettext_lazy("指导组"))
        unit = serializers.IntegerField(min_value=1, label=gettext_lazy("单位"))
        visited_on = serializers.DateField(label=gettext_lazy("指导日期"))
        purpose = serializers.ChoiceField(choices=VisitPurpose.choices, label=gettext_lazy("事项"))
        notes = serializers.CharField(
            required=False, allow_blank=True, label=gettext_lazy("情况记录")
        )

    def get_queryset(self):
        query = parse(self.VisitFilterInput, self.request.query_params)
        user = self.request.user
        group = None
        if "group" in query:
            group = selectors.group_get(user=user, campaign=self.campaign, pk=query["group"])
        unit = unit_get(user=user, pk=query["unit"]) if "unit" in query else None
        return selectors.visit_list(
            user=user,
            campaign=self.campaign,
            group=group,
            unit=unit,
            purpose=query.get("purpose", ""),
        )

    @extend_schema(
        summary=gettext_lazy("登记指导记录（指导组成员）"),
        request=VisitCreateInput,
        responses={201: VisitSerializer},
    )
    def create(self, request, campaign_pk=None):
        # Whoever is in none of the campaign's groups is refused before the body is read.
        groups = selectors.groups_of_member(user=request.user, campaign=self.campaign)
        if not groups.exists():
            raise exceptions.PermissionDenied(_("只有本指导组成员可以登记指导记录。"))
        data = parse(self.VisitCreateInput, request.data)
        group = groups.filter(pk=data["group"]).first()
        if group is None:
            raise exceptions.PermissionDenied(_("只有本指导组成员可以登记指导记录。"))
        unit = unit_get(user=request.user, pk=data["unit"])
        visit = services.guidance_visit_log(
            actor=request.user,
            group=group,
            unit=unit,
            visited_on=data["visited_on"],
            purpose=data["purpose"],
            notes=data.get("notes", ""),
        )
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)
