"""Reading an uploaded file's sheet into rows of cell values: the first visible sheet, or the
first the caller accepts (the one with the importer's header)."""

import csv
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shigan.core.errors import DomainError, ErrorCode
from shigan.core.spreadsheets import cage

__all__ = ["SheetReadError", "SUPPORTED_EXTENSIONS", "read_rows", "read_sheet", "decode_csv"]

SUPPORTED_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")


class SheetReadError(DomainError):
    codes = ErrorCode

    def __init__(self, message: str):
        super().__init__(message, code=ErrorCode.UNREADABLE_SHEET, field="file")


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with its BOM (Excel's and WPS's "Unicode 文本",
    tab-separated), else GB18030 (a superset of GBK and GB2312)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise SheetReadError(_("无法识别 CSV 文件的编码，请另存为 UTF-8 或 GB18030。")) from None


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a legacy .xls (and .et) file
_ZIP = b"PK\x03\x04"
WEB_PAGE_MESSAGE = gettext_lazy(
    "这是网页（HTML）格式的表格，不是 Excel 文件。请用 Excel 或 WPS 打开后另存为 xlsx 再上传。"
)
_HTML = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<(?:!doctype|html|table|\?xml[^>]*>\s*<html)", re.I)


def sheet_format(data: bytes, ext: str) -> str:
    """The extension of what the file is, whatever it is called: offices rename an .xls to
    .xlsx and back. A zip is an xlsx or an ods by its members; anything else keeps `ext`. A web
    page saved as .xls (what many systems export) is refused with a message saying so."""
    if data.startswith(_OLE2):
        return ".xls"
    if data.startswith(_ZIP):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return ext  # damaged: the reader says how
        if "xl/workbook.xml" in names:
            return ".xlsm" if ext == ".xlsm" else ".xlsx"
        return ".ods" if "content.xml" in names else ext
    if ext != ".csv" and is_web_page(data[:512]):
        raise SheetReadError(str(WEB_PAGE_MESSAGE))
    return ext


def is_web_page(head: bytes) -> bool:
    """Whether a file's first bytes are those of an HTML page."""
    return bool(_HTML.match(head))


def _read_csv(data: bytes) -> list[list[Any]]:
    text = decode_csv(data)
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def read_rows(
    source: str | Path | bytes | IO[bytes], filename: str | None = None
) -> list[list[Any]]:  # cells: str, int, float, date, datetime or bool
    """All rows of the first visible sheet (cells as str/int/float/date/datetime/bool, blanks
    as "")."""
    return read_sheet(source, filename).rows


def read_sheet(
    source: str | Path | bytes | IO[bytes],
    filename: str | None = None,
    accept: Callable[[list[list[Any]]], bool] | None = None,
    accept_rows: int | None = None,
) -> cage.Sheet:
    """The first visible sheet that `accept`s, else the first visible sheet: its name ("" for a
    csv), rows, hidden rows (0-based), the other visible sheets it accepts too, and (xlsx) its
    formula cells. `accept` looks at no more than the first `accept_rows` rows (None: all)."""
    if isinstance(source, str | Path):
        filename = filename or str(source)
        data = Path(source).read_bytes()
    elif isinstance(source, bytes):
        data = source
    else:
        data = source.read()
    ext = Path(filename or "").suffix.lower()
    if ext not in SUPPORTED_EXTENSIONS:
        raise SheetReadError(
            _("不支持的文件类型“%(ext)s”，请上传 xlsx、xls、ods 或 csv 文件。")
            % {"ext": ext or "?"}
        )
    ext = sheet_format(data, ext)
    if ext == ".csv":
        return cage.Sheet("", _read_csv(data), set(), [], set())
    try:
        # in a child process, under limits
        return cage.read_sheet(data, ext, accept, accept_rows)
    except cage.Refused as refusal:
        raise SheetReadError(str(refusal)) from None
    except Exception:  # calamine's own errors for damaged files, in English: not shown
        raise SheetReadError(
            _(
                "无法识别文件格式：%(name)s。文件可能已损坏或不是 Excel、WPS 表格，"
                "请用 Excel 或 WPS 打开后另存为 .xlsx 后再上传。"
            )
            % {"name": Path(filename or "").name or "?"}
        ) from None
