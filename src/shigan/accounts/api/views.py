"""The caller's own API tokens: list (prefix only), create (the key is shown once), revoke."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from shigan.accounts import selectors, services
from shigan.accounts.models import ApiToken
from shigan.accounts.requests import signed_in_user
from shigan.core.api import ListRetrieveDestroyViewSet, parse, summaries
from shigan.core.pagination import CursorPagination

__all__ = ["ApiTokenViewSet"]


class TokenOutput(serializers.ModelSerializer[ApiToken]):
    active = serializers.BooleanField(
        source="is_active", read_only=True, label=gettext_lazy("有效")
    )

    class Meta:
        model = ApiToken
        fields = [
            "id", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at",
            "active",
        ]  # fmt: skip
        read_only_fields = fields


@summaries(
    list=gettext_lazy("我的 API 令牌（只显示前缀）"),
    retrieve=gettext_lazy("API 令牌详情"),
    destroy=gettext_lazy("撤销 API 令牌"),
)
class ApiTokenViewSet(ListRetrieveDestroyViewSet[ApiToken]):
    serializer_class = TokenOutput
    queryset = ApiToken.objects.none()
    pagination_class = CursorPagination
    cursor_ordering = "-id"

    class TokenCreateInput(serializers.Serializer[None]):
        name = serializers.CharField(max_length=100, label=gettext_lazy("令牌名称"))
        days = serializers.IntegerField(
            required=False,
            label=gettext_lazy("有效期（天）"),
            help_text=gettext_lazy("不填则为系统允许的最长有效期。"),
        )

    class TokenCreateOutput(TokenOutput):
        key = serializers.CharField(
            read_only=True,
            label=gettext_lazy("令牌"),
            help_text=gettext_lazy("完整的令牌只在创建时返回这一次，请妥善保存。"),
        )

        class Meta(TokenOutput.Meta):
            fields = [*TokenOutput.Meta.fields, "key"]
            read_only_fields = fields

    def get_queryset(self) -> QuerySet[ApiToken]:
        return selectors.token_list(user=self.request.user)

    @extend_schema(
        summary=gettext_lazy("创建 API 令牌"),
        request=TokenCreateInput,
        responses={201: TokenCreateOutput},
    )
    def create(self, request: Request) -> Response:
        data = parse(self.TokenCreateInput, request.data)
        token, key = services.token_create(
            actor=signed_in_user(request),
            name=data["name"],
            days=data.get("days"),
            by_token=isinstance(request.auth, ApiToken),
        )
        token.key = key  # type: ignore[attr-defined]  # for the output serializer: shown once
        return Response(self.TokenCreateOutput(token).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, pk: str | None = None) -> Response:
        services.token_revoke(actor=signed_in_user(request), token=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
