"""Checking an attachment by its content, not its name: size, then the file's own signature."""

import io
import zipfile

from django.utils.translation import gettext as _

from shigan.core.errors import DomainError
from shigan.core.uploads import ALLOWED, active_content
from shigan.study.errors import ErrorCode

__all__ = ["MAX_ATTACHMENT_BYTES", "CONTENT_TYPES", "sniff_type", "AttachmentError"]

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024

# The kinds a study attachment may be, with their MIME types as every upload knows them.
CONTENT_TYPES = {kind: ALLOWED[kind][0] for kind in ("pdf", "docx", "xlsx", "jpg", "png")}


class AttachmentError(DomainError):
    codes = ErrorCode


def _zip_contents(upload) -> tuple[set[str], str | None]:
    """A zip's member names, and what it carries that can run (core.uploads), as evidence
    is checked: a .docx with a macro project or an embedded program is refused."""
    try:
        with zipfile.ZipFile(upload) as archive:
            return set(archive.namelist()), active_content(archive)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
        return set(), None


def sniff_type(upload) -> str:
    """pdf, docx, xlsx, jpg or png, read from the bytes; AttachmentError otherwise."""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size > MAX_ATTACHMENT_BYTES:
        raise AttachmentError(
            _("附件不能超过 %(mb)d MB。") % {"mb": MAX_ATTACHMENT_BYTES // 2**20},
            code=ErrorCode.ATTACHMENT_TOO_LARGE,
            field="attachment",
        )
    if size == 0:
        raise AttachmentError(
            _("附件是空文件。"), code=ErrorCode.ATTACHMENT_EMPTY, field="attachment"
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    kind = None
    if head.startswith(b"%PDF-"):
        kind = "pdf"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        kind = "jpg"
    elif head.startswith(b"PK\x03\x04"):
        names, found = _zip_contents(upload)
        upload.seek(0)
        if found is not None:
            raise AttachmentError(
                _(
                    "附件内含宏、可执行程序或嵌入对象（%(what)s），不能上传。"
                    "请另存为不含宏的文件或 PDF 后再上传。"
                )
                % {"what": found},
                code=ErrorCode.ATTACHMENT_TYPE,
                field="attachment",
            )
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            kind = "docx"
        elif "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            kind = "xlsx"
    if kind is None:
        raise AttachmentError(
            _("附件只能是 PDF、Word（docx）、Excel（xlsx）、JPG 或 PNG 文件（按文件内容判断）。"),
            code=ErrorCode.ATTACHMENT_TYPE,
            field="attachment",
        )
    return kind
