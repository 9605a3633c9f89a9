"""notifications.E001: an address a channel would send to breaks the rule of outbound.py.
The addresses come from the environment, so this is where a wrong one is refused before any
request goes out (`shigan check`, and every start of the server)."""

from django.conf import settings
from django.core.checks import Error

from shigan.notifications.outbound import URL_SETTINGS, url_refusal

__all__ = ["outbound_addresses"]


def outbound_addresses(app_configs=None, **kwargs) -> list[Error]:
    errors = []
    for name in URL_SETTINGS:
        url = getattr(settings, name, "")
        refusal = url and url_refusal(url, name)
        if refusal:
            errors.append(Error(refusal, id="notifications.E001"))
    return errors
