"""Where petition materials live: a private directory outside the web root, encrypted.

Files handed in with a petition often carry the same personal data as the petitioner fields
(copies of ID cards, letters): they are stored as Fernet tokens under random names in
`SHIGAN_HOME/private/petitions`, never served by the web server, and leave only through the
download view, which checks the right to see the petitioner unmasked and audits the read.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage

__all__ = ["attachment_storage", "attachment_root"]


def attachment_root() -> Path:
    return Path(settings.SHIGAN_HOME) / "private" / "petitions"


class PrivateStorage(FileSystemStorage):
    """A file system storage without a URL; the location is read at each access (tests move
    SHIGAN_HOME)."""

    @property
    def base_location(self):
        return str(attachment_root())

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("petition materials have no public URL")


_storage = PrivateStorage()


def attachment_storage() -> PrivateStorage:
    return _storage
