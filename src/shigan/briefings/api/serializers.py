from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from shigan.briefings.models import Briefing, BriefingFigure, BriefingTemplate
from shigan.orgs.api.serializers import UnitRecordSerializer

__all__ = ["BriefingSerializer", "BriefingDetailSerializer", "TemplateSerializer"]


class FigureSerializer(serializers.ModelSerializer):
    record_count = serializers.SerializerMethodField(label=_("记录数"))

    class Meta:
        model = BriefingFigure
        fields = ["key", "row", "label", "value", "amount", "total", "text", "record_count"]
        read_only_fields = fields

    def get_record_count(self, obj) -> int:
        return len(obj.record_ids)


class BriefingSerializer(UnitRecordSerializer):
    """A work briefing (工作简报) of a unit as of a day, rendered from a template. A draft until
    issued: issuing computes its figures once more and freezes its text and figures."""

    class Meta:
        model = Briefing
        fields = [
            "id",
            "campaign",
            "unit",
            "unit_name",
            "batch",
            "template",
            "as_of",
            "title",
            "state",
            "issued_at",
        ]
        read_only_fields = fields


class BriefingDetailSerializer(BriefingSerializer):
    figures = FigureSerializer(many=True, read_only=True)

    class Meta(BriefingSerializer.Meta):
        fields = [*BriefingSerializer.Meta.fields, "text", "figures"]
        read_only_fields = fields


class TemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = BriefingTemplate
        fields = ["id", "campaign", "name", "title", "text", "is_default", "updated_at"]
        read_only_fields = fields
