"""Private files: a directory under `SHIGAN_HOME/private`, outside the web root, under random
names. Nothing there is served by the web server or by whitenoise; a file leaves only through
its app's download view, which checks the user's scope first. The location is read from the
settings at each access (tests point `SHIGAN_HOME` at a temporary directory)."""

import os
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.deconstruct import deconstructible

if TYPE_CHECKING:  # a stub-only type: django-stubs-ext is not installed in production
    from django_stubs_ext import StrOrPromise

__all__ = ["PrivateStorage", "attachment_field", "attachment_storage"]


@deconstructible(path="shigan.core.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """A file system storage without a URL, in `SHIGAN_HOME/private/<directory>`."""

    def __init__(self, directory: str):
        self.directory = directory
        super().__init__()

    def root(self) -> Path:
        return Path(settings.SHIGAN_HOME) / "private" / self.directory

    @property
    def base_location(self) -> str:
        return str(self.root())

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:  # type: ignore[override]  # no URL at all, where Django has str
        return None

    def url(self, name: str | None) -> str:
        raise ValueError(f"private files ({self.directory}) have no public URL")


_attachments = PrivateStorage("attachments")


def attachment_storage() -> PrivateStorage:
    """Where the attachments of research plans and reports and of key tasks live (a callable:
    migrations name it rather than a copy of its settings)."""
    return _attachments


def attachment_field(verbose_name: "StrOrPromise", upload_to: str) -> models.FileField:
    """An optional attachment of a record, kept in the private storage."""
    return models.FileField(
        verbose_name,
        storage=attachment_storage,
        upload_to=upload_to,
        blank=True,
        max_length=255,
    )
