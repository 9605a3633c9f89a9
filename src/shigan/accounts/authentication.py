"""API authentication by the per-user tokens of `ApiToken`.

The header is `Authorization: Token <key>` (as DRF's TokenAuthentication) or `Bearer <key>`.
"""

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from shigan.accounts.gate import password_expired
from shigan.accounts.models import ApiToken, User
from shigan.accounts.services import token_hash

if TYPE_CHECKING:  # imported at run time it would import DRF's views while DRF loads this
    from drf_spectacular.openapi import AutoSchema

__all__ = ["ApiTokenAuthentication", "PasswordExpired", "TokenExpired"]

KEYWORDS = {b"token", b"bearer"}
# `last_used_at` is written at most once a minute per token, not on every request.
TOUCH_INTERVAL = timedelta(minutes=1)


class PasswordExpired(exceptions.PermissionDenied):
    """A token of an account whose password has aged is refused as the account gate refuses
    its sessions (accounts.gate: 403, code password_expired): the password is changed first."""

    stable_code = "password_expired"


class TokenExpired(exceptions.AuthenticationFailed):
    """A token past its `expires_at` (401, code token_expired): its owner makes a new one."""

    stable_code = "token_expired"


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("令牌格式无效：请求头应为“Authorization: Token <令牌>”。")
            )
        try:
            key = parts[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("令牌含有无效字符。")) from exc
        return self.authenticate_credentials(key)

    def authenticate_credentials(self, key: str) -> tuple[User, ApiToken]:
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=token_hash(key), revoked_at__isnull=True)
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("令牌无效或已被撤销。"))
        if token.is_expired:
            raise TokenExpired(
                _("令牌已于 %(at)s 过期，请在“API 令牌”页面创建新令牌。")
                % {"at": timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")}
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("该账号已停用。"))
        if password_expired(token.user):
            raise PasswordExpired(_("密码已超过有效期，请先登录网页修改密码，再使用 API 令牌。"))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > TOUCH_INTERVAL:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (not 403) to a request without credentials.
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]  # drf-spectacular's hook
    target_class = "shigan.accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: "AutoSchema") -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": _("在请求头中提供“Token <令牌>”或“Bearer <令牌>”。"),
        }
