"""The importer base: find the header, read every row, report every bad cell, save in bulk.

A subclass declares its columns, its natural key (the columns that identify a record, so that
importing the same file twice changes nothing) and how to save valid rows through a service.
"""

import gc
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, ClassVar

from django.db import transaction
from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from xlsxwriter.utility import xl_col_to_name

from shigan.core.errors import DomainError, RowsRejected
from shigan.core.spreadsheets.layout import (
    TitledTwice,
    check_titled_once,
    find_header,
    footer_start,
    group_heading,
    header_cells,
    header_key,
    heading_aspect,
    hidden_rows_note,
    is_aside,
    ledger_date,
    other_sheets_note,
    unread_columns_note,
)
from shigan.core.spreadsheets.reading import SheetReadError, read_sheet
from shigan.core.spreadsheets.rows import Parser, Record, Row, RowError, RowReader, is_blank
from shigan.core.spreadsheets.values import (
    CellError,
    label_index,
    match_key,
    normalize_text,
    parse_date,
    parse_deadline,
    parse_int,
    parse_text,
    spellings,
)

if TYPE_CHECKING:  # a stub-only type: django-stubs-ext is not installed in production
    from django_stubs_ext import StrOrPromise

__all__ = [
    "Column",
    "ImportMode",
    "Record",
    "RowError",
    "ImportResult",
    "Importer",
]

HEADER_SCAN_ROWS = 30
Source = str | Path | bytes | IO[bytes]  # a path, the file's bytes, or an open binary file
PROGRESS_EVERY = 2000
ERRORS_SHOWN = 500  # errors kept in a job's summary for its page (all are in the report)


class ImportMode(TextChoices):
    ALL_OR_NOTHING = "all", gettext_lazy("全部正确才导入")
    VALID_ROWS = "valid", gettext_lazy("只导入正确的行")


@dataclass(frozen=True)
class Column:
    """One column of a sheet. `kind` is text, int, date or choice; `choices` (value, label).

    A sheet is read as it was written, whatever language the reader uses: the header matches
    the title (and any lazy alias) in every configured language, and a choice cell its label in
    every language — so a sheet exported in English imports back in Chinese and vice versa."""

    key: str
    title: "StrOrPromise"
    kind: str = "text"
    required: bool = False
    aliases: tuple["StrOrPromise", ...] = ()
    choices: tuple[tuple[str, "StrOrPromise"], ...] = ()
    max_length: int | None = None
    help: "StrOrPromise" = ""
    deadline: bool = False  # a date column of deadlines: a month alone means by its end

    def titles(self) -> set[str]:
        return {header_key(s) for t in (self.title, *self.aliases) for s in spellings(t)}


NaturalKey = tuple[Any, ...]


@dataclass
class ImportResult:
    mode: str
    dry_run: bool = False  # a preview: everything checked and written, then rolled back
    total: int = 0  # data rows read (blank rows not counted)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    committed: bool = False  # whether anything was written
    message: str = ""
    notes: list[str] = field(default_factory=list)  # e.g. the people registered on the way
    ledger_date: Any = None  # the sheet's own date ("填报日期：…"), if it gives one

    @property
    def rejected_rows(self) -> int:
        return len({e.row for e in self.errors})

    def summary(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "dry_run": self.dry_run,
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected_rows,
            "errors": len(self.errors),
            "error_list": [e.as_dict() for e in self.errors[:ERRORS_SHOWN]],
            "committed": self.committed,
            "message": self.message,
            "notes": list(self.notes),
            "ledger_date": self.ledger_date.isoformat() if self.ledger_date else None,
        }


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """A sheet of 100,000 rows makes a few million objects that live until the import ends; the
    cyclic collector would walk all of them again and again (a third of the import's Python
    time). Reference counting still frees everything else; collection resumes afterwards."""
    if not gc.isenabled():  # paused by the caller (or another import on this process)
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class _RolledBack(Exception):
    """Leaves the write transaction undone: a preview, or all-or-nothing with errors."""


class Importer:
    """Subclasses set `columns`, `key`, `title`, and implement `save`."""

    title: ClassVar["StrOrPromise"] = ""
    columns: Sequence[Column] = ()  # some importers choose theirs per instance
    key: ClassVar[tuple[str, ...]] = ()  # column keys that identify a record (natural key)
    # Column keys whose own `parse_<key>` depends on the cell alone (no state, no side effects),
    # so that it runs once per distinct text; the built-in parsers always do.
    cacheable_parsers: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        *,
        actor: Any,  # accounts' User (a floor above, which core cannot name); never None
        mode: str = ImportMode.ALL_OR_NOTHING,
        default_year: int | None = None,
        as_of: date | None = None,
        dry_run: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ):
        self.actor = actor
        self.mode = ImportMode(mode)
        self.default_year = default_year
        # The date the sheet's facts are as of: its own "填报日期" line, else the date given on
        # the form (`as_of`); set when the sheet is read.
        self.as_of = as_of
        self.ledger_date: date | None = None
        self.dry_run = dry_run
        self.notes: list[str] = []
        self.formulas: set[tuple[int, int]] = set()
        self.hidden_rows: set[int] = set()  # 0-based: rows hidden in the file (by a filter)
        self.source_data, self.source_name = b"", ""  # the file, for importers that keep it
        self.positions: dict[str, int] = {}
        self.header_cells: dict[str, str] = {}  # column key → its title as the sheet spells it
        self._progress = progress
        self._last_progress = 0.0

    # -- hooks -------------------------------------------------------------------------------

    def clean(self, records: list[Record]) -> None:
        """Cross-row work after the cells are parsed: resolve references in bulk, check rules.
        Add `RowError`s to records that fail."""

    def natural_key(self, record: Record) -> NaturalKey | None:
        """The record's identity; None when it cannot be computed (the row has errors)."""
        if not self.key:
            return None
        return tuple(record.values.get(k) for k in self.key)

    def existing_keys(self, keys: set[NaturalKey]) -> set[NaturalKey]:
        """Which of these keys are already in the database (their rows count as unchanged)."""
        return set()

    def match_existing(self, records: list[Record]) -> None:
        """For importers whose sheets are sent again as they change: find each valid row's
        record in the database (`record.obj`) and what the row changes (`record.updates`);
        a matched row that changes nothing is `unchanged`. Rows stay new otherwise."""

    def save(self, records: list[Record], *, skip_invalid: bool) -> Mapping[int, DomainError]:
        """Write the records through a bulk service; return {index in records: error} for those
        the service refused. Runs inside the import's transaction."""
        raise NotImplementedError

    # -- parsing -----------------------------------------------------------------------------

    def cell_error(self, record: Record, key: str, message: str, row: Record | None = None) -> None:
        """Report what is wrong with the cell of column `key` in `row` (default: the record's
        own row), naming the row, the column's letter and title, and the value."""
        row = row or record
        record.errors.append(
            RowError(
                row.row,
                self.column_title(key),
                row.raw.get(key, ""),
                message,
                self.column_letter(key),
                key or "",
            )
        )

    def column_letter(self, key: str | None) -> str:
        index = self.positions.get(key or "")
        return xl_col_to_name(index) if index is not None else ""

    def parse_cell(self, column: Column, raw: Any) -> Any:
        value = self._parser(column)(raw)
        if column.required and (value is None or value == ""):
            raise CellError(_("必填，不能为空。"))
        return value

    def _parser(self, column: Column) -> Parser:
        """The function that reads one column's cells, chosen once per column, not per cell."""
        parsers: dict[str, Parser] = self.__dict__.setdefault("_parsers", {})
        parser = parsers.get(column.key)
        if parser is None:
            parser = getattr(self, f"parse_{column.key}", None)
            if parser is None and column.kind == "int":
                parser = parse_int
            elif parser is None and column.kind == "date":
                read = parse_deadline if column.deadline else parse_date
                parser = partial(read, default_year=self.default_year)
            elif parser is None and column.kind == "choice":
                parser = partial(self.parse_choice, column)
            elif parser is None:
                parser = partial(parse_text, max_length=column.max_length)
            parsers[column.key] = parser
        return parser

    def parse_choice(self, column: Column, raw: Any) -> str:
        text = normalize_text(raw)
        if not text:
            return ""
        cache = self.__dict__.setdefault("_choice_lookups", {})
        lookup = cache.get(column.key)
        if lookup is None:
            lookup = cache[column.key] = label_index(column.choices)
        value: str | None = lookup.get(match_key(text))
        if value is not None:
            return value
        labels = "、".join(str(label) for _v, label in column.choices)
        raise CellError(
            _("“%(value)s”不是可选的值，可选：%(labels)s。") % {"value": text, "labels": labels}
        )

    def locate_header(self, rows: list[Row]) -> tuple[int, dict[str, int]]:
        """The header row (0-based; of a two-row header, the lower) and column key → index,
        found by matching column titles; `header_cells` keeps each title as the sheet spells
        it."""
        titles = [(column.key, column.titles()) for column in self.columns]
        header, found = find_header(rows, titles, HEADER_SCAN_ROWS)
        required = [c for c in self.columns if c.required]
        if not found or any(c.key not in found for c in required):
            missing = "、".join(str(c.title) for c in required if c.key not in found)
            raise SheetReadError(
                _("没有找到表头：缺少列“%(missing)s”。表头应包含：%(titles)s。")
                % {"missing": missing, "titles": "、".join(str(c.title) for c in self.columns)}
            )
        check_titled_once(rows, header, found, titles)
        self.header_cells = header_cells(rows, header, found)
        return header, found

    def _has_header(self, rows: list[Row]) -> bool:
        try:
            self.locate_header(rows)
        except TitledTwice:
            return True  # the sheet to read, refused then with the reason
        except SheetReadError:
            return False
        return True

    def progress(self, done: int, total: int, *, force: bool = False) -> None:
        if self._progress is None:
            return
        now = time.monotonic()
        if force or now - self._last_progress >= 0.5:
            self._last_progress = now
            self._progress(done, total)

    def read_layout(self, rows: list[Row]) -> tuple[int, int, dict[str, int]]:
        """The header row, the end of the table (its first sign-off line, or the last row) and
        the columns' positions; sets the ledger's date and the year of year-less dates."""
        header, positions = self.locate_header(rows)
        end = footer_start(rows, header + 1)
        self.positions = positions
        if unread := unread_columns_note(rows, header, end, positions):
            self.notes.append(unread)
        self.ledger_date = ledger_date(rows[:header] + rows[end:]) or self.as_of
        if self.ledger_date is not None:
            self.default_year = self.ledger_date.year
        return header, end, positions

    def records(self, rows: list[Row]) -> list[Record]:
        header, end, positions = self.read_layout(rows)
        reader = RowReader(self, positions, header)
        data = rows[header + 1 : end]
        first = min(positions.values())
        records: list[Record] = []
        aspect: str | None = None  # the aspect the group heading above names
        aspects: list[str] | None = None  # those a heading may name, asked at the first
        for offset, row in enumerate(data):
            if offset % PROGRESS_EVERY == 0:
                self.progress(offset, len(data))
            if is_blank(row):
                continue
            if is_aside(row, first):  # 合计, "一、…方面"
                aspects = self.heading_aspects() if aspects is None else aspects
                aspect = heading_aspect(group_heading(row), aspects)
            elif aspect is None:
                records.append(reader.record(header + offset + 2, row))
            else:
                records.append(self._under_heading(reader, header + offset + 2, row, aspect))
        if hidden := [r.row for r in records if r.row - 1 in self.hidden_rows]:
            self.notes.append(hidden_rows_note(hidden, preview=self.dry_run))
        return records

    def heading_aspects(self) -> list[str]:
        """The aspects a group's heading in the table may name, for the rows under it whose
        方面 is blank: by default the labels of an `aspect` choice column."""
        column = next((c for c in self.columns if c.key == "aspect"), None)
        return [str(label) for _v, label in column.choices] if column else []

    def _under_heading(self, reader: RowReader, number: int, row: Row, aspect: str) -> Record:
        """Row `number` under a heading naming `aspect`: a blank 方面 cell takes it (a filled
        one wins); with no 方面 column, the record has the heading's."""
        index = self.positions.get("aspect")
        if index is None:
            record = reader.record(number, row)
            record.raw["aspect"] = record.values["aspect"] = aspect
        elif index >= len(row) or is_blank([row[index]]):
            row = [*row, *[""] * (index + 1 - len(row))]
            row[index] = aspect
            record = reader.record(number, row)
        else:
            record = reader.record(number, row)
        return record

    # -- the run -----------------------------------------------------------------------------

    def column_title(self, key: str | None) -> str:
        """The column's heading as the sheet writes it (a clerk looks for her own "完成时限",
        not the importer's "整改时限"), its line breaks dropped; the importer's title before
        the header is read or for a column the sheet lacks."""
        if heading := self.header_cells.get(key or ""):
            return "".join(line.strip() for line in heading.splitlines())
        for column in self.columns:
            if column.key == key:
                return str(column.title)
        return ""

    def run(self, source: Source, filename: str | None = None) -> ImportResult:
        """Read, check and save one file. Nothing is written in all-or-nothing mode unless
        every row is valid; in valid-rows mode the valid rows are written."""
        with cyclic_gc_paused():
            return self._run(source, filename)

    def _run(self, source: Source, filename: str | None) -> ImportResult:
        result = ImportResult(mode=self.mode, dry_run=self.dry_run)
        try:
            data = _read_bytes(source)
            filename = filename or (str(source) if isinstance(source, str | Path) else None)
            self.source_data, self.source_name = data, filename or ""
            # The first visible sheet with this importer's header (read in a forked child: the
            # check leaves this process's importer as it was).
            # Its formula cells and hidden rows are found there too (an xlsx's in its XML,
            # unpacked once).
            # The header is found in the first rows (and the one below a two-row header's
            # upper row): another sheet with the same header is named from those alone.
            sheet = read_sheet(
                data, filename, accept=self._has_header, accept_rows=HEADER_SCAN_ROWS + 1
            )
            self.formulas, self.hidden_rows = sheet.formulas, sheet.hidden
            records = self.records(sheet.rows)
            if sheet.others:
                self.notes.append(other_sheets_note(sheet.name, sheet.others))
        except SheetReadError as error:
            result.message = error.message
            result.errors.append(RowError(0, "", "", error.message))
            return result
        result.total = len(records)
        result.ledger_date = self.ledger_date
        self.clean(records)
        self._apply_keys(records)
        self.match_existing([r for r in records if r.ok and not r.unchanged])
        pending = [r for r in records if r.ok and not r.unchanged]
        all_or_nothing = self.mode == ImportMode.ALL_OR_NOTHING
        self.progress(result.total, result.total, force=True)
        # Rows with bad cells and rows a service refuses are found in the same round: the
        # valid rows are written even when some cells are bad, and undone unless kept.
        rolled_back = False
        try:
            with transaction.atomic():
                try:
                    refused: Mapping[int, DomainError] = self.save(
                        pending, skip_invalid=not all_or_nothing
                    )
                except RowsRejected as rejected:
                    refused = rejected.errors
                for index, refusal in refused.items():
                    self.cell_error(pending[index], refusal.field or "", refusal.message)
                failed = any(not r.ok for r in records)
                if self.dry_run or (all_or_nothing and failed):
                    raise _RolledBack
        except _RolledBack:
            rolled_back = True
        # A preview counts what would be written; a refused sheet wrote nothing.
        written = [r for r in pending if r.ok] if self.dry_run or not rolled_back else []
        result.created = sum(1 for r in written if r.obj is None)
        result.updated = len(written) - result.created
        result.unchanged = sum(1 for r in records if r.unchanged)
        result.errors = self._errors(records)
        result.notes = list(self.notes)
        result.committed = not rolled_back and bool(written)
        result.message = self._message(result)
        return result

    def _message(self, result: ImportResult) -> str:
        bad = result.rejected_rows
        if result.dry_run:
            return _(
                "预检完成：新增 %(created)d 行，更新 %(updated)d 行，%(unchanged)d 行未变，"
                "%(bad)d 行有错误。尚未写入，请确认后导入。"
            ) % {
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "bad": bad,
            }
        if result.errors and self.mode == ImportMode.ALL_OR_NOTHING:
            return _("有 %(n)d 行有错误，整个文件未导入。") % {"n": bad}
        if result.errors:
            message = _("导入 %(created)d 行，%(bad)d 行有错误未导入。") % {
                "created": result.created,
                "bad": bad,
            }
        else:
            message = _("导入 %(created)d 行，%(unchanged)d 行已存在未变。") % {
                "created": result.created,
                "unchanged": result.unchanged,
            }
        if result.updated:
            message += _("更新 %(n)d 行。") % {"n": result.updated}
        return message

    def _apply_keys(self, records: list[Record]) -> None:
        if not self.key:
            return
        first_row: dict[NaturalKey, int] = {}
        keyed: list[tuple[Record, NaturalKey]] = []
        for record in records:
            if not record.ok:
                continue
            key = self.natural_key(record)
            if key is None:
                continue
            if key in first_row:
                record.errors.append(
                    RowError(
                        record.row,
                        "",
                        "",
                        _("与第 %(row)d 行重复。") % {"row": first_row[key]},
                    )
                )
                continue
            first_row[key] = record.row
            keyed.append((record, key))
        existing = self.existing_keys({key for _r, key in keyed})
        for record, key in keyed:
            if key in existing:
                record.unchanged = True

    @staticmethod
    def _errors(records: list[Record]) -> list[RowError]:
        # Each record's errors in sheet order (a folded record holds several rows' errors).
        return [error for record in records for error in record.errors]


def _read_bytes(source: Source) -> bytes:
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    if isinstance(source, bytes):
        return source
    data: bytes = source.read()
    return data
