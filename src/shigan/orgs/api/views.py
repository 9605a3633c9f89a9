"""The units and role-grants API. Views parse, call one selector or service, and render."""

from typing import Any

from django.db.models import IntegerField, QuerySet, Value
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from shigan.accounts.requests import signed_in_user
from shigan.accounts.selectors import active_user_by_username
from shigan.core.api import ListRetrieveDestroyViewSet, parse, summaries
from shigan.core.pagination import CursorPagination
from shigan.orgs import selectors, services
from shigan.orgs.api.serializers import MembershipSerializer, PersonSerializer, UnitSerializer
from shigan.orgs.choices import PersonRank, Role, UnitKind
from shigan.orgs.errors import ErrorCode
from shigan.orgs.filters import MembershipFilter, PersonFilter, UnitFilter
from shigan.orgs.models import Membership, Person, Unit
from shigan.orgs.permissions import user_can
from shigan.orgs.scoping import Viewer

__all__ = ["UnitViewSet", "MembershipViewSet", "PersonViewSet"]

SEARCH_LIMIT_MAX = 50


def _require(user: Viewer, action_name: str, unit: Unit, message: str) -> None:
    """403 for a unit the user sees but may not `action_name` on (one not seen is already 404)."""
    if not user_can(user, action_name, unit):
        raise exceptions.PermissionDenied(message)


@summaries(list=gettext_lazy("范围内的单位（按路径分页）"), retrieve=gettext_lazy("单位详情"))
class UnitViewSet(viewsets.ReadOnlyModelViewSet[Unit]):
    """Units in the caller's scope; a unit outside it is 404."""

    serializer_class = UnitSerializer
    queryset = Unit.objects.none()
    pagination_class = CursorPagination
    cursor_ordering = "path"
    filter_backends = [DjangoFilterBackend]
    filterset_class = UnitFilter

    class UnitPartialUpdateInput(serializers.Serializer[dict[str, Any]]):
        name = serializers.CharField(max_length=100, required=False, label=gettext_lazy("名称"))
        short_name = serializers.CharField(
            max_length=50, required=False, allow_blank=True, label=gettext_lazy("简称")
        )
        kind = serializers.ChoiceField(
            choices=UnitKind.choices, required=False, label=gettext_lazy("类型")
        )
        active = serializers.BooleanField(required=False, label=gettext_lazy("有效"))

    class UnitSearchInput(serializers.Serializer[dict[str, Any]]):
        q = serializers.CharField(max_length=100, label=gettext_lazy("名称或拼音首字母"))
        limit = serializers.IntegerField(
            min_value=1, max_value=SEARCH_LIMIT_MAX, default=20, label=gettext_lazy("条数")
        )

    class UnitSearchOutput(serializers.ModelSerializer[Unit]):
        class Meta:
            model = Unit
            fields = ["id", "name", "short_name", "kind", "division_code", "depth", "numchild"]
            read_only_fields = fields

    def get_queryset(self) -> QuerySet[Unit]:
        return selectors.with_parent_pk(Unit.objects.restrict(self.request.user, "view"))

    @extend_schema(
        summary=gettext_lazy("修改单位"),
        request=UnitPartialUpdateInput,
        responses={200: UnitSerializer},
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        unit = self.get_object()
        _require(request.user, "change", unit, _("您没有修改该单位的权限。"))
        data = parse(self.UnitPartialUpdateInput, request.data)
        # Only the fields sent: the others are left as they are under the lock, not as read here.
        services.unit_update(actor=signed_in_user(request), unit=unit, **data)
        return Response(UnitSerializer(self.get_object()).data)

    @extend_schema(
        summary=gettext_lazy("下级单位（按路径分页）"), responses=UnitSerializer(many=True)
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def children(self, request: Request, pk: str | None = None) -> Response:
        unit = self.get_object()
        children = selectors.unit_child_list(user=request.user, unit=unit).annotate(
            parent_pk=Value(unit.pk, output_field=IntegerField())
        )
        page = self.paginate_queryset(children)
        return self.get_paginated_response(UnitSerializer(page, many=True).data)

    @extend_schema(
        summary=gettext_lazy("在本单位及其下级中按名称或拼音首字母搜索"),
        parameters=[UnitSearchInput],
        responses=UnitSearchOutput(many=True),
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def search(self, request: Request, pk: str | None = None) -> Response:
        unit = self.get_object()
        query = parse(self.UnitSearchInput, request.query_params)
        units = selectors.unit_search(
            user=request.user, query=query["q"], limit=query["limit"], under=unit
        )
        return Response(self.UnitSearchOutput(units, many=True).data)


@summaries(
    list=gettext_lazy("范围内单位上的角色授权"),
    retrieve=gettext_lazy("角色授权详情"),
    destroy=gettext_lazy("撤销角色（需要管理权限）"),
)
class MembershipViewSet(ListRetrieveDestroyViewSet[Membership]):
    """Role grants on the units the caller sees; granting and revoking need the manage right."""

    serializer_class = MembershipSerializer
    queryset = Membership.objects.none()
    pagination_class = CursorPagination
    cursor_ordering = "id"
    filter_backends = [DjangoFilterBackend]
    filterset_class = MembershipFilter

    class MembershipCreateInput(serializers.Serializer[dict[str, Any]]):
        username = serializers.CharField(max_length=150, label=gettext_lazy("用户名"))
        unit = serializers.IntegerField(min_value=1, label=gettext_lazy("单位"))
        role = serializers.ChoiceField(choices=Role.choices, label=gettext_lazy("角色"))

    def get_queryset(self) -> QuerySet[Membership]:
        return selectors.membership_scoped_list(user=self.request.user)

    @extend_schema(
        summary=gettext_lazy("授予角色（需要管理权限）"),
        request=MembershipCreateInput,
        responses={201: MembershipSerializer},
    )
    def create(self, request: Request) -> Response:
        data = parse(self.MembershipCreateInput, request.data)
        unit = selectors.unit_get(user=request.user, pk=data["unit"])
        _require(request.user, "manage", unit, _("您没有在该单位授予角色的权限。"))
        user = active_user_by_username(data["username"])
        if user is None:
            raise exceptions.ValidationError(
                {"username": [_("没有名为“%(name)s”的有效用户。") % {"name": data["username"]}]},
                code=ErrorCode.UNKNOWN_USER,
            )
        membership = services.membership_grant(
            actor=signed_in_user(request), user=user, unit=unit, role=data["role"]
        )
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, pk: str | None = None) -> Response:
        membership = self.get_object()
        _require(request.user, "manage", membership.unit, _("您没有在该单位撤销角色的权限。"))
        services.membership_revoke(actor=signed_in_user(request), membership=membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PersonInput(serializers.Serializer[dict[str, Any]]):
    unit = serializers.IntegerField(min_value=1, label=gettext_lazy("单位"))
    name = serializers.CharField(max_length=50, label=gettext_lazy("姓名"))
    post = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", label=gettext_lazy("职务")
    )
    rank = serializers.ChoiceField(
        choices=PersonRank.choices, default=PersonRank.OTHER, label=gettext_lazy("职级")
    )
    phone = serializers.CharField(
        max_length=30, required=False, allow_blank=True, default="", label=gettext_lazy("联系电话")
    )


class PersonPartialInput(PersonInput):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required, field.default = False, serializers.empty


class PersonListInput(serializers.Serializer[dict[str, Any]]):
    q = serializers.CharField(
        max_length=50, required=False, default="", label=gettext_lazy("姓名或拼音首字母")
    )
    inactive = serializers.BooleanField(
        required=False, default=False, label=gettext_lazy("包括已停用人员")
    )


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("范围内的人员（可按姓名或拼音首字母查找）"),
        parameters=[PersonListInput],
    ),
    retrieve=extend_schema(summary=gettext_lazy("人员详情")),
)
class PersonViewSet(viewsets.ReadOnlyModelViewSet[Person]):
    """The roster of the units the caller sees; a person outside them is 404. Writing needs the
    record right on the person's unit."""

    serializer_class = PersonSerializer
    queryset = Person.objects.none()
    pagination_class = CursorPagination
    cursor_ordering = "id"
    filter_backends = [DjangoFilterBackend]
    filterset_class = PersonFilter

    def get_queryset(self) -> QuerySet[Person]:
        if self.action != "list":
            return selectors.person_scoped_list(user=self.request.user, include_inactive=True)
        query = parse(PersonListInput, self.request.query_params)
        return selectors.person_scoped_list(
            user=self.request.user, query=query["q"], include_inactive=query["inactive"]
        )

    def _unit(self, pk: int) -> Unit:
        unit = selectors.unit_get(user=self.request.user, pk=pk)
        _require(self.request.user, "record", unit, _("您没有在该单位登记人员的权限。"))
        return unit

    @extend_schema(
        summary=gettext_lazy("登记人员"),
        request=PersonInput,
        responses={201: PersonSerializer},
    )
    def create(self, request: Request) -> Response:
        data = parse(PersonInput, request.data)
        unit = self._unit(data.pop("unit"))
        person = services.person_create(actor=signed_in_user(request), unit=unit, **data)
        return Response(PersonSerializer(person).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("修改人员信息"),
        request=PersonPartialInput,
        responses={200: PersonSerializer},
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        person = self.get_object()
        _require(request.user, "record", person.unit, _("您没有在该单位修改人员的权限。"))
        data = parse(PersonPartialInput, request.data)
        if "unit" in data:
            data["unit"] = self._unit(data["unit"])
        # Only the fields sent: the others are left as they are under the lock, not as read here.
        person = services.person_update(actor=signed_in_user(request), person=person, **data)
        return Response(PersonSerializer(person).data)

    @extend_schema(summary=gettext_lazy("停用人员"), request=None, responses=PersonSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: str | None = None) -> Response:
        person = services.person_deactivate(actor=signed_in_user(request), person=self.get_object())
        return Response(PersonSerializer(person).data)

    @extend_schema(summary=gettext_lazy("恢复在册"), request=None, responses=PersonSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request: Request, pk: str | None = None) -> Response:
        person = services.person_reactivate(actor=signed_in_user(request), person=self.get_object())
        return Response(PersonSerializer(person).data)
