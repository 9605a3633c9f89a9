"""The milestone API: milestones in scope, and completing one."""

from django.utils.translation import gettext_lazy
from rest_framework import mixins, serializers
from rest_framework.response import Response

from shigan.core.api import parse, post_action, summaries
from shigan.initiatives.api.serializers import MilestoneSerializer
from shigan.initiatives.api.views.common import ScopedViewSet, require_run
from shigan.initiatives.filters import MilestoneFilter
from shigan.initiatives.models import KeyTask, Milestone
from shigan.initiatives.services import milestones

__all__ = ["MilestoneViewSet"]


class MilestoneCompleteInput(serializers.Serializer):
    done_on = serializers.DateField(required=False, label=gettext_lazy("完成日期"))
    note = serializers.CharField(
        required=False, allow_blank=True, default="", label=gettext_lazy("完成情况")
    )


@summaries(list=gettext_lazy("范围内的时间节点"), retrieve=gettext_lazy("时间节点详情"))
class MilestoneViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilter
    queryset = Milestone.objects.none()

    def get_queryset(self):
        tasks = KeyTask.objects.restrict(self.request.user, "view")
        return Milestone.objects.filter(key_task__in=tasks).select_related(
            "key_task", "key_task__unit", "key_task__owner_unit"
        )

    @post_action(
        summary=gettext_lazy("完成时间节点"),
        request=MilestoneCompleteInput,
        responses=MilestoneSerializer,
    )
    def complete(self, request, pk=None):
        milestone = self.get_object()
        require_run(request.user, milestone.key_task)
        data = parse(MilestoneCompleteInput, request.data)
        milestone = milestones.milestone_complete(actor=request.user, milestone=milestone, **data)
        return Response(MilestoneSerializer(milestone).data)
