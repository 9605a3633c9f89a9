"""Checking an uploaded file (evidence, a petition's material, a research plan's or a key
task's attachment): its size, and its type by content, never by its name. One checker for
every upload, so that what one form refuses no other form lets in.

Accepted (decided for issue 5): PDF, JPEG, PNG, Word .docx, Excel .xlsx, OFD (the national
e-document format, a zip with OFD.xml) and plain text (.txt, UTF-8 or GB18030, no control
bytes). The name's extension must agree with the content: a PNG named .pdf is refused as well
as an executable named .pdf. Old binary Office formats (.doc/.xls/.wps) are refused: their
containers carry macros and cannot be told apart reliably by content.

Office and OFD files are zips, inspected as such without unpacking them (issue 16): the zip
directory's sizes and compression ratio (as for imported workbooks), then each member's name
and first bytes: no macros (vbaProject, macro-enabled content types, ActiveX), no executables
and no OLE containers (how macros, ActiveX and embedded "packages" with a program travel).
A request's files together may not pass SHIGAN_EVIDENCE_MAX_REQUEST_BYTES (`check_all`).
"""

import codecs
import hashlib
import os
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import filetype
from django.conf import settings
from django.core.files.base import File
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from shigan.core.errors import DomainError, ErrorCode
from shigan.core.spreadsheets import cage

__all__ = [
    "UploadError",
    "Checked",
    "check",
    "check_all",
    "ALLOWED",
    "accept",
    "active_content",
    "help_text",
    "HELP",
    "max_bytes",
]

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
# First bytes of programs (PE, ELF, Mach-O, Java class/fat Mach-O) and of OLE compound files.
_PROGRAM_MAGIC = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PROGRAM_NAME = re.compile(
    r"\.(exe|dll|com|scr|pif|cpl|msi|bat|cmd|ps1|vbs|vbe|js|jse|wsf|wsh|hta|jar|sh|lnk|"
    r"elf|so|dylib|app)$",
    re.IGNORECASE,
)
_MACRO_NAME = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml|activeX/)", re.IGNORECASE)
_TEXT_CONTROL = set(range(0, 32)) - {9, 10, 12, 13}


class UploadError(DomainError):
    codes = ErrorCode


@dataclass(frozen=True)
class Checked:
    file: "File[Any]"
    name: str  # the uploaded name, without any directory
    extension: str  # from the content
    mime: str
    size: int
    sha256: str


def max_bytes() -> int:
    return int(getattr(settings, "SHIGAN_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024))


def _zip_kind(file: "File[Any]", name: str) -> str | None:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            kind = _office_kind(names)
            if kind is not None:
                _inspect(archive, name)
    # A damaged, encrypted (RuntimeError) or oddly compressed member: not a readable file.
    except (
        zipfile.BadZipFile,
        OSError,
        ValueError,
        RuntimeError,
        NotImplementedError,
        EOFError,
        zlib.error,
    ):
        return None
    return kind


def _office_kind(names: set[str]) -> str | None:
    if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
        return "docx"
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return "xlsx"
    if "OFD.xml" in names:
        return "ofd"
    return None


def _inspect(archive: zipfile.ZipFile, name: str) -> None:
    """The zip's sizes and ratio, then no macros, programs or OLE containers inside; reads
    the directory and a few bytes of each member, never a whole member."""
    try:
        cage.check_zip(archive)
    except cage.Refused as refused:
        raise UploadError(
            _("文件“%(name)s”：%(reason)s") % {"name": name, "reason": refused.args[0]},
            code=ErrorCode.EVIDENCE_BAD_ZIP,
            field="files",
        ) from None
    found = active_content(archive)
    if found is not None:
        raise _with_code(name, found)


def active_content(archive: zipfile.ZipFile) -> str | None:
    """What an Office or OFD zip carries that can run: "宏" (macros), or the name of the
    member that is a program or an OLE container; None when it carries none. Reads the
    directory and a few bytes of each member, never a whole member."""
    if "[Content_Types].xml" in archive.namelist():
        with archive.open("[Content_Types].xml") as types:
            declared = types.read(2**20)
        if b"macroEnabled" in declared or b"vbaProject" in declared:
            return _("宏")
    for member in archive.infolist():
        if _MACRO_NAME.search(member.filename):
            return _("宏")
        if _PROGRAM_NAME.search(member.filename):
            return member.filename
        with archive.open(member) as stream:
            head = stream.read(8)
        if head.startswith(_PROGRAM_MAGIC) or head == _OLE_MAGIC:
            return member.filename
    return None


def _with_code(name: str, what: str) -> UploadError:
    return UploadError(
        _(
            "文件“%(name)s”内含宏、可执行程序或嵌入对象（%(what)s），不能上传。"
            "请另存为不含宏的文件或 PDF 后再上传。"
        )
        % {"name": name, "what": what},
        code=ErrorCode.EVIDENCE_ACTIVE_CONTENT,
        field="files",
    )


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


def _kind(file: "File[Any]", head: bytes, name: str) -> str | None:
    guessed = filetype.guess(head)
    if guessed is None:
        return "txt" if _is_text(head) else None
    if guessed.extension in ("pdf", "jpg", "png"):
        return str(guessed.extension)
    if guessed.extension in ("zip", "docx", "xlsx", "epub"):
        return _zip_kind(file, name)
    return None


def _digest(file: "File[Any]") -> tuple[int, str]:
    sha, size = hashlib.sha256(), 0
    for chunk in file.chunks():
        sha.update(chunk)
        size += len(chunk)
    return size, sha.hexdigest()


def _allowed_label() -> str:
    return _("PDF、JPG、PNG、Word（.docx）、Excel（.xlsx）、OFD 或纯文本（.txt）")


def help_text() -> str:
    """What a file input takes, for its form's help text."""
    return _("%(allowed)s，每个不超过 %(mb)s MB。") % {
        "allowed": _allowed_label(),
        "mb": f"{max_bytes() / 1024 / 1024:g}",
    }


# For a form field's help_text: said in the language of the page that shows it.
HELP = lazy(help_text, str)()


def accept(kinds: Iterable[str] | None = None) -> str:
    """The file input's `accept` attribute: a phone offers its camera and documents of these
    types, and hands a photo over as JPEG (not HEIC, which is not accepted). `kinds` (keys of
    ALLOWED) narrows it to what one form takes."""
    allowed = [ALLOWED[kind] for kind in kinds] if kinds is not None else list(ALLOWED.values())
    names = sorted({ext for _mime, extensions in allowed for ext in extensions})
    return ",".join([*names, *sorted({mime for mime, _ext in allowed})])


def check(upload: Any, *, field: str = "files") -> Checked:
    """The upload, checked; raises UploadError (naming the file, in Chinese, and the form's
    `field`) otherwise."""
    try:
        return _check(upload)
    except UploadError as refused:
        refused.field = field
        raise


def _check(upload: Any) -> Checked:
    file = upload if isinstance(upload, File) else File(upload)
    name = os.path.basename((getattr(upload, "name", "") or "").replace("\\", "/"))
    # Control and format characters (CR/LF, NUL, the right-to-left override that shows
    # "发票\u202efdp.exe.pdf" as "发票fdp.exe.pdf" reversed) are dropped, as Django's own form
    # parser does; a service may be handed a file that never went through it.
    name = "".join(c for c in name if c.isprintable()).strip()
    name = name[:255] or _("未命名文件")
    size = getattr(file, "size", None)
    limit = max_bytes()
    if size is not None and size > limit:
        raise _too_big(name, limit)
    file.seek(0)
    head = file.read(_HEAD)
    if not head:
        raise UploadError(
            _("文件“%(name)s”是空文件。") % {"name": name},
            code=ErrorCode.EVIDENCE_EMPTY,
            field="files",
        )
    kind = _kind(file, head, name)
    if kind is None:
        raise UploadError(
            _("文件“%(name)s”的内容不是允许的类型（%(allowed)s），不能上传。")
            % {"name": name, "allowed": _allowed_label()},
            code=ErrorCode.EVIDENCE_BAD_TYPE,
            field="files",
        )
    mime, extensions = ALLOWED[kind]
    if os.path.splitext(name)[1].lower() not in extensions:
        raise UploadError(
            _("文件“%(name)s”的扩展名与内容不符（内容是 %(kind)s 文件），不能上传。")
            % {"name": name, "kind": kind.upper()},
            code=ErrorCode.EVIDENCE_TYPE_MISMATCH,
            field="files",
        )
    size, sha256 = _digest(file)
    if size > limit:
        raise _too_big(name, limit)
    file.seek(0)
    return Checked(file, name, kind, mime, size, sha256)


def max_request_bytes() -> int:
    return int(getattr(settings, "SHIGAN_EVIDENCE_MAX_REQUEST_BYTES", 50 * 1024 * 1024))


def check_all(uploads: Iterable[Any], *, field: str = "files") -> list[Checked]:
    """Every upload of one request checked, and their sizes together within the request
    limit (each file alone within its own): one refused file or too much refuses them all."""
    checked = [check(upload, field=field) for upload in uploads]
    total, limit = sum(c.size for c in checked), max_request_bytes()
    if total > limit:
        raise UploadError(
            _(
                "本次上传的 %(n)d 个文件共 %(total)s MB，超过每次上传 %(mb)s MB 的总量限制，"
                "请分批上传。"
            )
            % {
                "n": len(checked),
                "total": f"{total / 1024 / 1024:.1f}",
                "mb": f"{limit / 1024 / 1024:g}",
            },
            code=ErrorCode.EVIDENCE_REQUEST_TOO_BIG,
            field=field,
        )
    return checked


def _too_big(name: str, limit: int) -> UploadError:
    return UploadError(
        _("文件“%(name)s”超过 %(mb)s MB 的大小限制，不能上传。")
        % {"name": name, "mb": f"{limit / 1024 / 1024:g}"},
        code=ErrorCode.EVIDENCE_TOO_BIG,
        field="files",
    )
