"""The exporter base: stream rows to xlsx (XlsxWriter, constant memory) or csv, and blank
templates with drop-down lists for choice columns."""

import csv
import io
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from itertools import chain, islice
from typing import IO, TYPE_CHECKING, Any, ClassVar

import xlsxwriter
from django.utils.translation import gettext as _

from shigan.core.spreadsheets.importers import Column
from shigan.core.spreadsheets.values import display_width

if TYPE_CHECKING:  # a stub-only type: django-stubs-ext is not installed in production
    from django_stubs_ext import StrOrPromise

__all__ = ["Exporter", "neutralize", "WIDTH_SAMPLE_ROWS"]

WIDTH_SAMPLE_ROWS = 200  # rows looked at to size the columns before streaming the rest
TEMPLATE_ROWS = 2000  # rows of a blank template that get the drop-down lists
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class Exporter:
    """Subclasses set `title` and `columns` and yield rows (display values) from `rows()`."""

    title: ClassVar["StrOrPromise"] = ""
    columns: Sequence[Column] = ()  # some exporters choose theirs per instance

    def rows(self) -> Iterator[Sequence[object]]:
        raise NotImplementedError

    def count(self) -> int | None:
        """How many rows `rows()` will yield, for progress bars (None when unknown)."""
        return None

    def filename(self, ext: str) -> str:
        return f"{self.title}.{ext}"

    # -- xlsx --------------------------------------------------------------------------------

    # xlsxwriter ships no types: its workbook, sheets and formats are Any here.
    def _formats(self, workbook: Any) -> dict[str, Any]:
        return {
            "header": workbook.add_format(
                {
                    "bold": True,
                    "bg_color": "#DDEBF7",
                    "border": 1,
                    "text_wrap": True,
                    "valign": "vcenter",
                }
            ),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        }

    def _widths(self, sample: Iterable[Sequence[object]]) -> list[int]:
        widths = [display_width(str(c.title)) + 4 for c in self.columns]
        for row in sample:
            for i, value in enumerate(row):
                if value is not None and i < len(widths):
                    widths[i] = max(widths[i], display_width(str(value)) + 2)
        return [min(w, 60) for w in widths]

    def write_xlsx(
        self,
        output: str | IO[bytes],
        *,
        progress: Callable[[int, int | None], None] | None = None,
    ) -> int:
        """Stream every row into `output` (a path or a binary file); returns the row count."""
        workbook = xlsxwriter.Workbook(
            output, {"constant_memory": True, "strings_to_numbers": False}
        )
        sheet = workbook.add_worksheet(str(self.title)[:31] or "Sheet1")
        formats = self._formats(workbook)
        rows = iter(self.rows())
        sample = list(islice(rows, WIDTH_SAMPLE_ROWS))
        for i, width in enumerate(self._widths(sample)):
            sheet.set_column(i, i, width)
        sheet.set_row(0, 22)
        sheet.write_row(0, 0, [str(c.title) for c in self.columns], formats["header"])
        sheet.freeze_panes(1, 0)
        total = self.count()
        last_report = 0.0
        r = 0
        for r, row in enumerate(chain(sample, rows), start=1):
            for c, value in enumerate(row):
                self._write_cell(sheet, r, c, value, formats)
            if progress and r % 1000 == 0 and time.monotonic() - last_report > 0.5:
                last_report = time.monotonic()
                progress(r, total)
        sheet.autofilter(0, 0, max(r, 1), len(self.columns) - 1)
        workbook.close()
        if progress:
            progress(r, r)
        return r

    @staticmethod
    def _write_cell(sheet: Any, r: int, c: int, value: object, formats: dict[str, Any]) -> None:
        if value is None or value == "":
            return
        if isinstance(value, str):
            sheet.write_string(r, c, value)  # never interpreted as a formula
        elif isinstance(value, bool):
            sheet.write_string(r, c, _("是") if value else _("否"))
        elif isinstance(value, int | float):
            sheet.write_number(r, c, value)
        elif isinstance(value, datetime):
            sheet.write_datetime(r, c, value.replace(tzinfo=None), formats["datetime"])
        elif isinstance(value, date):
            sheet.write_datetime(r, c, value, formats["date"])
        else:
            sheet.write_string(r, c, str(value))

    def xlsx_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.write_xlsx(buffer)
        return buffer.getvalue()

    # -- csv ---------------------------------------------------------------------------------

    def write_csv(
        self, output: IO[str], *, progress: Callable[[int, int | None], None] | None = None
    ) -> int:
        """UTF-8 with BOM (Excel opens it as UTF-8); formula-like text neutralised."""
        output.write("\ufeff")
        writer = csv.writer(output)
        writer.writerow([str(c.title) for c in self.columns])
        total = self.count()
        r = 0
        for r, row in enumerate(self.rows(), start=1):
            writer.writerow(["" if v is None else neutralize(v) for v in row])
            if progress and r % 5000 == 0:
                progress(r, total)
        if progress:
            progress(r, r)
        return r

    def csv_bytes(self) -> bytes:
        buffer = io.StringIO()
        self.write_csv(buffer)
        return buffer.getvalue().encode("utf-8")

    # -- blank template ----------------------------------------------------------------------

    def write_template(self, output: str | IO[bytes]) -> None:
        """The header, a note per column, and drop-down lists on the choice columns."""
        workbook = xlsxwriter.Workbook(output)
        sheet = workbook.add_worksheet(str(self.title)[:31] or "Sheet1")
        formats = self._formats(workbook)
        lists = None
        for i, width in enumerate(self._widths([])):
            sheet.set_column(i, i, max(width, 14))
        sheet.write_row(0, 0, [str(c.title) for c in self.columns], formats["header"])
        for c, column in enumerate(self.columns):
            if column.help:
                sheet.write_comment(0, c, str(column.help))
            if not column.choices:
                continue
            labels = [str(label) for _v, label in column.choices]
            validation: dict[str, object] = {
                "validate": "list",
                "error_title": _("输入有误"),
                "error_message": _("请从下拉列表中选择。"),
            }
            if sum(len(x) + 1 for x in labels) <= 250:
                validation["source"] = labels
            else:  # Excel caps an inline list at 255 characters: keep it on a hidden sheet
                if lists is None:
                    lists = workbook.add_worksheet(_("选项"))
                    lists.hide()
                for r, label in enumerate(labels):  # a name typed "=…" stays text, no formula
                    lists.write_string(r, c, label)
                col = xlsxwriter.utility.xl_col_to_name(c)
                validation["source"] = f"={lists.name}!${col}$1:${col}${len(labels)}"
            sheet.data_validation(1, c, TEMPLATE_ROWS, c, validation)
        sheet.freeze_panes(1, 0)
        workbook.close()

    def template_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.write_template(buffer)
        return buffer.getvalue()
