"""The problems API's requests a reviewer above decides: close-outs (with the reviewer's
inbox) and deadline extensions."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shigan.core.api import parse, post_action, summaries
from shigan.problems import selectors, services
from shigan.problems.api.common import ScopedReadMixin, call_service, require_review, today
from shigan.problems.api.serializers import (
    CloseOutSerializer,
    ExtensionSerializer,
)
from shigan.problems.filters import (
    CloseOutFilter,
    ExtensionFilter,
)
from shigan.problems.models import CloseOut, DeadlineExtension


class DecideInput(serializers.Serializer):
    accept = serializers.BooleanField(label=gettext_lazy("同意销号"))
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", label=gettext_lazy("理由")
    )
    decided_on = serializers.DateField(
        required=False, default=today, label=gettext_lazy("审核日期")
    )
    next_checkpoint = serializers.DateField(required=False, label=gettext_lazy("下一检查节点"))


class ExtensionDecideInput(serializers.Serializer):
    approve = serializers.BooleanField(label=gettext_lazy("同意延期"))
    note = serializers.CharField(
        required=False, allow_blank=True, default="", label=gettext_lazy("审批意见")
    )
    decided_on = serializers.DateField(
        required=False, default=today, label=gettext_lazy("审批日期")
    )


class DecideMixin:
    # The `decide` action of a request that a reviewer above decides. (A comment, not a
    # docstring: the API docs would take it as the description of the viewsets' operations.)

    def _decide(self, input_class, service, **asked):
        """`asked`: the request decided, under the service's name for it (closeout=…). A caller
        who may not review it is refused before the body is read; the input's fields are the
        service's arguments (the decision dated today unless a day is given)."""
        (record,) = asked.values()
        require_review(self.request.user, record.problem)
        data = parse(input_class, self.request.data)
        decided = call_service(service, actor=self.request.user, **asked, **data)
        return Response(self.serializer_class(decided).data)


@summaries(list=gettext_lazy("范围内的销号申请"), retrieve=gettext_lazy("销号申请详情"))
class CloseOutViewSet(DecideMixin, ScopedReadMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = CloseOutSerializer
    filterset_class = CloseOutFilter

    def get_queryset(self):
        return CloseOut.objects.restrict(self.request.user, "view").select_related(
            "submitted_by", "decided_by"
        )

    @extend_schema(
        summary=gettext_lazy("待我审核的销号申请"), responses=CloseOutSerializer(many=True)
    )
    @action(detail=False, methods=["get"], filter_backends=[])
    def inbox(self, request):
        page = self.paginate_queryset(selectors.closeout_inbox(user=request.user))
        return self.get_paginated_response(CloseOutSerializer(page, many=True).data)

    @post_action(
        summary=gettext_lazy("审核销号申请：同意销号或退回（退回须写理由）"),
        request=DecideInput,
        responses=CloseOutSerializer,
    )
    def decide(self, request, pk=None):
        closeout = selectors.closeout_get(user=request.user, pk=pk, action="review")
        return self._decide(DecideInput, services.closeout_decide, closeout=closeout)


@summaries(list=gettext_lazy("范围内的延期申请"), retrieve=gettext_lazy("延期申请详情"))
class ExtensionViewSet(DecideMixin, ScopedReadMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ExtensionSerializer
    filterset_class = ExtensionFilter

    def get_queryset(self):
        return DeadlineExtension.objects.restrict(self.request.user, "view")

    @post_action(
        summary=gettext_lazy("审批延期申请"),
        request=ExtensionDecideInput,
        responses=ExtensionSerializer,
    )
    def decide(self, request, pk=None):
        extension = selectors.extension_get(user=request.user, pk=pk, action="review")
        return self._decide(ExtensionDecideInput, services.extension_decide, extension=extension)
