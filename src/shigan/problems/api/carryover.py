"""POST /api/problems/carry-over/: carry chosen problems (or every candidate under a unit) of an
earlier campaign into a campaign; GET lists the candidates."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from shigan.campaigns.selectors import campaign_get
from shigan.core.api import parse
from shigan.orgs.selectors import unit_get
from shigan.problems.api.serializers import ProblemSerializer
from shigan.problems.carryover import carry_over_candidates, problems_carry_over
from shigan.problems.errors import ErrorCode

__all__ = ["CarryOverView"]


class CandidatesQuery(serializers.Serializer):
    campaign = serializers.IntegerField(min_value=1, label=gettext_lazy("转入的主题教育"))
    source = serializers.IntegerField(min_value=1, label=gettext_lazy("转出的主题教育"))  # type: ignore[assignment]  # a field named "source": DRF's metaclass takes declared fields off the class
    unit = serializers.IntegerField(
        min_value=1, required=False, label=gettext_lazy("单位（转入其及下级的全部候选问题）")
    )


class CarryOverInput(CandidatesQuery):
    problems = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        label=gettext_lazy("转入的问题"),
    )
    day = serializers.DateField(label=gettext_lazy("转入日期"))
    deadline = serializers.DateField(
        required=False, allow_null=True, label=gettext_lazy("新的整改时限")
    )


class CarriedSerializer(ProblemSerializer):
    class Meta(ProblemSerializer.Meta):
        fields = [*ProblemSerializer.Meta.fields, "carried_from", "carried_on"]


def _candidates(user, data: dict):
    campaign = campaign_get(user=user, pk=data["campaign"])
    source = campaign_get(user=user, pk=data["source"])
    unit = unit_get(user=user, pk=data["unit"]) if data.get("unit") else None
    return campaign, carry_over_candidates(user=user, campaign=campaign, source=source, unit=unit)


class CarryOverView(APIView):
    @extend_schema(
        summary=gettext_lazy("可转入的问题"),
        parameters=[
            OpenApiParameter("campaign", int, required=True),
            OpenApiParameter("source", int, required=True),
            OpenApiParameter("unit", int),
        ],  # the first 500, in the order of the tree
        responses={200: CarriedSerializer(many=True)},
    )
    def get(self, request):
        data = parse(CandidatesQuery, request.query_params)
        _campaign, candidates = _candidates(request.user, data)
        return Response(CarriedSerializer(candidates[:500], many=True).data)

    @extend_schema(
        summary=gettext_lazy("转入问题（活动办）"),
        request=CarryOverInput,
        responses={201: CarriedSerializer(many=True)},
    )
    def post(self, request):
        data = parse(CarryOverInput, request.data)
        campaign, candidates = _candidates(request.user, data)
        if data.get("problems"):
            chosen = list(candidates.filter(pk__in=data["problems"]))
            if len(chosen) != len(set(data["problems"])):
                raise exceptions.ValidationError(
                    {"problems": [_("有问题不存在、不可转入或不在所选单位范围内。")]},
                    code=ErrorCode.NOT_CANDIDATE,
                )
        elif data.get("unit"):
            chosen = list(candidates)
        else:
            raise exceptions.ValidationError(
                {"problems": [_("请选择问题，或指定单位转入其全部候选问题。")]},
                code=ErrorCode.REQUIRED,
            )
        carried = problems_carry_over(
            actor=request.user,
            problems=chosen,
            campaign=campaign,
            day=data["day"],
            deadline=data.get("deadline"),
        )
        return Response(CarriedSerializer(carried, many=True).data, status=status.HTTP_201_CREATED)
