"""Output serializers of the delivery API; inputs live beside their views. Amounts are
decimal strings in yuan ("19370000000.00"), never JSON floats."""

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shigan.core.api import DownloadField
from shigan.initiatives.measures import quantity_number
from shigan.initiatives.models import (
    Indicator,
    IndicatorReport,
    KeyTask,
    LivelihoodArea,
    LivelihoodItem,
    LivelihoodProgress,
    Milestone,
    Project,
)
from shigan.initiatives.progress import milestone_progress
from shigan.orgs.api.serializers import UnitRecordSerializer

if TYPE_CHECKING:
    from shigan.problems.models import Rule
    from shigan.research.models import ResearchResult

__all__ = [
    "IndicatorSerializer",
    "IndicatorReportSerializer",
    "KeyTaskSerializer",
    "KeyTaskDetailSerializer",
    "MilestoneSerializer",
    "ProjectSerializer",
    "LivelihoodAreaSerializer",
    "LivelihoodItemSerializer",
    "LivelihoodProgressSerializer",
]


class MilestoneSerializer(serializers.ModelSerializer):
    late = serializers.SerializerMethodField(label=_("逾期完成"))
    evidence_file = DownloadField(
        "initiatives:milestone_evidence", file="evidence_file", label=_("佐证材料")
    )

    class Meta:
        model = Milestone
        fields = [
            "id",
            "key_task",
            "ordinal",
            "title",
            "due_on",
            "weight",
            "state",
            "done_on",
            "evidence_note",
            "evidence_file",
            "late",
        ]
        read_only_fields = fields

    def get_late(self, obj) -> bool:
        return obj.is_late()


class KeyTaskProgressSerializer(serializers.Serializer):
    percent = serializers.IntegerField(
        allow_null=True, help_text="按权重计算的进度；null 为未定时间表"
    )
    milestones = serializers.IntegerField()
    done = serializers.IntegerField()
    done_late = serializers.IntegerField()
    overdue = serializers.IntegerField()
    undated = serializers.IntegerField()


class KeyTaskSerializer(UnitRecordSerializer):
    progress = serializers.SerializerMethodField(label=_("进度"))

    class Meta:
        model = KeyTask
        fields = [
            "id",
            "campaign",
            "unit",
            "unit_name",
            "area",
            "title",
            "goal",
            "owner_unit",
            "owner_leader",
            "starts_on",
            "created_on",
            "progress",
        ]
        read_only_fields = fields

    @extend_schema_field(KeyTaskProgressSerializer)
    def get_progress(self, obj) -> dict:
        progress = milestone_progress(obj.milestones.all(), on=timezone.localdate())
        return KeyTaskProgressSerializer(progress).data


class KeyTaskDetailSerializer(KeyTaskSerializer):
    milestones = MilestoneSerializer(many=True, read_only=True)
    task_book_file = DownloadField(
        "initiatives:task_book", file="task_book_file", label=_("任务书附件")
    )
    roadmap = serializers.SerializerMethodField(label=_("路线图"))
    results: "serializers.PrimaryKeyRelatedField[ResearchResult]" = (
        serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    )
    rules: "serializers.PrimaryKeyRelatedField[Rule]" = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta(KeyTaskSerializer.Meta):
        fields = [
            *KeyTaskSerializer.Meta.fields,
            "roadmap",
            "task_book_text",
            "task_book_file",
            "milestones",
            "results",
            "rules",
        ]
        read_only_fields = fields

    def get_roadmap(self, obj) -> list[str]:
        return obj.roadmap_steps()


class ProjectSerializer(UnitRecordSerializer):
    """A project (项目) of a unit, for a key task or none; its funds in yuan, as decimal strings."""

    class Meta:
        model = Project
        fields = [
            "id",
            "campaign",
            "key_task",
            "unit",
            "unit_name",
            "area",
            "name",
            "kind",
            "fund_source",
            "funds_allocated",
            "funds_disbursed",
            "state",
            "approved_on",
            "started_on",
            "finished_on",
        ]
        read_only_fields = fields


class LivelihoodAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = LivelihoodArea
        fields = ["id", "campaign", "name", "ordinal"]
        read_only_fields = fields


class LivelihoodItemSerializer(UnitRecordSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True, label=_("民生领域"))

    class Meta:
        model = LivelihoodItem
        fields = [
            "id",
            "campaign",
            "number",
            "area",
            "area_name",
            "title",
            "unit",
            "unit_name",
            "target",
            "deadline",
            "state",
            "progress_percent",
            "listed_on",
        ]
        read_only_fields = fields


class LivelihoodProgressSerializer(serializers.ModelSerializer):
    class Meta:
        model = LivelihoodProgress
        fields = ["id", "item", "text", "percent", "reported_on"]
        read_only_fields = fields


class IndicatorSerializer(serializers.ModelSerializer):
    measure_label = serializers.CharField(read_only=True, label=_("计量单位名称"))
    target = serializers.SerializerMethodField(label=_("目标值"))

    class Meta:
        model = Indicator
        fields = ["id", "key_task", "name", "measure", "measure_label", "target"]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True, "example": "53100"})
    def get_target(self, indicator) -> str | None:
        return None if indicator.target is None else quantity_number(indicator.target)


class IndicatorReportSerializer(serializers.ModelSerializer):
    value = serializers.SerializerMethodField(label=_("数值（指标的计量单位）"))
    text = serializers.CharField(source="value_text", read_only=True, label=_("数值及单位"))

    class Meta:
        model = IndicatorReport
        fields = ["id", "indicator", "project", "value", "text", "entered", "reported_on", "note"]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "example": "231"})
    def get_value(self, report) -> str:
        return quantity_number(report.value)
