"""The research API: topics (list, create, retrieve), plan submit and review, trips, report,
problems found, results. Views parse, call one selector or service, and render."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from shigan.campaigns.choices import AspectKind
from shigan.campaigns.models import Aspect
from shigan.core.api import parse, post_action, summaries
from shigan.core.errors import DomainError
from shigan.core.pagination import RecordListMixin
from shigan.orgs.permissions import user_can
from shigan.orgs.selectors import person_choices, unit_get
from shigan.research import selectors, services
from shigan.research.api.serializers import (
    PlanSerializer,
    ResultSerializer,
    ReviewSerializer,
    TopicDetailSerializer,
    TopicSerializer,
    TripSerializer,
)
from shigan.research.api.views_promotion import PromoteInput, PromotionSerializer, promote
from shigan.research.choices import ResultKind, ResultState, Verdict
from shigan.research.errors import ErrorCode
from shigan.research.filters import ResultFilter, TopicFilter, TripFilter
from shigan.research.models import ResearchTopic

__all__ = ["TopicViewSet", "TripViewSet", "ResultViewSet"]


def _require_record(user, unit) -> None:
    if not user_can(user, "record", unit):
        raise exceptions.PermissionDenied(_("您没有在该单位登记调研的权限。"))


def _people(user, unit, ids, field):
    people = {p.pk: p for p in person_choices(user=user, unit=unit).filter(pk__in=ids)}
    missing = [i for i in ids if i not in people]
    if missing:
        raise exceptions.ValidationError(
            {field: [_("找不到人员：%(ids)s。") % {"ids": ", ".join(map(str, missing))}]},
            code=ErrorCode.UNKNOWN_PERSON,
        )
    return [people[i] for i in ids]


class TopicCreateInput(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, label=gettext_lazy("单位"))
    campaign = serializers.IntegerField(min_value=1, label=gettext_lazy("主题教育"))
    aspect = serializers.IntegerField(min_value=1, label=gettext_lazy("方面"))
    title = serializers.CharField(max_length=200, label=gettext_lazy("课题名称"))
    lead = serializers.IntegerField(min_value=1, label=gettext_lazy("牵头领导"))
    participants = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        label=gettext_lazy("参与人员"),
    )
    created_on = serializers.DateField(required=False, label=gettext_lazy("确定日期"))


class PlanInput(serializers.Serializer):
    text = serializers.CharField(label=gettext_lazy("方案内容"))
    attachment = serializers.FileField(required=False, label=gettext_lazy("附件"))


class PlanReviewInput(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=Verdict.choices, label=gettext_lazy("审核意见"))
    comments = serializers.CharField(
        required=False, allow_blank=True, default="", label=gettext_lazy("具体意见")
    )


class TripInput(serializers.Serializer):
    visited_on = serializers.DateField(label=gettext_lazy("调研日期"))
    place = serializers.CharField(max_length=100, label=gettext_lazy("调研地点"))
    people = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        label=gettext_lazy("调研人员"),
    )
    findings = serializers.CharField(
        required=False, allow_blank=True, default="", label=gettext_lazy("调研发现")
    )


class ResearchReportInput(serializers.Serializer):
    text = serializers.CharField(label=gettext_lazy("报告内容"))
    attachment = serializers.FileField(required=False, label=gettext_lazy("附件"))


class ConcludeInput(serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", label=gettext_lazy("结题说明")
    )


class ProblemInput(serializers.Serializer):
    title = serializers.CharField(max_length=300, label=gettext_lazy("问题"))
    found_on = serializers.DateField(label=gettext_lazy("发现日期"))
    aspect = serializers.IntegerField(required=False, min_value=1, label=gettext_lazy("问题方面"))


class ProblemOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    # Ignored: a field named like Field.source; DRF's metaclass takes declared fields off the class.
    source = serializers.CharField()  # type: ignore[assignment]
    found_on = serializers.DateField()
    state = serializers.CharField()


class ResultInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ResultKind.choices, label=gettext_lazy("成果类型"))
    title = serializers.CharField(max_length=200, label=gettext_lazy("成果名称"))
    state = serializers.ChoiceField(
        choices=ResultState.choices, default=ResultState.DRAFTING, label=gettext_lazy("采纳状态")
    )
    adopted_on = serializers.DateField(required=False, label=gettext_lazy("采纳日期"))
    recorded_on = serializers.DateField(required=False, label=gettext_lazy("登记日期"))


@summaries(
    list=gettext_lazy("范围内的调研课题"), retrieve=gettext_lazy("调研课题详情（含各版方案及审核）")
)
class TopicViewSet(
    RecordListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Research topics in the caller's scope; a topic outside it is 404."""

    queryset = ResearchTopic.objects.none()
    serializer_class = TopicSerializer
    detail_serializer_class = TopicDetailSerializer
    filterset_class = TopicFilter

    def get_queryset(self):
        topics = ResearchTopic.objects.restrict(self.request.user, "view").select_related(
            "unit", "aspect", "lead", "campaign__root_unit"
        )
        if self.action == "retrieve":
            topics = topics.prefetch_related("participants", "plans__reviews__reviewer")
        return topics

    @extend_schema(
        summary=gettext_lazy("确定调研课题"),
        request=TopicCreateInput,
        responses={201: TopicSerializer},
    )
    def create(self, request):
        data = parse(TopicCreateInput, request.data)
        unit = unit_get(user=request.user, pk=data["unit"])
        _require_record(request.user, unit)
        campaign = selectors.campaign_for_unit(user=request.user, unit=unit, pk=data["campaign"])
        aspect = Aspect.objects.filter(
            pk=data["aspect"], campaign=campaign, kind=AspectKind.RESEARCH
        ).first()
        if aspect is None:
            raise exceptions.ValidationError(
                {"aspect": [_("不是这次主题教育的调研方面。")]}, code=ErrorCode.ASPECT_MISMATCH
            )
        lead = _people(request.user, unit, [data["lead"]], "lead")[0]
        participants = _people(request.user, unit, data["participants"], "participants")
        topic = services.topic_create(
            actor=request.user,
            unit=unit,
            campaign=campaign,
            aspect=aspect,
            title=data["title"],
            lead=lead,
            participants=participants,
            created_on=data.get("created_on"),
        )
        return Response(TopicSerializer(topic).data, status=status.HTTP_201_CREATED)

    def _recordable(self):
        topic = self.get_object()
        _require_record(self.request.user, topic.unit)
        return topic

    @post_action(
        summary=gettext_lazy("提交调研方案（修改后再提交即为新版本）"),
        request=PlanInput,
        responses={201: PlanSerializer},
    )
    def plans(self, request, pk=None):
        topic = self._recordable()
        data = parse(PlanInput, request.data)
        plan = services.topic_plan_submit(
            actor=request.user, topic=topic, text=data["text"], attachment=data.get("attachment")
        )
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @post_action(
        summary=gettext_lazy("审核最新一版方案（联系该单位的指导组成员）"),
        request=PlanReviewInput,
        responses={201: ReviewSerializer},
    )
    def review(self, request, pk=None):
        topic = get_object_or_404(
            ResearchTopic.objects.restrict(request.user, "review").select_related("unit"), pk=pk
        )
        data = parse(PlanReviewInput, request.data)
        plan = topic.plans.order_by("-version").first()
        if plan is None:
            raise exceptions.ValidationError(
                {"plan": [_("还没有提交方案。")]}, code=ErrorCode.NO_PLAN
            )
        try:
            review = services.topic_plan_review(actor=request.user, plan=plan, **data)
        except DomainError as error:
            if error.code != ErrorCode.NOT_IN_GROUP:
                raise
            return Response(
                {"code": error.code, "detail": error.message}, status=status.HTTP_403_FORBIDDEN
            )
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)

    @post_action(
        summary=gettext_lazy("登记调研"), request=TripInput, responses={201: TripSerializer}
    )
    def trips(self, request, pk=None):
        topic = self._recordable()
        data = parse(TripInput, request.data)
        place = selectors.place_resolve(campaign=topic.campaign, text=data["place"])
        if place is None:
            raise exceptions.ValidationError(
                {"place": [_("在本次主题教育范围内找不到该地点。")]}, code=ErrorCode.UNKNOWN_PLACE
            )
        people = _people(request.user, topic.unit, data["people"], "people")
        trip = services.topic_trip_log(
            actor=request.user,
            topic=topic,
            visited_on=data["visited_on"],
            place=place,
            people=people,
            findings=data["findings"],
        )
        return Response(TripSerializer(trip).data, status=status.HTTP_201_CREATED)

    @post_action(
        summary=gettext_lazy("提交调研报告"), request=ResearchReportInput, responses={201: None}
    )
    def report(self, request, pk=None):
        topic = self._recordable()
        data = parse(ResearchReportInput, request.data)
        services.topic_report_submit(
            actor=request.user, topic=topic, text=data["text"], attachment=data.get("attachment")
        )
        topic.refresh_from_db()
        return Response(TopicSerializer(topic).data, status=status.HTTP_201_CREATED)

    @post_action(summary=gettext_lazy("结题"), request=ConcludeInput, responses=TopicSerializer)
    def conclude(self, request, pk=None):
        topic = self._recordable()
        data = parse(ConcludeInput, request.data)
        services.topic_conclude(actor=request.user, topic=topic, comment=data["comment"])
        topic.refresh_from_db()
        return Response(TopicSerializer(topic).data)

    @post_action(
        summary=gettext_lazy("登记调研发现的问题"),
        request=ProblemInput,
        responses={201: ProblemOutput},
    )
    def problems(self, request, pk=None):
        topic = self._recordable()
        data = parse(ProblemInput, request.data)
        aspect = None
        if data.get("aspect"):
            aspect = Aspect.objects.filter(
                pk=data["aspect"], campaign=topic.campaign_id, kind=AspectKind.PROBLEM
            ).first()
            if aspect is None:
                raise exceptions.ValidationError(
                    {"aspect": [_("不是这次主题教育的问题方面。")]}, code=ErrorCode.ASPECT_MISMATCH
                )
        problem = services.topic_problem_create(
            actor=request.user,
            topic=topic,
            title=data["title"],
            found_on=data["found_on"],
            aspect=aspect,
        )
        return Response(ProblemOutput(problem).data, status=status.HTTP_201_CREATED)

    @post_action(
        summary=gettext_lazy("登记调研成果"), request=ResultInput, responses={201: ResultSerializer}
    )
    def results(self, request, pk=None):
        topic = self._recordable()
        data = parse(ResultInput, request.data)
        result = services.result_create(actor=request.user, topic=topic, **data)
        return Response(ResultSerializer(result).data, status=status.HTTP_201_CREATED)


@summaries(list=gettext_lazy("范围内的调研记录"), retrieve=gettext_lazy("调研记录详情"))
class TripViewSet(RecordListMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = TripSerializer
    filterset_class = TripFilter

    def get_queryset(self):
        return selectors.trip_list(user=self.request.user).prefetch_related("people")


@summaries(list=gettext_lazy("范围内的调研成果"), retrieve=gettext_lazy("调研成果详情"))
class ResultViewSet(RecordListMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ResultSerializer
    filterset_class = ResultFilter

    def get_queryset(self):
        return selectors.result_list(user=self.request.user)

    @post_action(summary=gettext_lazy("标记成果已采纳"), request=None, responses=ResultSerializer)
    def adopt(self, request, pk=None):
        result = self.get_object()
        _require_record(request.user, result.unit)
        result = services.result_adopt(actor=request.user, result=result)
        return Response(ResultSerializer(result).data)

    @post_action(
        summary=gettext_lazy("推广调研成果"),
        request=PromoteInput,
        responses={201: PromotionSerializer},
    )
    def promote(self, request, pk=None):
        return promote(request, self.get_object())
