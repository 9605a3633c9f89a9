"""Output serializers of the petitions API; inputs live beside their views. Petitioners come
from `services.petitioners_read` (masked unless the caller holds the right; audited)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shigan.orgs.api.serializers import UnitRecordSerializer
from shigan.petitions.models import Agent, Petition

__all__ = ["PetitionerSerializer", "PetitionSerializer", "AgentSerializer"]


class PetitionerSerializer(serializers.Serializer):
    name = serializers.CharField(label=_("姓名"))
    id_number = serializers.CharField(label=_("身份证号"))
    phone = serializers.CharField(label=_("联系电话"))
    address = serializers.CharField(label=_("住址"))
    masked = serializers.BooleanField(label=_("已脱敏"))


class PetitionSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True, label=_("登记单位名称"))
    handling_unit_name = serializers.CharField(
        source="handling_unit.name", read_only=True, label=_("办理单位名称")
    )
    petitioners = serializers.SerializerMethodField(label=_("信访人"))

    class Meta:
        model = Petition
        fields = [
            "id",
            "number",
            "unit",
            "unit_name",
            "received_on",
            "channel",
            "title",
            "request",
            "kind",
            "category",
            "first_time",
            "intake_agent",
            "handling_unit",
            "handling_unit_name",
            "state",
            "routed_on",
            "accepted_on",
            "notified_on",
            "due_on",
            "light",
            "replied_on",
            "reply_text",
            "told_by",
            "told_on",
            "resolved_locally",
            "replied_on_time",
            "satisfaction",
            "rated_on",
            "petitioners",
        ]
        read_only_fields = fields

    @extend_schema_field(PetitionerSerializer(many=True))
    def get_petitioners(self, obj) -> list[dict]:
        people = self.context.get("petitioners", {}).get(obj.pk, [])
        # many=True gives a ReturnList; the stubs type every serializer's data as a dict.
        return PetitionerSerializer(people, many=True).data  # type: ignore[return-value]


class AgentSerializer(UnitRecordSerializer):
    username = serializers.CharField(source="user.username", read_only=True, label=_("用户名"))

    class Meta:
        model = Agent
        fields = ["id", "user", "username", "unit", "unit_name", "level", "active", "appointed_on"]
        read_only_fields = fields
