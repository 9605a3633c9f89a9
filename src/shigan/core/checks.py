"""Deployment checks of shigan's own (`shigan check --deploy`)."""

from typing import Any

from django.conf import settings
from django.core.checks import Warning
from django.utils.translation import gettext as _

__all__ = ["api_limits_shared"]


def api_limits_shared(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """shigan.W001: the API's rate limits count in the default cache, which is Redis with
    REDIS_URL and each process's own memory without it; then every gunicorn worker and every
    node lets a caller through the full rate, a limit WEB_CONCURRENCY × nodes times too high.
    A warning, not an error: a single small server without Redis is a supported deployment."""
    limited = settings.SHIGAN_API_RATE_USER or settings.SHIGAN_API_RATE_ANON
    if settings.REDIS_URL or not limited:
        return []
    return [
        Warning(
            _(
                "未设置 REDIS_URL：API 访问频率限制在每个工作进程的内存中各自计数，"
                "实际上限是设定值乘以进程数和节点数。"
            ),
            hint=_("生产环境请设置 REDIS_URL（各进程、各节点共用 Redis 计数）。"),
            id="shigan.W001",
        )
    ]
