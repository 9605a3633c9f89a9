"""The promotion API (成果推广): promote a result, read promotions with their figures by
subtree, list the promoted units' answers and answer for one. Views parse, call one selector or
service, and render."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shigan.core.api import parse, summaries
from shigan.core.pagination import CursorPagination
from shigan.orgs.api.serializers import UnitRecordSerializer
from shigan.orgs.choices import UnitKind
from shigan.orgs.models import Unit
from shigan.orgs.permissions import user_can
from shigan.research import selectors, services
from shigan.research.choices import AdoptionState
from shigan.research.errors import ErrorCode
from shigan.research.models import PromotionTarget, ResultPromotion

__all__ = ["PromotionViewSet", "TargetViewSet", "PromoteInput", "promote"]


class PromoteInput(serializers.Serializer):
    scopes = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        label=gettext_lazy("推广范围（单位编号）"),
    )
    target_kind = serializers.ChoiceField(
        choices=UnitKind.choices,
        default=UnitKind.VILLAGE,
        label=gettext_lazy("推广到哪一级单位"),
    )
    units = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        label=gettext_lazy("另加单位（单位编号）"),
    )
    deadline = serializers.DateField(label=gettext_lazy("反馈期限"))
    promoted_on = serializers.DateField(required=False, label=gettext_lazy("推广日期"))
    note = serializers.CharField(
        required=False, allow_blank=True, default="", label=gettext_lazy("推广要求")
    )


class ReportInput(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=[AdoptionState.ADOPTED, AdoptionState.NOT_APPLICABLE],
        label=gettext_lazy("采用情况"),
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", label=gettext_lazy("反馈说明")
    )
    day = serializers.DateField(required=False, label=gettext_lazy("反馈日期"))


class PromotionSerializer(serializers.ModelSerializer):
    result_title = serializers.CharField(source="result.title", read_only=True)

    class Meta:
        model = ResultPromotion
        fields = [
            "id",
            "result",
            "result_title",
            "unit",
            "campaign",
            "scopes",
            "target_kind",
            "promoted_on",
            "deadline",
            "note",
        ]
        read_only_fields = fields


class TargetSerializer(UnitRecordSerializer):
    class Meta:
        model = PromotionTarget
        fields = ["id", "promotion", "unit", "unit_name", "state", "reported_on", "note"]
        read_only_fields = fields


class PromotionFigureRowSerializer(serializers.Serializer):
    unit = serializers.IntegerField(allow_null=True, source="unit.pk", default=None)
    unit_name = serializers.CharField(allow_null=True, source="unit.name", default=None)
    promoted = serializers.IntegerField()
    adopted = serializers.IntegerField()


class PromotionFigureSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit.pk")
    promoted = serializers.IntegerField()
    adopted = serializers.IntegerField()
    rows = PromotionFigureRowSerializer(many=True)


def _units(user, ids, field):
    """Units named by id: any unit of the tree (the service checks the campaign)."""
    found = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise exceptions.ValidationError(
            {field: [_("找不到单位：%(ids)s。") % {"ids": ", ".join(map(str, missing))}]},
            code=ErrorCode.UNKNOWN_UNIT,
        )
    return [found[i] for i in ids]


def promote(request, result) -> Response:
    """POST results/{id}/promote: the body of `ResultViewSet.promote`."""
    if not user_can(request.user, "record", result.unit):
        raise exceptions.PermissionDenied(_("您没有在该单位登记调研的权限。"))
    data = parse(PromoteInput, request.data)
    promotion = services.result_promote(
        actor=request.user,
        result=result,
        scopes=_units(request.user, data["scopes"], "scopes"),
        target_kind=data["target_kind"],
        units=_units(request.user, data["units"], "units"),
        deadline=data["deadline"],
        promoted_on=data.get("promoted_on"),
        note=data["note"],
    )
    return Response(PromotionSerializer(promotion).data, status=status.HTTP_201_CREATED)


@summaries(list=gettext_lazy("范围内的成果推广"), retrieve=gettext_lazy("成果推广详情"))
class PromotionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PromotionSerializer
    pagination_class = CursorPagination
    cursor_ordering = "-id"
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return selectors.promotion_list(user=self.request.user)

    @extend_schema(
        summary=gettext_lazy("推广采用情况（按下级单位）"),
        parameters=[OpenApiParameter("unit", int, description=gettext_lazy("单位编号"))],
        responses=PromotionFigureSerializer,
    )
    @action(detail=True, methods=["get"])
    def figure(self, request, pk=None):
        promotion = selectors.promotion_get(user=request.user, pk=pk)
        unit_pk = request.query_params.get("unit")
        unit = selectors.promotion_unit(user=request.user, promotion=promotion, pk=unit_pk)
        figure = selectors.promotion_figure(user=request.user, promotion=promotion, unit=unit)
        return Response(PromotionFigureSerializer(figure).data)


@summaries(list=gettext_lazy("范围内的推广对象及其反馈"), retrieve=gettext_lazy("推广对象详情"))
class TargetViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TargetSerializer
    pagination_class = CursorPagination
    cursor_ordering = "-id"
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        targets = PromotionTarget.objects.restrict(self.request.user, "view").select_related("unit")
        promotion = self.request.query_params.get("promotion")
        if promotion and promotion.isdigit():
            targets = targets.filter(promotion_id=int(promotion))
        return targets

    @extend_schema(
        summary=gettext_lazy("反馈采用情况"), request=ReportInput, responses=TargetSerializer
    )
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        target = self.get_object()
        # refused before the body is read (the service checks again)
        if not user_can(request.user, "record", target.unit):
            raise exceptions.PermissionDenied(_("您没有为该单位反馈采用情况的权限。"))
        data = parse(ReportInput, request.data)
        target = services.promotion_report(actor=request.user, target=target, **data)
        return Response(TargetSerializer(target).data)
