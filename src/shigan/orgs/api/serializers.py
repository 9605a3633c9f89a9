"""Output serializers shared by the endpoints; inputs live beside their views."""

from typing import TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from shigan.orgs.models import Membership, Person, Unit

__all__ = ["UnitRecordSerializer", "UnitSerializer", "MembershipSerializer", "PersonSerializer"]

_M = TypeVar("_M", bound=models.Model)


# A record a unit owns, with the unit's name beside its id so that a reader of the API needs no
# second call; `Meta.fields` lists "unit_name" where it should appear. (A comment, not a
# docstring: the schema would show a docstring as every subclass's description.)
class UnitRecordSerializer(serializers.ModelSerializer[_M]):
    unit_name = serializers.CharField(source="unit.name", read_only=True, label=_("单位名称"))


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


class MembershipSerializer(UnitRecordSerializer[Membership]):
    username = serializers.CharField(source="user.username", read_only=True, label=_("用户名"))

    class Meta:
        model = Membership
        fields = ["id", "username", "unit", "unit_name", "role", "granted_at"]
        read_only_fields = fields


class PersonSerializer(UnitRecordSerializer[Person]):
    class Meta:
        model = Person
        fields = ["id", "name", "unit", "unit_name", "post", "rank", "phone", "active"]
        read_only_fields = fields
