"""The audit chain's key: settings.SHIGAN_AUDIT_KEY, from the environment or (embedded default
only) a file in SHIGAN_HOME. Never stored in the database."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["audit_key"]


def audit_key() -> bytes:
    key = settings.SHIGAN_AUDIT_KEY
    if not key:
        raise ImproperlyConfigured(
            "没有审计密钥：生产环境必须设置环境变量 SHIGAN_AUDIT_KEY（审计链的 HMAC 密钥）。"
        )
    return key.encode()
