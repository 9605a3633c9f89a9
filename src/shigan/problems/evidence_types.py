"""Checking an uploaded evidence file: its size, and its type by content, never by its name.

Accepted (decided for issue 5): PDF, JPEG, PNG, Word .docx, Excel .xlsx, OFD (the national
e-document format, a zip with OFD.xml) and plain text (.txt, UTF-8 or GB18030, no control
bytes). The name's extension must agree with the content: a PNG named .pdf is refused as well
as an executable named .pdf. Old binary Office formats (.doc/.xls/.wps) are refused: their
containers carry macros and cannot be told apart reliably by content.
"""

import codecs
import hashlib
import os
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.base import File
from django.utils.translation import gettext as _

from shigan.core.errors import DomainError

__all__ = ["EvidenceError", "Checked", "check", "ALLOWED", "max_bytes"]

# content kind → (MIME type, extensions a name may carry, label)
ALLOWED = {
    "pdf": ("application/pdf", {".pdf"}),
    "jpg": ("image/jpeg", {".jpg", ".jpeg"}),
    "png": ("image/png", {".png"}),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        {".docx"},
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {".xlsx"}),
    "ofd": ("application/ofd", {".ofd"}),
    "txt": ("text/plain", {".txt"}),
}
_HEAD = 8192  # what filetype reads
_TEXT_CONTROL = set(range(0, 32)) - {9, 10, 12, 13}


class EvidenceError(DomainError):
    pass


@dataclass(frozen=True)
class Checked:
    file: File
    name: str  # the uploaded name, without any directory
    extension: str  # from the content
    mime: str
    size: int
    sha256: str


def max_bytes() -> int:
    return int(getattr(settings, "SHIGAN_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024))


def _zip_kind(file) -> str | None:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
        return "docx"
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return "xlsx"
    if "OFD.xml" in names:
        return "ofd"
    return None


def _is_text(head: bytes) -> bool:
    if not head or any(b in _TEXT_CONTROL for b in head):
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _kind(file, head: bytes) -> str | None:
    guessed = filetype.guess(head)
    if guessed is None:
        return "txt" if _is_text(head) else None
    if guessed.extension in ("pdf", "jpg", "png"):
        return guessed.extension
    if guessed.extension in ("zip", "docx", "xlsx", "epub"):
        return _zip_kind(file)
    return None


def _digest(file) -> tuple[int, str]:
    sha, size = hashlib.sha256(), 0
    for chunk in file.chunks():
        sha.update(chunk)
        size += len(chunk)
    return size, sha.hexdigest()


def _allowed_label() -> str:
    return _("PDF、JPG、PNG、Word（.docx）、Excel（.xlsx）、OFD 或纯文本（.txt）")


def check(upload) -> Checked:
    """The upload, checked; raises EvidenceError (naming the file, in Chinese) otherwise."""
    file = upload if isinstance(upload, File) else File(upload)
    name = os.path.basename((getattr(upload, "name", "") or "").replace("\\", "/")).strip()
    name = name[:255] or _("未命名文件")
    size = getattr(file, "size", None)
    limit = max_bytes()
    if size is not None and size > limit:
        raise _too_big(name, limit)
    file.seek(0)
    head = file.read(_HEAD)
    if not head:
        raise EvidenceError(
            _("文件“%(name)s”是空文件。") % {"name": name}, code="evidence_empty", field="files"
        )
    kind = _kind(file, head)
    if kind is None:
        raise EvidenceError(
            _("文件“%(name)s”的内容不是允许的类型（%(allowed)s），不能上传。")
            % {"name": name, "allowed": _allowed_label()},
            code="evidence_bad_type",
            field="files",
        )
    mime, extensions = ALLOWED[kind]
    if os.path.splitext(name)[1].lower() not in extensions:
        raise EvidenceError(
            _("文件“%(name)s”的扩展名与内容不符（内容是 %(kind)s 文件），不能上传。")
            % {"name": name, "kind": kind.upper()},
            code="evidence_type_mismatch",
            field="files",
        )
    size, sha256 = _digest(file)
    if size > limit:
        raise _too_big(name, limit)
    file.seek(0)
    return Checked(file, name, kind, mime, size, sha256)


def _too_big(name: str, limit: int) -> EvidenceError:
    return EvidenceError(
        _("文件“%(name)s”超过 %(mb)s MB 的大小限制，不能上传。")
        % {"name": name, "mb": f"{limit / 1024 / 1024:g}"},
        code="evidence_too_big",
        field="files",
    )
