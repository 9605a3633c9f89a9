"""A private file leaves shigan only as a download, after its app's scope check."""

import os
from collections.abc import Iterator
from typing import IO, overload
from urllib.parse import quote

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

from shigan.core.uploads import ALLOWED

__all__ = ["download", "field_download"]

_MIME_BY_EXTENSION = {ext: mime for mime, extensions in ALLOWED.values() for ext in extensions}


@overload
def download(content: bytes, *, name: str, content_type: str) -> HttpResponse: ...
@overload
def download(content: IO[bytes], *, name: str, content_type: str) -> FileResponse: ...
@overload
def download(
    content: Iterator[bytes], *, name: str, content_type: str
) -> StreamingHttpResponse: ...
def download(
    content: bytes | IO[bytes] | Iterator[bytes], *, name: str, content_type: str
) -> HttpResponseBase:
    """`content` (bytes, an open binary file, or chunks made as they are sent, e.g. the audit
    export) as an attachment named `name`: never shown inline nor sniffed (an HTML or SVG file
    smuggled in would run on shigan's origin), and never kept by a shared cache."""
    response: HttpResponse | FileResponse | StreamingHttpResponse
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
    elif hasattr(content, "read"):
        response = FileResponse(content, content_type=content_type)
    else:
        response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def field_download(file: FieldFile) -> FileResponse:
    """A record's file field, named as it was uploaded (its stored name's last part), its
    type told by its extension (core.uploads checked the content against it)."""
    name = os.path.basename(file.name or "")
    mime = _MIME_BY_EXTENSION.get(os.path.splitext(name)[1].lower(), "application/octet-stream")
    return download(file.open("rb"), name=name, content_type=mime)
