"""What is learnt from an xlsx sheet's XML itself, in one look at it (the reader's child process
unpacks it once, then calamine reads the sheet): its extent (rows × columns, refused past the
limits before the reader builds the sheet), which cells hold formulas and which rows are hidden.

calamine says neither which cells were formulas nor which rows are hidden, so the bytes are
scanned, not parsed: a ledger of 100,000 rows is 26 MB of XML and half a million cell elements.
Each scan first looks for what it is after by a literal (C speed); the full pattern is run only
where it can match, and finds exactly what it finds over the whole text.
"""

import re

from django.conf import settings
from django.utils.translation import gettext as _

__all__ = ["SheetLimits", "limit", "check_extent", "formula_cells", "hidden_rows"]

_CELL_COLUMN = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})[0-9]{1,7}"')
_CELL_ROW = re.compile(rb'<c\b[^>]*?\br="[A-Z]{1,3}([0-9]{1,7})"')
_ROW_REF = re.compile(rb'<row\b[^>]*?\br="([0-9]{1,7})"')
_DIMENSION = re.compile(rb'<dimension\b[^>]*?\bref="(?:[A-Z]+[0-9]+:)?([A-Z]{1,3})([0-9]{1,7})"')


class SheetLimits(Exception):
    """The sheet is larger than the reader may build; `reason` says how (Chinese)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def limit(name: str, default: int) -> int:
    """A reader's limit: the setting `name` (SHIGAN_SHEET_…), else `default`."""
    return int(getattr(settings, name, default))


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def check_extent(xml: bytes) -> None:
    """Raise SheetLimits when the sheet's extent, declared (<dimension>) or actual (the cell and
    row references in it), passes the limits on rows and on cells."""
    columns = set(_CELL_COLUMN.findall(xml))
    rows = set(_CELL_ROW.findall(xml))
    rows.update(_ROW_REF.findall(xml))
    for column, row in _DIMENSION.findall(xml):
        columns.add(column)
        rows.add(row)
    max_col = max(map(_column_number, columns), default=0)
    max_row = max(map(int, rows), default=0)
    if max_row > limit("SHIGAN_SHEET_MAX_ROWS", 1_000_000):
        raise SheetLimits(_("行数过多"))
    if max_row * max_col > limit("SHIGAN_SHEET_MAX_CELLS", 5_000_000):
        raise SheetLimits(
            _("工作表范围过大：%(rows)d 行 × %(cols)d 列") % {"rows": max_row, "cols": max_col}
        )


_CELL_REF = re.compile(rb"^([A-Z]+)([0-9]+)$")
# A cell element whose first child is a formula: <c r="B5" …><f>…</f><v>…</v></c> (any prefix).
_FORMULA_CELL = re.compile(
    rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3}[0-9]{1,7})"[^>]*>\s*<(?:\w+:)?f\b'
)
# What every match of _FORMULA_CELL holds: the formula element's name, followed by a character
# that ends a name and is no "=" (ref="…" is in most sheets). Searched for by its first letter.
_FORMULA_NAME = re.compile(rb"f(?:[^\w=]|\Z)")


def _ref_index(ref: bytes) -> tuple[int, int] | None:
    m = _CELL_REF.match(ref)
    if not m:
        return None
    return int(m[2]) - 1, _column_number(m[1]) - 1


def formula_cells(xml: bytes) -> set[tuple[int, int]]:
    """(row, column), 0-based, of the formula cells in an xlsx sheet's XML. Other formats report
    none: .xls keeps formulas in binary records and .ods in attributes that calamine already
    resolves to values, and a csv has no formulas."""
    if not _FORMULA_NAME.search(xml):
        return set()
    found = (_ref_index(ref) for ref in _FORMULA_CELL.findall(xml))
    return {index for index in found if index is not None}


_HIDDEN = re.compile(rb'hidden="(?:1|true)"')
_ROW_ELEMENT = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb'\br="([0-9]{1,7})"')


def hidden_rows(xml: bytes) -> set[int]:
    """The rows (0-based) hidden in an xlsx sheet's XML: hidden by hand or by a filter (Excel
    and WPS mark both alike). Each hidden="1" is looked up in the element holding it, which
    counts when it is a row (a column or a sheet may be hidden too)."""
    hidden = set()
    for mark in _HIDDEN.finditer(xml):
        at = mark.start()
        if at and (xml[at - 1 : at].isalnum() or xml[at - 1] == ord("_")):
            continue  # part of a longer attribute name
        row = _ROW_ELEMENT.match(xml, xml.rfind(b"<", 0, at))
        if row is not None and row.end() > at and (number := _ROW_NUMBER.search(row[1])):
            hidden.add(int(number[1]) - 1)
    return hidden
