from rest_framework import serializers

from shigan.orgs.choices import UnitKind
from shigan.orgs.models import Membership, Unit

__all__ = ["UnitSerializer", "UnitUpdateSerializer", "MembershipSerializer"]


class UnitSerializer(serializers.ModelSerializer):
    parent_id = serializers.IntegerField(source="parent_pk", read_only=True, allow_null=True)

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


class UnitUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    short_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=UnitKind.choices)
    active = serializers.BooleanField(required=False, default=True)


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "username", "unit", "role", "granted_at"]
        read_only_fields = fields
