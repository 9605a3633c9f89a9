"""Output serializers of the research API; inputs live beside their views."""

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from shigan.core.api import DownloadField
from shigan.orgs.api.serializers import UnitRecordSerializer
from shigan.research.models import (
    PlanReview,
    ResearchPlan,
    ResearchResult,
    ResearchTopic,
    ResearchTrip,
)

if TYPE_CHECKING:
    from shigan.orgs.models import Person

__all__ = [
    "TopicSerializer",
    "TopicDetailSerializer",
    "PlanSerializer",
    "ReviewSerializer",
    "TripSerializer",
    "ResultSerializer",
]


class TopicSerializer(UnitRecordSerializer):
    aspect_name = serializers.CharField(source="aspect.name", read_only=True, label=_("方面名称"))
    lead_name = serializers.CharField(source="lead.name", read_only=True, label=_("牵头领导姓名"))

    class Meta:
        model = ResearchTopic
        fields = [
            "id",
            "unit",
            "unit_name",
            "campaign",
            "aspect",
            "aspect_name",
            "title",
            "lead",
            "lead_name",
            "state",
            "created_on",
        ]
        read_only_fields = fields


class ReviewSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.username", read_only=True, label=_("审核人"))

    class Meta:
        model = PlanReview
        fields = ["id", "group", "reviewer", "verdict", "comments", "reviewed_on"]
        read_only_fields = fields


class PlanSerializer(serializers.ModelSerializer):
    reviews = ReviewSerializer(many=True, read_only=True)
    attachment = DownloadField("research:plan_attachment", file="attachment", label=_("附件"))

    class Meta:
        model = ResearchPlan
        fields = ["id", "topic", "version", "text", "attachment", "submitted_on", "reviews"]
        read_only_fields = fields


class TopicDetailSerializer(TopicSerializer):
    participants: "serializers.PrimaryKeyRelatedField[Person]" = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    plans = PlanSerializer(many=True, read_only=True)

    class Meta(TopicSerializer.Meta):
        fields = [*TopicSerializer.Meta.fields, "participants", "plans"]
        read_only_fields = fields


class TripSerializer(serializers.ModelSerializer):
    place_name = serializers.CharField(source="place.name", read_only=True, label=_("地点名称"))
    people: "serializers.PrimaryKeyRelatedField[Person]" = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = ResearchTrip
        fields = ["id", "topic", "unit", "visited_on", "place", "place_name", "people", "findings"]
        read_only_fields = fields


class ResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResearchResult
        fields = ["id", "topic", "unit", "kind", "title", "state", "recorded_on", "adopted_on"]
        read_only_fields = fields
