"""Where petition materials live: core's private storage, in `SHIGAN_HOME/private/petitions`,
encrypted.

Files handed in with a petition often carry the same personal data as the petitioner fields
(copies of ID cards, letters): they are stored as Fernet tokens under random names, never
served by the web server, and leave only through the download view, which checks the right to
see the petitioner unmasked and audits the read.
"""

from pathlib import Path

from shigan.core.storage import PrivateStorage

__all__ = ["attachment_storage", "attachment_root"]

_storage = PrivateStorage("petitions")


def attachment_root() -> Path:
    return _storage.root()


def attachment_storage() -> PrivateStorage:
    return _storage
