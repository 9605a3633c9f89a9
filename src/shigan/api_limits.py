"""The API's rate limits, read from the environment by settings.py (as security_headers.py's
policies): DRF throttling in the default cache (Redis in production; without it each server
process counts on its own), per account for tokens and sessions, per source address for
anonymous callers. Beyond them: 429, code `throttled`, with Retry-After (shigan.core.api).
"0" or "off" switches a limit off."""

import os

__all__ = ["SHIGAN_API_RATE_USER", "SHIGAN_API_RATE_ANON", "THROTTLE_CLASSES"]


def _rate(name: str, default: str) -> str | None:
    value = os.environ.get(name, default).strip()
    return None if value.lower() in ("", "0", "off") else value


SHIGAN_API_RATE_USER = _rate("SHIGAN_API_RATE_USER", "600/min")
SHIGAN_API_RATE_ANON = _rate("SHIGAN_API_RATE_ANON", "60/min")
THROTTLE_CLASSES = [
    "shigan.core.throttling.AccountRateThrottle",
    "shigan.core.throttling.AddressRateThrottle",
]
