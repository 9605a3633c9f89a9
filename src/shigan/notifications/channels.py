"""The ways out (issue 18): each channel knows whether it is configured, which of a person's
addresses it uses, and how to send one text to it. A failure raises `ChannelError` with the
reason in words an administrator can act on; the delivery service decides about retrying.

WeCom and DingTalk payloads are the vendors' documented forms:
- WeCom work notice: GET /cgi-bin/gettoken?corpid&corpsecret, then POST
  /cgi-bin/message/send?access_token {"touser", "msgtype": "text", "agentid", "text": {"content"}}.
- WeCom group robot: POST the webhook (its key is in the URL; WeCom robots have no signing
  secret) {"msgtype": "text", "text": {"content", "mentioned_list" | "mentioned_mobile_list"}}.
- DingTalk work notice: GET /gettoken?appkey&appsecret, then POST
  /topapi/message/corpconversation/asyncsend_v2?access_token
  {"agent_id", "userid_list", "msg": {"msgtype": "text", "text": {"content"}}}.
- DingTalk group robot: POST the webhook with &timestamp=<ms>&sign=<urlencode(base64(
  HMAC-SHA256(secret, timestamp + "\\n" + secret)))>, {"msgtype": "text", "text": {"content"},
  "at": {"atUserIds" | "atMobiles", "isAtAll": false}}.
SMS goes through `sms.py` (an adapter per provider).
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from shigan.notifications.choices import ChannelCode
from shigan.notifications.outbound import url_refusal

__all__ = [
    "ChannelError",
    "Address",
    "CHANNELS",
    "configured_channels",
    "channel",
    "dingtalk_sign",
    "http_json",
]


class ChannelError(Exception):
    """Sending failed; `retry` is False when trying again cannot help (a refused address)."""

    def __init__(self, message: str, *, retry: bool = True):
        super().__init__(message)
        self.retry = retry


@dataclass(frozen=True)
class Address:
    """A person's addresses, decrypted in memory only for the send."""

    email: str = ""
    wecom_userid: str = ""
    dingtalk_userid: str = ""
    mobile: str = ""


def _timeout() -> float:
    return float(settings.SHIGAN_NOTIFY_TIMEOUT)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an error (outbound.py): following one could reach an intranet address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise ChannelError(
            _("对方要求跳转（HTTP %(code)s）；为防止请求被引向内网，不予跟随。") % {"code": code},
            retry=False,
        )


# Only http(s): urllib's default opener would also read file:// and ftp:// URLs.
_opener = urllib.request.OpenerDirector()
for _handler in (
    urllib.request.HTTPHandler(),
    urllib.request.HTTPSHandler(),
    urllib.request.HTTPDefaultErrorHandler(),
    urllib.request.HTTPErrorProcessor(),
    _NoRedirect(),
):
    _opener.add_handler(_handler)


def http_json(
    method: str,
    url: str,
    body: dict | None = None,
    headers: dict | None = None,
    *,
    setting: str = "",
):
    """One JSON request to an allowed address (`setting` names where it was configured); the
    decoded JSON answer. Timeouts, refused connections and non-2xx answers are ChannelErrors
    worth retrying; an address outside the rule or a redirect is not."""
    refusal = url_refusal(url, setting)
    if refusal:
        raise ChannelError(refusal, retry=False)
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json; charset=utf-8")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with _opener.open(request, timeout=_timeout()) as response:
            raw = response.read()
    except urllib.error.HTTPError as error:
        raise ChannelError(_("服务端返回 HTTP %(code)s") % {"code": error.code}) from error
    except TimeoutError as error:
        raise ChannelError(_("请求超时（%(s)s 秒）") % {"s": _timeout()}) from error
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise ChannelError(_("请求超时（%(s)s 秒）") % {"s": _timeout()}) from error
        raise ChannelError(_("无法连接：%(why)s") % {"why": error.reason}) from error
    try:
        return json.loads(raw or b"{}")
    except ValueError as error:
        raise ChannelError(_("服务端返回的不是 JSON")) from error


def _vendor_ok(answer: dict) -> dict:
    """WeCom and DingTalk answer errcode 0 on success; any other code is their refusal."""
    code = answer.get("errcode", 0)
    if code not in (0, "0"):
        # 40014/42001 (WeCom) and 40014/88 … (DingTalk): a stale token is worth a retry.
        retry = code in (40014, 42001, 40001, -1)
        raise ChannelError(
            _("对方拒绝：错误码 %(code)s %(msg)s")
            % {"code": code, "msg": answer.get("errmsg", "")},
            retry=retry,
        )
    return answer


def _token(cache_key: str, url: str, setting: str) -> str:
    """An access token, cached for a little less than it lives (the vendors ask callers to
    cache it: fetching it for every message is rate-limited)."""
    token = cache.get(cache_key)
    if token:
        return token
    answer = _vendor_ok(http_json("GET", url, setting=setting))
    token = answer.get("access_token") or ""
    if not token:
        raise ChannelError(_("未取得 access_token"))
    cache.set(cache_key, token, max(int(answer.get("expires_in", 7200)) - 300, 60))
    return token


def _forget_token(cache_key: str) -> None:
    cache.delete(cache_key)


def _content(text: str, link: str) -> str:
    return f"{text}\n{link}" if link else text


def _wecom_text(text: str) -> str:
    """WeCom renders `<a href="…">` in a text message (its documented example does so): a
    record's title typed as such a tag would be a link in an official notice. The text's angle
    brackets (never our own link's) become their full-width forms, which read the same."""
    return text.replace("<", "＜").replace(">", "＞")


class Channel:
    code: str = ""

    @property
    def label(self) -> str:
        return str(ChannelCode(self.code).label)

    def configured(self) -> bool:
        raise NotImplementedError

    def address_of(self, address: Address) -> str:
        """The address this channel would use for the person ("" when they have none)."""
        raise NotImplementedError

    def send(self, address: Address, text: str, link: str) -> None:
        raise NotImplementedError


class EmailChannel(Channel):
    code = ChannelCode.EMAIL

    def configured(self) -> bool:
        return bool(getattr(settings, "EMAIL_HOST", ""))

    def address_of(self, address: Address) -> str:
        return address.email

    def send(self, address: Address, text: str, link: str) -> None:
        subject = _("【实干】%(text)s") % {"text": text.splitlines()[0][:40]}
        try:
            send_mail(subject, _content(text, link), settings.DEFAULT_FROM_EMAIL, [address.email])
        except OSError as error:
            raise ChannelError(_("邮件发送失败：%(why)s") % {"why": error}) from error


class WeComChannel(Channel):
    """WeCom (企业微信 / 政务微信: set SHIGAN_WECOM_API_BASE to the private deployment)."""

    code = ChannelCode.WECOM

    def configured(self) -> bool:
        s = settings
        return bool(s.SHIGAN_WECOM_CORP_ID and s.SHIGAN_WECOM_SECRET and s.SHIGAN_WECOM_AGENT_ID)

    def address_of(self, address: Address) -> str:
        return address.wecom_userid

    def _token_key(self) -> str:
        return (
            f"notify:wecom:token:{settings.SHIGAN_WECOM_CORP_ID}:{settings.SHIGAN_WECOM_AGENT_ID}"
        )

    def send(self, address: Address, text: str, link: str) -> None:
        base = settings.SHIGAN_WECOM_API_BASE.rstrip("/")
        query = urllib.parse.urlencode(
            {"corpid": settings.SHIGAN_WECOM_CORP_ID, "corpsecret": settings.SHIGAN_WECOM_SECRET}
        )
        token = _token(
            self._token_key(), f"{base}/cgi-bin/gettoken?{query}", "SHIGAN_WECOM_API_BASE"
        )
        body = {
            "touser": address.wecom_userid,
            "msgtype": "text",
            "agentid": int(settings.SHIGAN_WECOM_AGENT_ID),
            "text": {"content": _content(_wecom_text(text), link)},
            "safe": 0,
        }
        url = f"{base}/cgi-bin/message/send?access_token={urllib.parse.quote(token)}"
        try:
            answer = _vendor_ok(http_json("POST", url, body, setting="SHIGAN_WECOM_API_BASE"))
        except ChannelError:
            _forget_token(self._token_key())
            raise
        if answer.get("invaliduser"):
            raise ChannelError(
                _("企业微信账号无效：%(who)s") % {"who": answer["invaliduser"]}, retry=False
            )


class WeComRobotChannel(Channel):
    code = ChannelCode.WECOM_ROBOT

    def configured(self) -> bool:
        return bool(settings.SHIGAN_WECOM_ROBOT_WEBHOOK)

    def address_of(self, address: Address) -> str:
        return address.wecom_userid or address.mobile

    def send(self, address: Address, text: str, link: str) -> None:
        content: dict[str, str | list[str]] = {"content": _content(_wecom_text(text), link)}
        if address.wecom_userid:
            content["mentioned_list"] = [address.wecom_userid]
        else:
            content["mentioned_mobile_list"] = [address.mobile]
        _vendor_ok(
            http_json(
                "POST",
                settings.SHIGAN_WECOM_ROBOT_WEBHOOK,
                {"msgtype": "text", "text": content},
                setting="SHIGAN_WECOM_ROBOT_WEBHOOK",
            )
        )


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's robot signature: HMAC-SHA256 keyed with the secret over
    "<timestamp>\\n<secret>", base64, then URL-encoded."""
    message = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


class DingTalkChannel(Channel):
    """DingTalk work notices (企业内部应用). 政务钉钉 (专有钉钉) speaks another API: not covered."""

    code = ChannelCode.DINGTALK

    def configured(self) -> bool:
        s = settings
        return bool(
            s.SHIGAN_DINGTALK_APP_KEY
            and s.SHIGAN_DINGTALK_APP_SECRET
            and s.SHIGAN_DINGTALK_AGENT_ID
        )

    def address_of(self, address: Address) -> str:
        return address.dingtalk_userid

    def _token_key(self) -> str:
        return f"notify:dingtalk:token:{settings.SHIGAN_DINGTALK_APP_KEY}"

    def send(self, address: Address, text: str, link: str) -> None:
        base = settings.SHIGAN_DINGTALK_API_BASE.rstrip("/")
        query = urllib.parse.urlencode(
            {
                "appkey": settings.SHIGAN_DINGTALK_APP_KEY,
                "appsecret": settings.SHIGAN_DINGTALK_APP_SECRET,
            }
        )
        token = _token(self._token_key(), f"{base}/gettoken?{query}", "SHIGAN_DINGTALK_API_BASE")
        body = {
            "agent_id": int(settings.SHIGAN_DINGTALK_AGENT_ID),
            "userid_list": address.dingtalk_userid,
            "msg": {"msgtype": "text", "text": {"content": _content(text, link)}},
        }
        url = (
            f"{base}/topapi/message/corpconversation/asyncsend_v2"
            f"?access_token={urllib.parse.quote(token)}"
        )
        try:
            _vendor_ok(http_json("POST", url, body, setting="SHIGAN_DINGTALK_API_BASE"))
        except ChannelError:
            _forget_token(self._token_key())
            raise


class DingTalkRobotChannel(Channel):
    code = ChannelCode.DINGTALK_ROBOT

    def configured(self) -> bool:
        return bool(settings.SHIGAN_DINGTALK_ROBOT_WEBHOOK)

    def address_of(self, address: Address) -> str:
        return address.dingtalk_userid or address.mobile

    def send(self, address: Address, text: str, link: str) -> None:
        url = settings.SHIGAN_DINGTALK_ROBOT_WEBHOOK
        secret = settings.SHIGAN_DINGTALK_ROBOT_SECRET
        if secret:
            timestamp = int(time.time() * 1000)
            separator = "&" if "?" in url else "?"
            url = f"{url}{separator}timestamp={timestamp}&sign={dingtalk_sign(secret, timestamp)}"
        if address.dingtalk_userid:
            at = {"atUserIds": [address.dingtalk_userid], "isAtAll": False}
        else:
            at = {"atMobiles": [address.mobile], "isAtAll": False}
        body = {"msgtype": "text", "text": {"content": _content(text, link)}, "at": at}
        _vendor_ok(http_json("POST", url, body, setting="SHIGAN_DINGTALK_ROBOT_WEBHOOK"))


class SmsChannel(Channel):
    code = ChannelCode.SMS

    def configured(self) -> bool:
        return bool(settings.SHIGAN_SMS_URL)

    def address_of(self, address: Address) -> str:
        return address.mobile

    def send(self, address: Address, text: str, link: str) -> None:
        gateway = import_string(settings.SHIGAN_SMS_GATEWAY)()
        gateway.send(mobile=address.mobile, text=_content(text, link))


CHANNELS: dict[str, Channel] = {
    c.code: c
    for c in (
        WeComChannel(),
        WeComRobotChannel(),
        DingTalkChannel(),
        DingTalkRobotChannel(),
        SmsChannel(),
        EmailChannel(),
    )
}


def channel(code: str) -> Channel:
    return CHANNELS[code]


def configured_channels() -> list[Channel]:
    """The configured channels in the order a person is tried: SHIGAN_NOTIFY_CHANNELS, or
    work notices, robots, SMS, email."""
    order = settings.SHIGAN_NOTIFY_CHANNELS or list(CHANNELS)
    return [CHANNELS[c] for c in order if c in CHANNELS and CHANNELS[c].configured()]
