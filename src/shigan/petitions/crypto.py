"""Petitioners' personal data at rest. The mechanism lives in `shigan.core.crypto` (issue 18:
people's contact ids and mobile numbers are encrypted the same way, by an app below petitions);
petitions keeps importing it from here."""

from shigan.core.crypto import *  # noqa: F403
from shigan.core.crypto import __all__  # noqa: F401
