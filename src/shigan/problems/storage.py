"""Where evidence files live: core's private storage, in `SHIGAN_HOME/private/evidence`
(read by the scoped download view only)."""

import datetime
import os
import uuid
from pathlib import Path

from shigan.core.storage import PrivateStorage

__all__ = ["evidence_storage", "evidence_path", "evidence_root"]

_storage = PrivateStorage("evidence")


def evidence_root() -> Path:
    return _storage.root()


def evidence_storage() -> PrivateStorage:
    return _storage


def evidence_path(instance, filename: str) -> str:
    """A random name in a per-month directory; the original name is kept on the row only."""
    ext = os.path.splitext(filename)[1].lower()[:10]
    today = datetime.date.today()
    return f"{today:%Y/%m}/{uuid.uuid4().hex}{ext}"
