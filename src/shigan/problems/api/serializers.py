"""Output serializers of the problems API; inputs live beside their views."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shigan.orgs.api.serializers import UnitRecordSerializer
from shigan.problems.models import (
    CloseOut,
    DeadlineExtension,
    Evidence,
    Measure,
    Problem,
    ProblemTransition,
    ProgressReport,
    Rule,
    SpecialProgram,
)

__all__ = [
    "ProblemSerializer",
    "ProblemDetailSerializer",
    "MeasureSerializer",
    "ReportSerializer",
    "EvidenceSerializer",
    "CloseOutSerializer",
    "ExtensionSerializer",
    "TransitionSerializer",
    "SpecialProgramSerializer",
    "RuleSerializer",
]


class ProblemSerializer(UnitRecordSerializer):
    aspect_name = serializers.CharField(
        source="aspect.name", read_only=True, default=None, allow_null=True, label=_("方面名称")
    )
    responsible_name = serializers.CharField(
        source="responsible.name",
        read_only=True,
        default=None,
        allow_null=True,
        label=_("责任领导姓名"),
    )

    class Meta:
        model = Problem
        fields = [
            "id",
            "unit",
            "unit_name",
            "campaign",
            "aspect",
            "aspect_name",
            "research_topic",
            "special_program",
            "source",
            "title",
            "description",
            "responsible",
            "responsible_name",
            "found_on",
            "term",
            "deadline",
            "deadline_workdays",
            "next_checkpoint",
            "state",
            "progress_percent",
            "light",
            "light_on",
        ]
        read_only_fields = fields


class MeasureSerializer(serializers.ModelSerializer):
    """A rectification measure (整改措施) of a problem. `open_reason`: why it was left unfinished
    when a close-out of the problem was requested."""

    owner_name = serializers.CharField(
        source="owner.name", read_only=True, default=None, allow_null=True, label=_("责任人姓名")
    )

    class Meta:
        model = Measure
        fields = [
            "id",
            "problem",
            "text",
            "owner",
            "owner_name",
            "deadline",
            "state",
            "done_on",
            "open_reason",
            "added_on",
        ]
        read_only_fields = fields


class EvidenceSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField(label=_("下载地址"))

    class Meta:
        model = Evidence
        fields = [
            "id",
            "problem",
            "progress_report",
            "closeout",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "download",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_download(self, obj) -> str:
        return reverse("problems-evidence-download", args=[obj.pk])


class ReportSerializer(serializers.ModelSerializer):
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressReport
        fields = ["id", "problem", "text", "percent", "reported_on", "evidence"]
        read_only_fields = fields


class CloseOutSerializer(serializers.ModelSerializer):
    submitted_by = serializers.CharField(
        source="submitted_by.username",
        read_only=True,
        default=None,
        allow_null=True,
        label=_("申请人"),
    )
    decided_by = serializers.CharField(
        source="decided_by.username",
        read_only=True,
        default=None,
        allow_null=True,
        label=_("审核人"),
    )

    class Meta:
        model = CloseOut
        fields = [
            "id",
            "problem",
            "summary",
            "submitted_by",
            "submitted_on",
            "state",
            "decided_by",
            "decided_on",
            "reason",
        ]
        read_only_fields = fields


class ExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeadlineExtension
        fields = [
            "id",
            "problem",
            "requested_on",
            "old_deadline",
            "new_deadline",
            "reason",
            "state",
            "decided_on",
            "decision_note",
        ]
        read_only_fields = fields


class TransitionSerializer(serializers.ModelSerializer):
    """One state change of the problem. The first one, from `from_state` "", records how the
    problem entered the ledger."""

    actor = serializers.CharField(
        source="actor.username", read_only=True, default=None, allow_null=True, label=_("操作人")
    )

    class Meta:
        model = ProblemTransition
        fields = ["from_state", "to_state", "day", "at", "actor", "comment"]
        read_only_fields = fields


class ProblemDetailSerializer(ProblemSerializer):
    measures = MeasureSerializer(many=True, read_only=True)
    reports = ReportSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    closeouts = CloseOutSerializer(many=True, read_only=True)
    extensions = ExtensionSerializer(many=True, read_only=True)
    transitions = TransitionSerializer(many=True, read_only=True)

    class Meta(ProblemSerializer.Meta):
        fields = [
            *ProblemSerializer.Meta.fields,
            "measures",
            "reports",
            "evidence",
            "closeouts",
            "extensions",
            "transitions",
        ]
        read_only_fields = fields


class SpecialProgramSerializer(serializers.ModelSerializer):
    lead_unit_name = serializers.CharField(
        source="lead_unit.name", read_only=True, label=_("牵头单位名称")
    )

    class Meta:
        model = SpecialProgram
        fields = ["id", "campaign", "name", "lead_unit", "lead_unit_name", "plan", "created_on"]
        read_only_fields = fields


class RuleSerializer(serializers.ModelSerializer):
    problems: "serializers.PrimaryKeyRelatedField[Problem]" = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = Rule
        fields = [
            "id",
            "campaign",
            "unit",
            "title",
            "kind",
            "state",
            "issued_on",
            "created_on",
            "problems",
        ]
        read_only_fields = fields
