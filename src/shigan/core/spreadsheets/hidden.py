"""Rows hidden in an .xls or an .ods (by hand or by a filter), which calamine reads like the
others without saying so. The xlsx scan is `xml_scan.hidden_rows` (on the sheet XML the formula
scan reads too); these two run in the reader's cage (`cage._read`), on the sheet it chose:
xlrd parses a BIFF file, and an .ods's content.xml can be large.
"""

import html
import io
import re
import zipfile

__all__ = ["sheet_hidden_rows", "ods_hidden_rows", "xls_hidden_rows"]

_TABLE = re.compile(rb"<table:table\b([^>]*)>")
_TABLE_END = re.compile(rb"</table:table>")
_NAME = re.compile(rb'\btable:name="([^"]*)"')
_ROW = re.compile(rb"<table:table-row\b([^>]*)>")
_REPEATED = re.compile(rb'\btable:number-rows-repeated="([0-9]{1,9})"')
_HIDDEN = re.compile(rb'\btable:visibility="(?:collapse|filter)"')


def ods_hidden_rows(content: bytes, sheet: str, limit: int) -> set[int]:
    """The rows (0-based, below `limit`) of the table named `sheet` in an .ods's content.xml
    that are collapsed (hidden by hand) or filtered out. A row element may stand for many rows
    (`table:number-rows-repeated`: a trailing blank region is one element)."""
    start = end = -1
    for table in _TABLE.finditer(content):
        name = _NAME.search(table[1])
        if name and html.unescape(name[1].decode()) == sheet:
            start = table.end()
            found = _TABLE_END.search(content, start)
            end = found.start() if found else len(content)
            break
    hidden: set[int] = set()
    row = 0
    for element in _ROW.finditer(content, start, end) if start >= 0 else ():
        if row >= limit:
            break
        repeated = _REPEATED.search(element[1])
        count = int(repeated[1]) if repeated else 1
        if _HIDDEN.search(element[1]):
            hidden.update(range(row, min(row + count, limit)))
        row += count
    return hidden


def xls_hidden_rows(data: bytes, sheet: str, limit: int) -> set[int]:
    """The rows (0-based, below `limit`) of an .xls sheet whose ROW record is marked hidden
    (BIFF keeps one flag for a row hidden by hand and by a filter)."""
    import xlrd  # only in the cage: the parent never parses a BIFF file

    book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    try:
        info = book.sheet_by_name(sheet).rowinfo_map
    finally:
        book.release_resources()
    return {r for r, row in info.items() if row.hidden and r < limit}


def sheet_hidden_rows(data: bytes, ext: str, sheet: str, limit: int) -> set[int]:
    """The hidden rows of an .xls's or an .ods's sheet; none for other formats, or when the
    file cannot be scanned (calamine read it: the rows come in, only the note is missing)."""
    try:
        if ext == ".xls":
            return xls_hidden_rows(data, sheet, limit)
        if ext == ".ods":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return ods_hidden_rows(archive.read("content.xml"), sheet, limit)
    except Exception:  # noqa: BLE001  (an odd file: xlrd's or zipfile's own errors)
        return set()
    return set()
