"""What production (`shigan serve` with SECRET_KEY set) needs before it may start."""

from django.conf import settings

__all__ = ["missing_production_keys"]

# Each key must come from the environment in production: generated ones would differ between
# two web nodes, and a key kept beside the database protects nothing from whoever has a copy.
PRODUCTION_KEYS = {
    "SHIGAN_PETITION_KEY": "信访人个人信息加密密钥（Fernet 密钥，逗号分隔，第一个用于加密）",
    "SHIGAN_PETITION_HASH_KEY": "信访人查重用的 HMAC 密钥",
    "SHIGAN_AUDIT_KEY": "审计链的 HMAC 密钥",
}


def missing_production_keys() -> list[str]:
    """The key settings that are not set, each with what it is for."""
    return [
        f"{name}（{what}）"
        for name, what in PRODUCTION_KEYS.items()
        if not getattr(settings, name, None)
    ]
