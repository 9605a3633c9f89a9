"""三员分立 over the API: accounts are the system administrator's, system roles the security
administrator's. Anyone else gets the app's 404 (the resource is not theirs to see)."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from shigan.accounts import selectors, services
from shigan.accounts.choices import SystemRole
from shigan.accounts.models import User
from shigan.accounts.requests import signed_in_user
from shigan.core.api import parse, summaries

__all__ = ["AccountViewSet"]


class AccountOutput(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ["id", "username", "full_name", "system_role", "is_active", "is_superuser"]
        read_only_fields = fields


class AccountCreateInput(serializers.Serializer[None]):
    username = serializers.CharField(max_length=150, label=gettext_lazy("用户名"))
    full_name = serializers.CharField(
        max_length=100, required=False, allow_blank=True, label=gettext_lazy("姓名")
    )
    password = serializers.CharField(label=gettext_lazy("初始密码"), write_only=True)


class SystemRoleInput(serializers.Serializer[None]):
    system_role = serializers.ChoiceField(
        choices=SystemRole.choices, allow_blank=True, label=gettext_lazy("系统角色")
    )


@summaries(
    list=gettext_lazy("账号列表（系统管理员）"), retrieve=gettext_lazy("账号详情（系统管理员）")
)
class AccountViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[User]
):
    serializer_class = AccountOutput
    queryset = User.objects.none()
    cursor_ordering = "username"

    def get_queryset(self) -> QuerySet[User]:
        power = "security" if self.action == "system_role" else "accounts"
        return selectors.account_list(user=self.request.user, power=power)

    @extend_schema(
        summary=gettext_lazy("创建账号（系统管理员）"),
        request=AccountCreateInput,
        responses={201: AccountOutput},
    )
    def create(self, request: Request) -> Response:
        self.get_queryset()  # 404 for anyone but the system administrator
        data = parse(AccountCreateInput, request.data)
        user = services.user_create(actor=signed_in_user(request), **data)
        return Response(AccountOutput(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("变更系统角色（安全管理员）"),
        request=SystemRoleInput,
        responses={200: AccountOutput},
    )
    @action(detail=True, methods=["post"], url_path="system-role")
    def system_role(self, request: Request, pk: str | None = None) -> Response:
        user = self.get_object()
        data = parse(SystemRoleInput, request.data)
        user = services.user_set_system_role(
            actor=signed_in_user(request), user=user, system_role=data["system_role"]
        )
        return Response(AccountOutput(user).data)
