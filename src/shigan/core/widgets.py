"""Form widgets shared by every app's forms."""

from collections.abc import Iterable
from typing import Any

from django import forms

from shigan.core import uploads

__all__ = ["DateInput", "UploadInput"]


class DateInput(forms.DateInput):
    """The browser's date picker; it reads and writes ISO dates whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class UploadInput(forms.ClearableFileInput):
    """A file input offering what core.uploads accepts: on a phone, the camera and documents of
    those types, a photo handed over as JPEG; `kinds` (keys of core.uploads.ALLOWED) narrows
    it to what one form takes."""

    def __init__(
        self, attrs: dict[str, Any] | None = None, *, kinds: Iterable[str] | None = None
    ) -> None:
        super().__init__({"accept": uploads.accept(kinds), **(attrs or {})})
