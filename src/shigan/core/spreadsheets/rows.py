"""Rows of a sheet as records: the cells of the columns found, parsed, with what is wrong with
each (the importer base reads every data row through one `RowReader`)."""

from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from xlsxwriter.utility import xl_col_to_name

from shigan.core.spreadsheets.layout import FORMULA_MESSAGE, is_numbering
from shigan.core.spreadsheets.values import CellError

if TYPE_CHECKING:  # for annotations only: the importer base reads its rows through this module
    from shigan.core.spreadsheets.importers import Importer

__all__ = ["Row", "Parser", "RowError", "Record", "RowReader", "is_blank"]

Row = list[Any]  # a sheet row's cells: str, int, float, date, datetime or bool
Parser = Callable[[Any], Any]  # a cell → its value (raises CellError)
_UNPARSED = object()  # a cell not parsed yet
_FORMULA_KINDS = ("text", "choice")
_UNSEEN = " \t\r\n\x0b\x0c\u3000\xa0\u202f\u200b\u200c\u200d\u2060\ufeff"  # a blank cell


@dataclass
class RowError:
    row: int  # the row number as the spreadsheet shows it (1-based)
    column: str  # the column title, or "" for the whole row
    value: Any
    message: str
    letter: str = ""  # the column's letter as the spreadsheet shows it ("C")
    # The importer's column key: `column` is the sheet's own heading, which varies by office
    # (what masks a personal column in a report must not depend on how the sheet titles it).
    key: str = ""

    def as_dict(self) -> dict[str, Any]:
        value = "" if self.value is None else str(self.value)
        return {
            "row": self.row,
            "letter": self.letter,
            "column": self.column,
            "value": value[:200],
            "message": self.message,
        }


class Record:
    """One data row: raw cells by column key, parsed values, and what is wrong with it."""

    __slots__ = ("row", "raw", "values", "errors", "unchanged", "obj", "updates")

    def __init__(self, row: int, raw: dict[str, Any]):
        self.row = row
        self.raw = raw
        self.values: dict[str, Any] = {}
        self.errors: list[RowError] = []
        self.unchanged = False
        self.obj: Any = None  # the record already in the database that this row updates
        self.updates: list[str] = []  # what the row changes in `obj`, in words

    @property
    def ok(self) -> bool:
        return not self.errors


def is_blank(row: Row) -> bool:
    for cell in row:
        if cell is not None and (not isinstance(cell, str) or cell.strip(_UNSEEN)):
            return False
    return True


def _as_label(parser: Parser) -> Parser:
    """`parser`, with a cell it cannot read taken as blank."""

    def read(cell: Any) -> Any:
        try:
            return parser(cell)
        except CellError:
            return None

    return read


class RowReader:
    """Turns a sheet's data rows into Records for one importer: the columns found, their
    parsers, and the formula cells, worked out once for every row."""

    def __init__(self, importer: "Importer", positions: dict[str, int], header: int):
        found = [c for c in importer.columns if c.key in positions]
        self.keys = tuple(c.key for c in found)
        self.indexes = indexes = tuple(positions[c.key] for c in found)
        # (parser, required, title, cache) per column found. Sheets repeat their values
        # (parents, kinds, names) thousands of times: a value is parsed once per column when
        # the parser depends on the cell alone (cache: value → result or error).
        pure = set(importer.cacheable_parsers)
        # A column the sheet titles as its row numbering (序号) is read as far as it reads:
        # "一" or "1." there is a label, not a refused row (the units' 排序 reads 序号 too).
        titled = importer.header_cells
        self.specs: list[tuple[Parser, bool, str, dict[Any, Any] | None]] = [
            (
                _as_label(importer._parser(c))
                if is_numbering(titled.get(c.key, "")) and not c.required
                else importer._parser(c),
                c.required,
                importer.column_title(c.key),
                {} if c.key in pure or getattr(importer, f"parse_{c.key}", None) is None else None,
            )
            for c in found
        ]
        # (column key, title, letter) of each text column with a formula cell, by sheet row.
        self.formulas: dict[int, list[tuple[str, str, str]]] = {}
        for r, c in importer.formulas:
            for column in found:
                if positions[column.key] == c and column.kind in _FORMULA_KINDS and r > header:
                    self.formulas.setdefault(r, []).append(
                        (column.key, importer.column_title(column.key), xl_col_to_name(c))
                    )
        self.letters = [xl_col_to_name(i) for i in indexes]
        self.missing = dict.fromkeys(c.key for c in importer.columns if c.key not in positions)
        self.pick = itemgetter(*indexes) if len(indexes) > 1 else (lambda row: (row[indexes[0]],))
        self.widest = max(indexes, default=-1)
        self.required_message = _("必填，不能为空。")

    def _cells(self, row: Row) -> tuple[Any, ...]:
        if len(row) > self.widest:
            return self.pick(row)
        width = len(row)
        return tuple(row[i] if i < width else "" for i in self.indexes)

    def _parsed(self, parser: Parser, required: bool, cell: Any) -> Any:
        """The cell's value, or the CellError saying what is wrong with it."""
        try:
            value = parser(cell)
            if required and (value is None or value == ""):
                raise CellError(self.required_message)
        except CellError as error:
            return error
        return value

    def record(self, number: int, row: Row) -> Record:
        """Sheet row `number` (1-based) as a Record: values parsed, errors listed."""
        cells = self._cells(row)
        record = Record(number, dict(zip(self.keys, cells, strict=True)))
        values, errors = record.values, record.errors
        for key, cell, (parser, required, title, cache), letter in zip(
            self.keys, cells, self.specs, self.letters, strict=True
        ):
            # Cached: text and float cells only (1 == 1.0 == True, -0.0 == 0.0, but no str
            # equals a float).
            if cache is not None and (type(cell) is str or type(cell) is float and cell):
                value = cache.get(cell, _UNPARSED)
                if value is _UNPARSED:
                    value = cache[cell] = self._parsed(parser, required, cell)
            else:
                value = self._parsed(parser, required, cell)
            if isinstance(value, CellError):
                errors.append(RowError(number, title, cell, value.message, letter, key))
            else:
                values[key] = value
        for key, title, letter in self.formulas.get(number - 1, ()):
            errors.append(
                RowError(number, title, record.raw.get(key), str(FORMULA_MESSAGE), letter, key)
            )
        if self.missing:
            values.update(self.missing)
        return record
