"""Output serializers shared by the endpoints; inputs live beside their views."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from shigan.orgs.models import Membership, Person, Unit

__all__ = ["UnitSerializer", "MembershipSerializer", "PersonSerializer"]


class UnitSerializer(serializers.ModelSerializer[Unit]):
    parent_id = serializers.IntegerField(
        source="parent_pk", read_only=True, allow_null=True, label=_("上级单位")
    )

    class Meta:
        model = Unit
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "division_code",
            "division_level",
            "depth",
            "numchild",
            "active",
            "parent_id",
        ]
        read_only_fields = fields


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    username = serializers.CharField(source="user.username", read_only=True, label=_("用户名"))
    unit_name = serializers.CharField(source="unit.name", read_only=True, label=_("单位名称"))

    class Meta:
        model = Membership
        fields = ["id", "username", "unit", "unit_name", "role", "granted_at"]
        read_only_fields = fields


class PersonSerializer(serializers.ModelSerializer[Person]):
    unit_name = serializers.CharField(source="unit.name", read_only=True, label=_("单位名称"))

    class Meta:
        model = Person
        fields = ["id", "name", "unit", "unit_name", "post", "rank", "phone", "active"]
        read_only_fields = fields
