"""Where shigan may send a request (server-side request forgery): only to the vendors' official
https origins and to the origins an administrator lists in SHIGAN_NOTIFY_ALLOWED_ORIGINS (an
intranet gateway, a 政务微信 deployment, an SMS provider: comma-separated, e.g.
"https://wx.gov.example,http://10.2.3.4:8080"; an `http://` origin listed there allows
plain http to it and nowhere else). The addresses come from the environment, so the rule is
checked when the server starts (`check`, notifications.E001) and again before every request,
which never follows a redirect: a redirect is how an allowed host is turned against the
intranet (http://169.254.169.254/, http://127.0.0.1:6379/)."""

import urllib.parse

from django.conf import settings
from django.utils.translation import gettext as _

__all__ = ["OFFICIAL_ORIGINS", "URL_SETTINGS", "url_refusal"]

OFFICIAL_ORIGINS = ("https://qyapi.weixin.qq.com", "https://oapi.dingtalk.com")

# Every setting holding an address shigan sends to, checked at start-up.
URL_SETTINGS = (
    "SHIGAN_WECOM_API_BASE",
    "SHIGAN_WECOM_ROBOT_WEBHOOK",
    "SHIGAN_DINGTALK_API_BASE",
    "SHIGAN_DINGTALK_ROBOT_WEBHOOK",
    "SHIGAN_SMS_URL",
)

_DEFAULT_PORTS = {"https": 443, "http": 80}


def _origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an http(s) URL without user information; None for anything
    else, so `https://qyapi.weixin.qq.com@127.0.0.1/` is not mistaken for the vendor."""
    if any(c.isspace() or c == "\\" or ord(c) < 32 for c in url):
        return None
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname or "@" in parts.netloc:
        return None
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme]


def _allowed() -> set[tuple[str, str, int]]:
    listed = settings.SHIGAN_NOTIFY_ALLOWED_ORIGINS  # comma-separated, from the environment
    extra = listed.split(",") if isinstance(listed, str) else list(listed)
    origins = [*OFFICIAL_ORIGINS, *(origin.strip() for origin in extra)]
    return {o for o in map(_origin, origins) if o}


def url_refusal(url: str, setting: str = "") -> str | None:
    """Why shigan must not send to `url` (a Chinese sentence naming the setting), or None.
    The sentence shows the origin only: a webhook's query holds its key."""
    field = setting or _("接口地址")
    origin = _origin(url)
    if origin is None:
        return _("%(field)s：只能是 http(s) 地址，且不得含用户名或特殊字符。") % {"field": field}
    if origin in _allowed():
        return None
    scheme, host, port = origin
    return _(
        "%(field)s：%(origin)s 不是企业微信、钉钉的官方 https 地址，也不在"
        " SHIGAN_NOTIFY_ALLOWED_ORIGINS 中；内网网关须由管理员列入该设置。"
    ) % {"field": field, "origin": f"{scheme}://{host}:{port}"}
