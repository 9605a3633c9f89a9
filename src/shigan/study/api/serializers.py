from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from shigan.orgs.api.serializers import UnitRecordSerializer
from shigan.orgs.models import Person
from shigan.study.models import StudyActivity

__all__ = ["StudyActivitySerializer", "PersonOptionSerializer"]


class PersonOptionSerializer(UnitRecordSerializer):
    class Meta:
        model = Person
        fields = ["id", "name", "post", "rank", "unit", "unit_name"]
        read_only_fields = fields


class StudyActivitySerializer(UnitRecordSerializer):
    leaders = serializers.SerializerMethodField(label=_("参加领导"))
    has_attachment = serializers.SerializerMethodField(label=_("有附件"))

    class Meta:
        model = StudyActivity
        fields = [
            "id",
            "unit",
            "unit_name",
            "campaign",
            "kind",
            "title",
            "held_on",
            "ends_on",
            "participants",
            "leaders",
            "notes",
            "has_attachment",
            "created_at",
        ]
        read_only_fields = fields

    def get_leaders(self, obj) -> list[int]:
        return sorted(p.pk for p in obj.leaders.all())

    def get_has_attachment(self, obj) -> bool:
        return bool(obj.attachment)
