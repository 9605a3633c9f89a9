"""Output serializers of the campaigns API; inputs live beside their views."""

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from shigan.campaigns.models import (
    Aspect,
    Batch,
    Campaign,
    GuidanceGroup,
    GuidanceVisit,
    Participation,
)
from shigan.orgs.api.serializers import UnitRecordSerializer

if TYPE_CHECKING:
    from shigan.accounts.models import User
    from shigan.orgs.models import Unit

__all__ = [
    "CampaignSerializer",
    "BatchSerializer",
    "ParticipationSerializer",
    "AspectSerializer",
    "GroupSerializer",
    "VisitSerializer",
]


class CampaignSerializer(serializers.ModelSerializer):
    root_unit_name = serializers.CharField(
        source="root_unit.name", read_only=True, label=_("牵头单位名称")
    )

    class Meta:
        model = Campaign
        fields = ["id", "name", "root_unit", "root_unit_name", "starts_on", "ends_on", "state"]
        read_only_fields = fields


class BatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = Batch
        fields = ["id", "campaign", "name", "ordinal", "starts_on", "ends_on"]
        read_only_fields = fields


class ParticipationSerializer(UnitRecordSerializer):
    class Meta:
        model = Participation
        fields = ["id", "batch", "unit", "unit_name", "enrolled_on"]
        read_only_fields = fields


class AspectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Aspect
        fields = ["id", "campaign", "kind", "name", "ordinal"]
        read_only_fields = fields


class GroupSerializer(serializers.ModelSerializer):
    members: "serializers.SlugRelatedField[User]" = serializers.SlugRelatedField(
        slug_field="username", many=True, read_only=True, label=_("成员")
    )
    units: "serializers.PrimaryKeyRelatedField[Unit]" = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, label=_("联系单位")
    )

    class Meta:
        model = GuidanceGroup
        fields = ["id", "campaign", "name", "members", "units"]
        read_only_fields = fields


class VisitSerializer(UnitRecordSerializer):
    class Meta:
        model = GuidanceVisit
        fields = ["id", "group", "unit", "unit_name", "visited_on", "purpose", "notes"]
        read_only_fields = fields
