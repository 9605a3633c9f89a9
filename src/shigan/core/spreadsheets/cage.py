"""Reading an uploaded workbook in a cage (issue 16).

A 5 KB xlsx with one cell at XFD1048576 makes the reader build a dense range of 17 billion
cells and the process abort (SIGABRT: no exception to catch); a 1.5 MB zip bomb takes a gigabyte.
So, before the reader sees a file, cheap checks of the zip (member sizes, total size,
compression ratio) and of the first sheet's extent (its declared <dimension> and the cell
references actually in it); then the reader runs in a forked child process under
resource.setrlimit limits on memory (address space) and CPU time, with a wall-clock timeout.
A file that trips any of them is refused with one clear message; the worker lives on.

The child only runs the reader and writes its pickled rows to a pipe, then leaves with
os._exit: it touches no lock, log or database connection it inherited from the parent.

The sheet read is the first visible worksheet the caller accepts (`accept`: the importer finds
its header there), else the first visible one: offices put a 填表说明 sheet before the table,
and WPS templates a hidden sheet of drop-down lists. A sheet other than the first is checked
for its extent in the child, before it is read.
"""

import faulthandler
import html
import io
import os
import pickle
import re
import resource
import select
import signal
import time
import zipfile
from collections.abc import Callable
from typing import Any, NamedTuple

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from shigan.core.spreadsheets.hidden import sheet_hidden_rows

__all__ = [
    "Refused",
    "Damaged",
    "read_first_sheet",
    "read_sheet",
    "sheet_members",
    "precheck",
    "check_zip",
]

SHEETS_TRIED = 20  # visible worksheets read, at most, looking for the one the caller accepts
Rows = list[list[Any]]


class Sheet(NamedTuple):
    """The sheet read: its name, rows, the rows (0-based) hidden in it (.xls and .ods; an
    xlsx's are found in its XML), and the other visible sheets the caller accepts too."""

    name: str
    rows: Rows
    hidden: set[int]
    others: list[str]


ZIP_FORMATS = (".xlsx", ".xlsm", ".ods")
_CELL_REF = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')
_ROW_REF = re.compile(rb'<row\b[^>]*?\br="([0-9]{1,7})"')
_DIMENSION = re.compile(rb'<dimension\b[^>]*?\bref="(?:[A-Z]+[0-9]+:)?([A-Z]{1,3})([0-9]{1,7})"')


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


class Refused(Exception):
    """The file is too large or oddly built to be read safely."""

    def __init__(self, reason: str):
        super().__init__(_("文件过大或结构异常，无法读取（%(reason)s）。") % {"reason": reason})
        self.reason = reason


class Damaged(Exception):
    """The reader itself refused the file (damaged, not a workbook)."""


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def check_zip(archive: zipfile.ZipFile) -> None:
    """Member count, member and total unpacked sizes, compression ratio: from the directory."""
    members = archive.infolist()
    if len(members) > 10_000:
        raise Refused(_("压缩包内文件过多"))
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > _limit("SHIGAN_SHEET_MAX_MEMBER_BYTES", 200 * 2**20):
            raise Refused(_("表格内单个部件解压后过大"))
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 2**20 and ratio > _limit("SHIGAN_SHEET_MAX_RATIO", 100):
            raise Refused(_("压缩比异常（疑似压缩炸弹）"))
    if total > _limit("SHIGAN_SHEET_MAX_UNPACKED_BYTES", 300 * 2**20):
        raise Refused(_("表格解压后总量过大"))


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    sheets = sorted(
        (n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
        key=lambda n: int(n.rsplit("/", 1)[1][len("sheet") : -len(".xml")]),  # as fullmatched
    )
    return sheets[0] if sheets else None


_SHEET_ENTRY = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
_ATTRIBUTE = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')


def _attributes(text: bytes) -> dict[str, str]:
    """An element's attributes without their prefixes (r:id → id), unescaped."""
    return {
        key.decode().rsplit(":", 1)[-1]: html.unescape(value.decode())
        for key, value in _ATTRIBUTE.findall(text)
    }


def sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """{sheet name: the archive member holding it} of an xlsx, in the workbook's order (which
    need not be the order of the members' numbers: sheets are moved about)."""
    try:
        book = archive.read("xl/workbook.xml")
        links = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {}
    for found in _RELATIONSHIP.finditer(links):
        link = _attributes(found[1])
        target = link.get("Target", "")
        targets[link.get("Id")] = target[1:] if target.startswith("/") else "xl/" + target
    members = {}
    for found in _SHEET_ENTRY.finditer(book):
        sheet = _attributes(found[1])
        if sheet.get("name") and sheet.get("id") in targets:
            members[sheet["name"]] = targets[sheet["id"]]
    return members


def _check_extent(archive: zipfile.ZipFile, name: str | None = None) -> None:
    """A sheet's extent (the first sheet's by default), declared and actual, streamed: rows ×
    columns within limit."""
    name = name or _first_sheet(archive)
    if name is None or name not in archive.namelist():
        return
    max_row = max_col = 0
    tail = b""
    with archive.open(name) as stream:
        while chunk := stream.read(2**20):
            text = tail + chunk
            for found in _DIMENSION.finditer(text):
                max_col = max(max_col, _column_number(found[1]))
                max_row = max(max_row, int(found[2]))
            for found in _CELL_REF.finditer(text):
                max_col = max(max_col, _column_number(found[1]))
                max_row = max(max_row, int(found[2]))
            for found in _ROW_REF.finditer(text):
                max_row = max(max_row, int(found[1]))
            tail = text[-256:]  # a reference cut in two by the chunk boundary
    if max_row > _limit("SHIGAN_SHEET_MAX_ROWS", 1_000_000):
        raise Refused(_("行数过多"))
    if max_row * max_col > _limit("SHIGAN_SHEET_MAX_CELLS", 5_000_000):
        raise Refused(
            _("工作表范围过大：%(rows)d 行 × %(cols)d 列") % {"rows": max_row, "cols": max_col}
        )


def precheck(data: bytes, ext: str) -> None:
    if ext not in ZIP_FORMATS:
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise Damaged(str(error)) from None
    with archive:
        check_zip(archive)
        if ext in (".xlsx", ".xlsm"):
            _check_extent(archive)


def _mapped_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _read(data: bytes, ext: str, accept: Callable[[Rows], bool] | None) -> Sheet:
    """The first visible worksheet `accept`s, else the first visible one: (its name, rows, the
    rows hidden in it when it is an .xls or an .ods)."""
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets = [
        sheet.name
        for sheet in workbook.sheets_metadata
        if sheet.typ == SheetTypeEnum.WorkSheet and sheet.visible == SheetVisibleEnum.Visible
    ] or workbook.sheet_names[:1]
    members: dict[str, str] = {}
    archive = zipfile.ZipFile(io.BytesIO(data)) if ext in (".xlsx", ".xlsm") else None
    if archive is not None:
        members = sheet_members(archive)
    chosen: tuple[str, Rows] | None = None
    accepted, others = False, []
    for name in sheets[:SHEETS_TRIED]:
        if archive is not None and name in members:
            _check_extent(archive, members[name])
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        if accept is None or not accepted and accept(rows):
            chosen, accepted = (name, rows), True
            if accept is None:
                break
        elif accepted and accept(rows):  # another sheet of the same table: said, not read
            others.append(name)
        chosen = chosen or (name, rows)
    name, rows = chosen or ("", [])
    return Sheet(name, rows, sheet_hidden_rows(data, ext, name, len(rows)), others)


def _child(data: bytes, ext: str, accept: Callable[[Rows], bool] | None, write_fd: int) -> None:
    """In the forked child: limits, read, write the pickled outcome, leave."""
    # On top of what the process already maps (a forked worker's threads and libraries):
    # the reader may take this much more.
    memory = _mapped_bytes() + _limit("SHIGAN_SHEET_MAX_MEMORY_BYTES", 2**30)
    cpu = _limit("SHIGAN_SHEET_MAX_CPU_SECONDS", 60)
    code = 0
    faulthandler.disable()  # an abort on the memory limit is expected here, not a crash report
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
        try:
            outcome: tuple[str, object] = ("sheet", _read(data, ext, accept))
        except MemoryError:
            outcome = ("refused", _("读取时超出内存限制"))
        except Refused as refusal:
            outcome = ("refused", refusal.reason)
        except Exception as error:  # calamine's own errors for damaged files
            outcome = ("damaged", str(error))
        payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(payload)
        while view:
            view = view[os.write(write_fd, view) :]
    except BaseException:  # noqa: BLE001  (whatever happens, the child must not return)
        code = 1
    finally:
        os._exit(code)


def _collect(pid: int, read_fd: int) -> bytes:
    deadline = time.monotonic() + _limit("SHIGAN_SHEET_TIMEOUT_SECONDS", 120)
    chunks: list[bytes] = []
    with os.fdopen(read_fd, "rb", buffering=0) as pipe:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                raise Refused(_("读取超时"))
            ready, _w, _x = select.select([pipe], [], [], left)
            if ready:
                chunk = pipe.read(2**20)
                if not chunk:
                    break
                chunks.append(chunk)
    _pid, status = os.waitpid(pid, 0)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        raise Refused(_("读取时超出内存或时间限制"))
    return b"".join(chunks)


def read_sheet(data: bytes, ext: str, accept: Callable[[Rows], bool] | None = None) -> Sheet:
    """The name, rows and hidden rows (.xls and .ods; an xlsx's are found in its XML) of the
    first visible worksheet that `accept`s (else of the first visible one), read in the cage;
    Refused or Damaged otherwise."""
    precheck(data, ext)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_fd)
        _child(data, ext, accept, write_fd)
    os.close(write_fd)
    kind, value = pickle.loads(_collect(pid, read_fd))
    if kind == "refused":
        raise Refused(value)
    if kind == "damaged":
        raise Damaged(value)
    sheet: Sheet = value
    return sheet


def read_first_sheet(data: bytes, ext: str) -> Rows:
    """All rows of the first visible sheet, read in the cage; Refused or Damaged otherwise."""
    return read_sheet(data, ext)[1]
