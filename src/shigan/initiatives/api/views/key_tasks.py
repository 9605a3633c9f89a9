"""The key-task API: list, detail, create, and on a task its milestones, linked results and
rules, and the timetable."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from shigan.core.api import parse, post_action, summaries
from shigan.initiatives import selectors
from shigan.initiatives.api.serializers import (
    KeyTaskDetailSerializer,
    KeyTaskSerializer,
    MilestoneSerializer,
)
from shigan.initiatives.api.views.common import (
    ScopedViewSet,
    campaign_for,
    require_record,
    require_run,
)
from shigan.initiatives.choices import KeyTaskArea
from shigan.initiatives.filters import KeyTaskFilter
from shigan.initiatives.models import KeyTask
from shigan.initiatives.services import key_tasks, milestones
from shigan.orgs.models import Person
from shigan.orgs.selectors import unit_get
from shigan.problems.models import Rule
from shigan.research.models import ResearchResult

__all__ = ["KeyTaskViewSet"]


class KeyTaskCreateInput(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, label=gettext_lazy("单位"))
    campaign = serializers.IntegerField(min_value=1, label=gettext_lazy("主题教育"))
    area = serializers.ChoiceField(choices=KeyTaskArea.choices, label=gettext_lazy("任务领域"))
    title = serializers.CharField(max_length=200, label=gettext_lazy("任务名称"))
    goal = serializers.CharField(
        required=False, allow_blank=True, default="", label=gettext_lazy("目标")
    )
    owner_unit = serializers.IntegerField(
        required=False, min_value=1, label=gettext_lazy("牵头单位")
    )
    owner_leader = serializers.IntegerField(
        required=False, min_value=1, label=gettext_lazy("责任领导")
    )
    starts_on = serializers.DateField(required=False, label=gettext_lazy("开始日期"))
    roadmap = serializers.ListField(
        child=serializers.CharField(), required=False, default=list, label=gettext_lazy("路线图")
    )
    task_book_text = serializers.CharField(
        required=False, allow_blank=True, default="", label=gettext_lazy("任务书")
    )


class MilestoneAddInput(serializers.Serializer):
    title = serializers.CharField(max_length=200, label=gettext_lazy("节点名称"))
    due_on = serializers.DateField(required=False, allow_null=True, label=gettext_lazy("完成时限"))
    weight = serializers.IntegerField(
        required=False, default=1, min_value=1, max_value=1000, label=gettext_lazy("权重")
    )


class ResultLinkInput(serializers.Serializer):
    result = serializers.IntegerField(min_value=1, label=gettext_lazy("调研成果"))


class RuleLinkInput(serializers.Serializer):
    rule = serializers.IntegerField(min_value=1, label=gettext_lazy("制度机制"))


@summaries(
    list=gettext_lazy("范围内的重点任务（含上级单位的）"),
    retrieve=gettext_lazy("重点任务详情（时间节点、路线图、关联成果）"),
)
class KeyTaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = KeyTask.objects.none()
    serializer_class = KeyTaskSerializer
    detail_serializer_class = KeyTaskDetailSerializer
    filterset_class = KeyTaskFilter

    def get_queryset(self):
        tasks = KeyTask.objects.restrict(self.request.user, "view").select_related("unit")
        tasks = tasks.prefetch_related("milestones")
        if self.action == "retrieve":
            tasks = tasks.prefetch_related("results", "rules")
        return tasks

    @extend_schema(
        summary=gettext_lazy("登记重点任务"),
        request=KeyTaskCreateInput,
        responses={201: KeyTaskSerializer},
    )
    def create(self, request):
        data = parse(KeyTaskCreateInput, request.data)
        unit = unit_get(user=request.user, pk=data["unit"])
        require_record(request.user, unit)
        campaign = campaign_for(request.user, unit, data["campaign"])
        owner_unit = owner_leader = None
        if data.get("owner_unit"):
            owner_unit = unit_get(user=request.user, pk=data["owner_unit"])
        if data.get("owner_leader"):
            owner_leader = (
                Person.objects.restrict(request.user, "view")
                .filter(pk=data["owner_leader"])
                .first()
            )
            if owner_leader is None:
                raise exceptions.ValidationError({"owner_leader": [_("找不到该人员。")]})
        task = key_tasks.key_task_create(
            actor=request.user,
            campaign=campaign,
            unit=unit,
            area=data["area"],
            title=data["title"],
            goal=data["goal"],
            owner_unit=owner_unit,
            owner_leader=owner_leader,
            starts_on=data.get("starts_on"),
            roadmap="\n".join(s.strip() for s in data["roadmap"] if s.strip()),
            task_book_text=data["task_book_text"],
        )
        return Response(KeyTaskSerializer(task).data, status=status.HTTP_201_CREATED)

    @post_action(
        summary=gettext_lazy("增加时间节点"),
        request=MilestoneAddInput,
        responses={201: MilestoneSerializer},
    )
    def milestones(self, request, pk=None):
        task = self.get_object()
        require_run(request.user, task)
        data = parse(MilestoneAddInput, request.data)
        milestone = milestones.milestone_add(actor=request.user, key_task=task, **data)
        return Response(MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)

    @post_action(
        summary=gettext_lazy("关联调研成果"), request=ResultLinkInput, responses={201: None}
    )
    def results(self, request, pk=None):
        task = self.get_object()
        require_run(request.user, task)
        data = parse(ResultLinkInput, request.data)
        result = ResearchResult.objects.restrict(request.user, "view").filter(pk=data["result"])
        if not result.exists():
            raise exceptions.ValidationError({"result": [_("找不到该调研成果。")]})
        key_tasks.key_task_link_result(actor=request.user, key_task=task, result=result.get())
        return Response(status=status.HTTP_201_CREATED)

    @post_action(summary=gettext_lazy("关联制度机制"), request=RuleLinkInput, responses={201: None})
    def rules(self, request, pk=None):
        task = self.get_object()
        require_run(request.user, task)
        data = parse(RuleLinkInput, request.data)
        rule = Rule.objects.restrict(request.user, "view").filter(pk=data["rule"]).first()
        if rule is None:
            raise exceptions.ValidationError({"rule": [_("找不到该制度机制。")]})
        key_tasks.key_task_link_rule(actor=request.user, key_task=task, rule=rule)
        return Response(status=status.HTTP_201_CREATED)

    @extend_schema(summary=gettext_lazy("时间表（甘特图数据）"), responses={200: dict})
    @action(detail=True, methods=["get"], filter_backends=[])
    def timetable(self, request, pk=None):
        return Response(selectors.timetable(self.get_object(), on=timezone.localdate()))
