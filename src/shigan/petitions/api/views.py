"""The petitions API: petitions in the caller's scope (list, retrieve, intake) and the steps of
their handling; agents. Petitioners are masked unless the caller holds the right for that
petition, and every unmasked read is audited. Views parse, call one service, render."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.response import Response

from shigan.core.api import parse, post_action, summaries
from shigan.core.pagination import RecordListMixin
from shigan.orgs.models import Unit
from shigan.orgs.permissions import user_can
from shigan.petitions import selectors, services
from shigan.petitions.access import can_request_review
from shigan.petitions.api.serializers import AgentSerializer, PetitionSerializer
from shigan.petitions.choices import (
    CaseKind,
    Category,
    Channel,
    Satisfaction,
    ToldBy,
    UnionCategory,
)
from shigan.petitions.errors import ErrorCode
from shigan.petitions.filters import AgentFilter, PetitionFilter
from shigan.petitions.models import Agent, Petition, PetitionReview

__all__ = ["PetitionViewSet", "AgentViewSet"]


class PetitionerInput(serializers.Serializer):
    name = serializers.CharField(max_length=50, label=gettext_lazy("姓名"))
    id_number = serializers.CharField(
        max_length=18, required=False, allow_blank=True, default="", label=gettext_lazy("身份证号")
    )
    phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="", label=gettext_lazy("联系电话")
    )
    address = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", label=gettext_lazy("住址")
    )


class IntakeInput(serializers.Serializer):
    agent = serializers.IntegerField(min_value=1, label=gettext_lazy("代办员"))
    received_on = serializers.DateField(label=gettext_lazy("登记日期"))
    channel = serializers.ChoiceField(choices=Channel.choices, label=gettext_lazy("信访形式"))
    title = serializers.CharField(max_length=100, label=gettext_lazy("事由"))
    request = serializers.CharField(label=gettext_lazy("诉求"))
    kind = serializers.ChoiceField(
        choices=CaseKind.choices, default=CaseKind.PETITION, label=gettext_lazy("案件类型")
    )
    category = serializers.ChoiceField(
        choices=Category.choices + UnionCategory.choices, label=gettext_lazy("类别")
    )
    first_time = serializers.BooleanField(default=True, label=gettext_lazy("初信初访"))
    petitioners = PetitionerInput(many=True, label=gettext_lazy("信访人"))
    confirm_duplicate = serializers.BooleanField(
        default=False, label=gettext_lazy("确认不是重复件")
    )


class RouteInput(serializers.Serializer):
    to_unit = serializers.IntegerField(min_value=1, label=gettext_lazy("转送至"))
    day = serializers.DateField(label=gettext_lazy("转送日期"))
    note = serializers.CharField(
        required=False, allow_blank=True, default="", label=gettext_lazy("说明")
    )


class AcceptInput(serializers.Serializer):
    accepted_on = serializers.DateField(label=gettext_lazy("受理日期"))
    notified_on = serializers.DateField(required=False, label=gettext_lazy("书面告知日期"))
    note = serializers.CharField(
        required=False, allow_blank=True, default="", label=gettext_lazy("说明")
    )


class DeclineInput(serializers.Serializer):
    day = serializers.DateField(label=gettext_lazy("决定日期"))
    reason = serializers.CharField(label=gettext_lazy("不予受理的理由"))
    notified_on = serializers.DateField(required=False, label=gettext_lazy("书面告知日期"))


class ExtendInput(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=30, label=gettext_lazy("延长天数"))
    reason = serializers.CharField(label=gettext_lazy("延期理由"))
    approved_on = serializers.DateField(label=gettext_lazy("批准日期"))
    told_on = serializers.DateField(label=gettext_lazy("告知信访人日期"))


class ReplyInput(serializers.Serializer):
    text = serializers.CharField(label=gettext_lazy("答复意见"))
    replied_on = serializers.DateField(label=gettext_lazy("答复日期"))
    told_by = serializers.ChoiceField(choices=ToldBy.choices, label=gettext_lazy("告知方式"))
    told_on = serializers.DateField(required=False, label=gettext_lazy("送达日期"))


class RateInput(serializers.Serializer):
    satisfaction = serializers.ChoiceField(
        choices=Satisfaction.choices, label=gettext_lazy("满意度")
    )
    rated_on = serializers.DateField(label=gettext_lazy("评价日期"))


class PetitionReviewInput(serializers.Serializer):
    requested_on = serializers.DateField(label=gettext_lazy("请求日期"))
    text = serializers.CharField(
        required=False, allow_blank=True, default="", label=gettext_lazy("请求理由")
    )


class ReviewOutput(serializers.ModelSerializer):
    class Meta:
        model = PetitionReview
        fields = ["id", "petition", "level", "body", "requested_on", "decided_on"]
        read_only_fields = fields


def _forbid() -> exceptions.PermissionDenied:
    return exceptions.PermissionDenied(_("您没有办理该信访件的权限。"))


@summaries(
    list=gettext_lazy("范围内的信访件（信访人按权限脱敏）"),
    retrieve=gettext_lazy("信访件详情（信访人按权限脱敏）"),
)
class PetitionViewSet(
    RecordListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Petitions received or handled in the caller's scope; one outside it is 404."""

    queryset = Petition.objects.none()
    serializer_class = PetitionSerializer
    filterset_class = PetitionFilter

    def get_queryset(self):
        return Petition.objects.restrict(self.request.user, "view").select_related(
            "unit", "handling_unit", "intake_agent"
        )

    def _render(self, petitions, *, many: bool):
        people = services.petitioners_read(
            user=self.request.user, petitions=petitions, purpose="api"
        )
        context = {**self.get_serializer_context(), "petitioners": people}
        data = PetitionSerializer(petitions, many=True, context=context).data
        return data if many else data[0]

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self._render(list(page), many=True))

    def retrieve(self, request, *args, **kwargs):
        return Response(self._render([self.get_object()], many=False))

    def _fresh(self, petition) -> dict:
        fresh = selectors.petition_get(user=self.request.user, pk=petition.pk)
        return self._render([fresh], many=False)

    def _do(self, service, petition, input_class) -> None:
        service(actor=self.request.user, petition=petition, **parse(input_class, self.request.data))

    def _handled(self, who: str = "handler") -> Petition:
        petition = self.get_object()
        user = self.request.user
        if who == "approver":
            allowed = user_can(user, "review", petition.handling_unit)
        else:
            allowed = user_can(user, "record", petition.handling_unit)
            agent = petition.intake_agent
            if who == "agent" and agent is not None and agent.user_id == user.pk:
                allowed = True
        if not allowed:
            raise _forbid()
        return petition

    @extend_schema(
        summary=gettext_lazy("代办员登记信访件"),
        request=IntakeInput,
        responses={201: PetitionSerializer},
    )
    def create(self, request):
        data = parse(IntakeInput, request.data)
        agent = selectors.agent_posts(user=request.user).filter(pk=data.pop("agent")).first()
        if agent is None:
            raise exceptions.ValidationError(
                {"agent": [_("您不是这个单位在岗的代办员。")]}, code=ErrorCode.NOT_AGENT
            )
        petition = services.petition_intake(actor=request.user, agent=agent, **data)
        return Response(self._fresh(petition), status=status.HTTP_201_CREATED)

    @post_action(summary=gettext_lazy("转送交办"), request=RouteInput, responses=PetitionSerializer)
    def route(self, request, pk=None):
        petition = self._handled()
        data = parse(RouteInput, request.data)
        to_unit = Unit.objects.filter(pk=data.pop("to_unit"), active=True).first()
        if to_unit is None:
            raise exceptions.ValidationError(
                {"to_unit": [_("没有这个单位。")]}, code=ErrorCode.BAD_TARGET
            )
        services.petition_route(actor=request.user, petition=petition, to_unit=to_unit, **data)
        return Response(self._fresh(petition))

    @post_action(
        summary=gettext_lazy("受理并书面告知"), request=AcceptInput, responses=PetitionSerializer
    )
    def accept(self, request, pk=None):
        petition = self._handled()
        self._do(services.petition_accept, petition, AcceptInput)
        return Response(self._fresh(petition))

    @post_action(
        summary=gettext_lazy("不予受理"), request=DeclineInput, responses=PetitionSerializer
    )
    def decline(self, request, pk=None):
        petition = self._handled()
        self._do(services.petition_decline, petition, DeclineInput)
        return Response(self._fresh(petition))

    @post_action(
        summary=gettext_lazy("延长办理期限（办理单位负责人）"),
        request=ExtendInput,
        responses=PetitionSerializer,
    )
    def extend(self, request, pk=None):
        petition = self._handled("approver")
        self._do(services.petition_extend, petition, ExtendInput)
        return Response(self._fresh(petition))

    @post_action(summary=gettext_lazy("答复"), request=ReplyInput, responses=PetitionSerializer)
    def reply(self, request, pk=None):
        petition = self._handled()
        self._do(services.petition_reply, petition, ReplyInput)
        return Response(self._fresh(petition))

    @post_action(
        summary=gettext_lazy("登记满意度"), request=RateInput, responses=PetitionSerializer
    )
    def rate(self, request, pk=None):
        petition = self._handled("agent")
        self._do(services.petition_rate, petition, RateInput)
        return Response(self._fresh(petition))

    @post_action(
        summary=gettext_lazy("登记复查、复核请求"),
        request=PetitionReviewInput,
        responses={201: ReviewOutput},
    )
    def review(self, request, pk=None):
        petition = self.get_object()
        if not can_request_review(request.user, petition):  # before the body is read
            raise exceptions.PermissionDenied(_("您没有办理该信访件的权限。"))
        data = parse(PetitionReviewInput, request.data)
        review = services.petition_review_request(actor=request.user, petition=petition, **data)
        return Response(ReviewOutput(review).data, status=status.HTTP_201_CREATED)


@summaries(list=gettext_lazy("范围内的信访代办员"), retrieve=gettext_lazy("代办员详情"))
class AgentViewSet(RecordListMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AgentSerializer
    filterset_class = AgentFilter

    def get_queryset(self):
        return Agent.objects.restrict(self.request.user, "view").select_related("user", "unit")
