"""SMS through an HTTP gateway. A province's provider is an adapter: a class with
`send(*, mobile, text)` raising `ChannelError`, named by SHIGAN_SMS_GATEWAY. The one shipped
speaks a generic JSON form (README, "短信"):

    POST SHIGAN_SMS_URL
    Authorization: Bearer SHIGAN_SMS_TOKEN          (when set)
    {"template_id": SHIGAN_SMS_TEMPLATE_ID, "sign_name": SHIGAN_SMS_SIGN_NAME,
     "phone_numbers": ["13912345678"], "params": {"content": "…"}}

and takes any 2xx answer whose JSON has "code" 0 or "0" (or no "code") as accepted.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from shigan.notifications.channels import ChannelError, http_json

__all__ = ["SmsGateway", "GenericJsonGateway"]


class SmsGateway:
    def send(self, *, mobile: str, text: str) -> None:
        raise NotImplementedError


class GenericJsonGateway(SmsGateway):
    def send(self, *, mobile: str, text: str) -> None:
        headers = {}
        if settings.SHIGAN_SMS_TOKEN:
            headers["Authorization"] = f"Bearer {settings.SHIGAN_SMS_TOKEN}"
        body = {
            "template_id": settings.SHIGAN_SMS_TEMPLATE_ID,
            "sign_name": settings.SHIGAN_SMS_SIGN_NAME,
            "phone_numbers": [mobile],
            "params": {"content": text},
        }
        answer = http_json("POST", settings.SHIGAN_SMS_URL, body, headers, setting="SHIGAN_SMS_URL")
        code = answer.get("code", 0) if isinstance(answer, dict) else 0
        if code not in (0, "0"):
            message = answer.get("message", "") if isinstance(answer, dict) else ""
            raise ChannelError(
                _("短信网关拒绝：%(code)s %(msg)s") % {"code": code, "msg": message}, retry=False
            )
