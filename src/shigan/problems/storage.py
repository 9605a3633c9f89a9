"""Where evidence files live: a private directory outside the web root, under random names.

Nothing under `SHIGAN_HOME/private` is served by the web server or by whitenoise; a file leaves
only through the scoped download view, which checks the user's scope first. The location is
read from the settings at each access (tests point `SHIGAN_HOME` at a temporary directory).
"""

import datetime
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage

__all__ = ["PrivateStorage", "evidence_storage", "evidence_path", "evidence_root"]


def evidence_root() -> Path:
    return Path(settings.SHIGAN_HOME) / "private" / "evidence"


class PrivateStorage(FileSystemStorage):
    """A file system storage without a URL: files are read by the scoped view only."""

    @property
    def base_location(self):
        return str(evidence_root())

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("evidence files have no public URL")


_storage = PrivateStorage()


def evidence_storage() -> PrivateStorage:
    return _storage


def evidence_path(instance, filename: str) -> str:
    """A random name in a per-month directory; the original name is kept on the row only."""
    ext = os.path.splitext(filename)[1].lower()[:10]
    today = datetime.date.today()
    return f"{today:%Y/%m}/{uuid.uuid4().hex}{ext}"
