"""An import's errors as a spreadsheet: the user fixes the sheet from it and uploads again."""

import io

import xlsxwriter
from django.utils.translation import gettext as _

from shigan.core.spreadsheets.importers import ImportResult
from shigan.core.spreadsheets.values import display_width

__all__ = ["error_report"]


def error_report(result: ImportResult) -> bytes:
    """The errors as an xlsx file: 行号, 列号, 列, 值, 错误说明."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet(_("错误报告"))
    header = workbook.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    titles = [_("行号"), _("列号"), _("列"), _("值"), _("错误说明")]
    widths = [display_width(t) + 2 for t in titles]
    sheet.write_row(0, 0, titles, header)
    for r, error in enumerate(result.errors, start=1):
        value = "" if error.value is None else str(error.value)
        cells = [error.row or "", error.letter, error.column, value, error.message]
        sheet.write(r, 0, cells[0])
        for c in (1, 2, 3, 4):
            sheet.write_string(r, c, cells[c])
            widths[c] = min(max(widths[c], display_width(str(cells[c])) + 2), 80)
    for c, width in enumerate(widths):
        sheet.set_column(c, c, width)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(result.errors), 1), len(titles) - 1)
    workbook.close()
    return buffer.getvalue()
