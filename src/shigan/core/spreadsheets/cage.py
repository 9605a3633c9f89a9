"""Reading an uploaded workbook in a cage (issue 16).

A 5 KB xlsx with one cell at XFD1048576 makes the reader build a dense range of 17 billion
cells and the process abort (SIGABRT: no exception to catch); a 1.5 MB zip bomb takes a gigabyte.
So, before the reader sees a file, cheap checks of the zip's directory (member sizes, total size,
compression ratio); then the reader runs in a forked child process under resource.setrlimit
limits on memory (address space) and CPU time, with a wall-clock timeout. There, before calamine
reads a sheet, the sheet's XML is unpacked once and its extent checked (its declared <dimension>
and the cell references actually in it: `xml_scan`), and the formula cells and hidden rows are
found in the same bytes. A file that trips any of them is refused with one clear message; the
worker lives on.

The child only runs the reader and writes the outcome to a pipe, then leaves with os._exit: it
touches no lock, log or database connection it inherited from the parent. The rows go as
pickled lists, each distinct text once (a sheet repeats its parents, kinds and names thousands of
times): half the bytes, and the parent gets one string object per distinct text.

The sheet read is the first visible worksheet the caller accepts (`accept`: the importer finds
its header there), else the first visible one: offices put a 填表说明 sheet before the table,
and WPS templates a hidden sheet of drop-down lists.
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

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from shigan.core.spreadsheets.hidden import sheet_hidden_rows
from shigan.core.spreadsheets.xml_scan import (
    SheetLimits,
    check_extent,
    formula_cells,
    hidden_rows,
    limit,
)

__all__ = [
    "Refused",
    "Damaged",
    "Sheet",
    "read_first_sheet",
    "read_sheet",
    "sheet_members",
    "precheck",
    "check_zip",
]

SHEETS_TRIED = 20  # visible worksheets read, at most, looking for the one the caller accepts
Rows = list[list[Any]]

ZIP_FORMATS = (".xlsx", ".xlsm", ".ods")


class Refused(Exception):
    """The file is too large or oddly built to be read safely."""

    def __init__(self, reason: str):
        super().__init__(_("文件过大或结构异常，无法读取（%(reason)s）。") % {"reason": reason})
        self.reason = reason


class Damaged(Exception):
    """The reader itself refused the file (damaged, not a workbook)."""


class Sheet(NamedTuple):
    """The sheet read: its name ("" for a csv), rows, the rows (0-based) hidden in it (an
    xlsx's found in its XML, an .xls's and an .ods's by `hidden`), the other visible sheets the
    caller accepts too, and the formula cells (row, column; 0-based, xlsx only)."""

    name: str
    rows: Rows
    hidden: set[int]
    others: list[str]
    formulas: set[tuple[int, int]]


def check_zip(archive: zipfile.ZipFile) -> None:
    """Member count, member and total unpacked sizes, compression ratio: from the directory."""
    members = archive.infolist()
    if len(members) > 10_000:
        raise Refused(_("压缩包内文件过多"))
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > limit("SHIGAN_SHEET_MAX_MEMBER_BYTES", 200 * 2**20):
            raise Refused(_("表格内单个部件解压后过大"))
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 2**20 and ratio > limit("SHIGAN_SHEET_MAX_RATIO", 100):
            raise Refused(_("压缩比异常（疑似压缩炸弹）"))
    if total > limit("SHIGAN_SHEET_MAX_UNPACKED_BYTES", 300 * 2**20):
        raise Refused(_("表格解压后总量过大"))


def _worksheets(archive: zipfile.ZipFile) -> list[str]:
    """The members xl/worksheets/sheetN.xml, by their number."""
    return sorted(
        (n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
        key=lambda n: int(n.rsplit("/", 1)[1][len("sheet") : -len(".xml")]),  # as fullmatched
    )


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


def precheck(data: bytes, ext: str) -> None:
    """What the zip's directory tells, before anything is unpacked (in the parent)."""
    if ext not in ZIP_FORMATS:
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise Damaged(str(error)) from None
    with archive:
        check_zip(archive)


def _scan(
    archive: zipfile.ZipFile, members: dict[str, str], name: str
) -> tuple[set[tuple[int, int]], set[int]]:
    """Before calamine reads sheet `name` of an xlsx: its XML unpacked once, its extent checked
    (every worksheet's when the workbook does not say which member holds it), its formula cells
    and hidden rows found."""
    member = members.get(name)
    if member is None:
        _extent_checked(archive, members, name)  # every worksheet's
        member = next(iter(members.values()), None)
        if member is None:
            return set(), set()
    xml = archive.read(member)
    check_extent(xml)
    return formula_cells(xml), hidden_rows(xml)


def _mapped_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _shared_texts(rows: Rows) -> Rows:
    """The rows with each distinct text one object: pickled once, then referred to."""
    texts: dict[str, str] = {}
    same = texts.setdefault
    return [[same(cell, cell) if type(cell) is str else cell for cell in row] for row in rows]


def _extent_checked(archive: zipfile.ZipFile, members: dict[str, str], name: str) -> None:
    """Sheet `name`'s extent checked before calamine builds it (every worksheet's when the
    workbook does not say which member holds it), and nothing else looked for."""
    member = members.get(name)
    for xml_member in [member] if member else _worksheets(archive):
        check_extent(archive.read(xml_member))


def _read(
    data: bytes, ext: str, accept: Callable[[Rows], bool] | None, accept_rows: int | None
) -> Sheet:
    """The first visible worksheet `accept`s, else the first visible one. `accept` looks at no
    more than the first `accept_rows` rows (None: all of them)."""
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
    chosen: tuple[str, Rows, set[tuple[int, int]], set[int]] | None = None
    accepted, others = False, []
    for name in sheets[:SHEETS_TRIED]:
        if accepted:  # another sheet of the same table, only named: its header rows are enough
            if archive is not None:
                _extent_checked(archive, members, name)
            head = workbook.get_sheet_by_name(name).to_python(
                skip_empty_area=False, nrows=accept_rows
            )
            if accept is not None and accept(head):
                others.append(name)
            continue
        formulas, hidden = _scan(archive, members, name) if archive is not None else (set(), set())
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        if accept is None or accept(rows):
            chosen, accepted = (name, rows, formulas, hidden), True
            if accept is None:
                break
        chosen = chosen or (name, rows, formulas, hidden)
    name, rows, formulas, hidden = chosen or ("", [], set(), set())
    if archive is None:
        hidden = sheet_hidden_rows(data, ext, name, len(rows))
    return Sheet(name, rows, hidden, others, formulas)


def _child(
    data: bytes,
    ext: str,
    accept: Callable[[Rows], bool] | None,
    accept_rows: int | None,
    write_fd: int,
) -> None:
    """In the forked child: limits, read, write the pickled outcome, leave."""
    # On top of what the process already maps (a forked worker's threads and libraries):
    # the reader may take this much more.
    memory = _mapped_bytes() + limit("SHIGAN_SHEET_MAX_MEMORY_BYTES", 2**30)
    cpu = limit("SHIGAN_SHEET_MAX_CPU_SECONDS", 60)
    code = 0
    faulthandler.disable()  # an abort on the memory limit is expected here, not a crash report
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
        try:
            name, rows, hidden, others, formulas = _read(data, ext, accept, accept_rows)
            sheet = (name, _shared_texts(rows), hidden, others, formulas)
            outcome: tuple[str, object] = ("sheet", sheet)
        except MemoryError:
            outcome = ("refused", _("读取时超出内存限制"))
        except (Refused, SheetLimits) as refusal:
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
    deadline = time.monotonic() + limit("SHIGAN_SHEET_TIMEOUT_SECONDS", 120)
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


def read_sheet(
    data: bytes,
    ext: str,
    accept: Callable[[Rows], bool] | None = None,
    accept_rows: int | None = None,
) -> Sheet:
    """The first visible worksheet that `accept`s (else the first visible one), read in the
    cage; Refused or Damaged otherwise. `accept` looks at the first `accept_rows` rows only
    (None: all), so that the other sheets it accepts too are named without being read whole."""
    precheck(data, ext)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_fd)
        _child(data, ext, accept, accept_rows, write_fd)
    os.close(write_fd)
    kind, value = pickle.loads(_collect(pid, read_fd))
    if kind == "refused":
        raise Refused(value)
    if kind == "damaged":
        raise Damaged(value)
    return Sheet(*value)


def read_first_sheet(data: bytes, ext: str) -> Rows:
    """All rows of the first visible sheet, read in the cage; Refused or Damaged otherwise."""
    return read_sheet(data, ext).rows
