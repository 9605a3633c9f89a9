"""What surrounds the table in an office's sheet: its header (on any row, perhaps two rows
with a group's title merged over its sub-titles), the totals lines in it (合计), the sign-off
lines below it (填报人, 审核人, 联系电话, 制表, 备注, 单位盖章, 以上情况属实 …) that end it, the
ledger's own date written above or below it ("填报日期：2023年6月15日"), and which cells hold
formulas and which rows are hidden.

Offices print their ledgers, so the table is framed by lines meant for a signature or a seal;
they are neither data nor errors. The ledger's date is the date its facts were true, which is
what an imported record's dates are judged against — not the day somebody uploads it.
"""

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from xlsxwriter.utility import xl_col_to_name

from shigan.core.spreadsheets.reading import SheetReadError
from shigan.core.spreadsheets.values import CellError, normalize_text, parse_date

__all__ = [
    "FORMULA_MESSAGE",
    "header_key",
    "find_header",
    "header_cells",
    "check_titled_once",
    "is_aside",
    "is_numbering",
    "group_heading",
    "heading_aspect",
    "footer_start",
    "ledger_date",
    "other_sheets_note",
    "unread_columns_note",
]

FORMULA_MESSAGE = gettext_lazy("单元格是公式，请复制后选择性粘贴为数值。")

# The first words of a sign-off line; a line starts with one of them, then a colon, a bracket
# or nothing ("填报人：", "单位（盖章）", "审核人 张三").
_SIGN_OFF = (
    "填报人",
    "填表人",
    "填报单位",
    "填报日期",
    "填表日期",
    "报送日期",
    "审核人",
    "审核",
    "审批人",
    "复核人",
    "核稿",
    "联系人",
    "联系电话",
    "电话",
    "制表人",
    "制表",
    "制表日期",
    "备注",
    "说明",
    "填表说明",
    "填报说明",
    "注意事项",
    "注",
    "附件",
    "附",
    "单位盖章",
    "单位(盖章)",
    "盖章",
    "单位公章",
    "单位(公章)",
    "公章",
    "签字",
    "负责人",
    "主要负责人",
    "单位负责人",
    "分管领导",
    "经办人",
    "签发人",
    "统计人",
    "报送单位",
    "日期",
)
# A word may stand in brackets of its own: "（盖章）", "（单位盖章）".
_SIGN_OFF_LINE = re.compile(
    r"^\(?(?:" + "|".join(re.escape(w) for w in sorted(_SIGN_OFF, key=len, reverse=True)) + r")"
    r"\)?\s*(?:[:：(（]|$|\s)"
)
# Lines that end the table only when alone in their row (a row of the table fills other
# cells too, whatever its first words): the declaration signed under a ledger ("以上情况属实",
# "经核实，以上内容真实准确", "本单位承诺…") and the date left blank to be written by hand at
# the signature ("2023年  月  日").
_DECLARATION = re.compile(
    r"^(?:经[^,，。]{0,8}[,，])?(?:以上|上述|本表|本单位|我单位)[^。]{0,30}?"
    r"(?:属实|真实|准确|无误|承诺|负责)"
    r"|^(?:\d{2,4})?年月日$"
)
_DATE_LABEL = re.compile(
    r"(?:(?:填报|填表|报送|制表|统计|截止|截至)(?:日期|时间)|日期|截至|截止)"
    r"\s*[:：]?\s*(\d{4}\s*[年./\-]\s*\d{1,2}\s*[月./\-]\s*\d{1,2}\s*日?)"
)


# -- the header ---------------------------------------------------------------------------------

# A closing qualifier on a title: "责任单位（部门）", "参加人数（人）", "完成时限(必填)". A unit of
# money or a share is not a mere qualifier: "资金（千元）" must not be read as a column of yuan.
_QUALIFIER = re.compile(r"\(([^()]*)\)$")
_MEASURE = re.compile(r"[元万亿%‰]")
Titles = list[tuple[str, set[str]]]  # (column key, the header keys of its titles)
_NUMBERING = ("序号", "编号", "序")  # the sheet's own numbering of its rows


def header_key(text: object) -> str:
    """A column title as compared: half-width, lower case, without spaces, line breaks,
    invisible characters or the asterisk of a required column ("整改\n时限*" → "整改时限")."""
    return "".join(normalize_text(text).replace("*", "").split()).lower()


def is_numbering(title: object) -> bool:
    """Whether a column title is the sheet's own numbering of its rows (序号, 编号, 序): such a
    column is a label, whatever an importer reads it as, and never a conflict or an error."""
    return header_key(title) in _NUMBERING


def _title_of(heading: str, titles: Titles, found: dict[str, int]) -> str | None:
    for key, spelt in titles:
        if key not in found and heading in spelt:
            return key
    return None


def _row_titles(row: list[Any], titles: Titles) -> dict[str, int]:
    """{column key: index} of the titles in one row; a title's closing qualifier is dropped
    when the title is not known with it."""
    found: dict[str, int] = {}
    # A row-numbering title (序号) yields to another title of the same column (排序).
    for c in sorted(range(len(row)), key=lambda c: is_numbering(row[c])):
        heading = header_key(row[c])
        if not heading:
            continue
        key = _title_of(heading, titles, found)
        qualifier = _QUALIFIER.search(heading)
        if key is None and qualifier and not _MEASURE.search(qualifier[1]):
            key = _title_of(heading[: qualifier.start()], titles, found)
        if key is not None:
            found[key] = c
    return found


def _blank_at(row: list[Any], columns: Any) -> bool:
    return all(c >= len(row) or not normalize_text(row[c]) for c in columns)


def find_header(rows: list[list[Any]], titles: Titles, scan: int) -> tuple[int, dict[str, int]]:
    """The header's last row (0-based) and {column key: index}, or (-1, {}) when no row of the
    first `scan` holds a title. A header of two rows is read as one: the titles merged down over
    both rows stand in the upper row (the lower is blank below them), a group's sub-titles in
    the lower row."""
    best, found = -1, dict[str, int]()
    for r, row in enumerate(rows[:scan]):
        here = _row_titles(row, titles)
        if len(here) > len(found):
            best, found = r, here
    if best < 0:
        return best, found
    rest = [(key, spelt) for key, spelt in titles if key not in found]
    below = _row_titles(rows[best + 1], rest) if best + 1 < len(rows) and rest else {}
    if below and _blank_at(rows[best + 1], found.values()):
        return best + 1, {**found, **below}
    above = _row_titles(rows[best - 1], rest) if best > 0 and rest else {}
    if above and _blank_at(rows[best], above.values()):
        return best, {**above, **found}
    return best, found


def header_cells(rows: list[list[Any]], header: int, found: dict[str, int]) -> dict[str, str]:
    """{column key: its title as the sheet spells it}: in the header's row, or in the row above
    it for a title merged down over a two-row header."""
    cells: dict[str, str] = {}
    for key, c in found.items():
        for r in (header, header - 1):
            cell = rows[r][c] if r >= 0 and c < len(rows[r]) else ""
            if normalize_text(cell):
                cells[key] = str(cell).strip()
                break
    return cells


class TitledTwice(SheetReadError):
    """The header is there, but titles a column twice."""


def _column_of(cell: object, titles: Titles) -> str | None:
    """The key of the column `cell` titles, with or without its closing qualifier."""
    heading = header_key(cell)
    qualifier = _QUALIFIER.search(heading)
    bare = heading[: qualifier.start()] if qualifier and not _MEASURE.search(qualifier[1]) else ""
    for text in (heading, bare):
        for key, spelt in titles:
            if text and text in spelt:
                return key
    return None


def _check_named_once(lines: list[list[Any]], found: dict[str, int], titles: Titles) -> None:
    """Refuse a header with two different titles of one column ("牵头单位" in C and "责任单位"
    in E, which the importer reads alike): the first would be read and the other ignored."""
    for line in lines:
        for i, cell in enumerate(line):
            key = _column_of(cell, titles)
            c = found.get(key or "")
            if (
                c is None
                or c == i
                or header_key(cell) == header_key(_cell(lines, c))
                or is_numbering(cell)
            ):
                continue  # the column itself, the same title twice (said above), a 序号
            first, second = sorted((c, i))
            raise TitledTwice(
                _(
                    "表头“%(a_title)s”（%(a)s 列）和“%(b_title)s”（%(b)s 列）是同一列的两种叫法，"
                    "请删去不用的一列再导入。"
                )
                % {
                    "a_title": " ".join(str(_cell(lines, first)).split()),
                    "a": xl_col_to_name(first),
                    "b_title": " ".join(str(_cell(lines, second)).split()),
                    "b": xl_col_to_name(second),
                }
            )


def _cell(lines: list[list[Any]], c: int) -> Any:
    """A header's title in column `c`: in its lower row, else in the upper (merged down)."""
    return next((line[c] for line in lines[::-1] if c < len(line) and header_key(line[c])), "")


def check_titled_once(
    rows: list[list[Any]], header: int, found: dict[str, int], titles: Titles
) -> None:
    """Refuse a header that titles one of the columns read twice alike ("整改时限" in D, hidden,
    and in F), or twice differently ("牵头单位" and "责任单位"): which of the two holds the data
    is not for the importer to guess."""
    lines = [rows[r] for r in (header - 1, header) if r >= 0]
    for c in found.values():
        cell = next((line[c] for line in lines[::-1] if c < len(line) and header_key(line[c])), "")
        title = header_key(cell)
        twins = [
            i
            for line in lines
            for i, other in enumerate(line)
            if i != c and header_key(other) == title
        ]
        if title and twins:
            first, second = sorted((c, twins[0]))
            raise TitledTwice(
                _("表头“%(title)s”出现了两次（%(a)s 列和 %(b)s 列），请删去不用的一列再导入。")
                % {
                    "title": normalize_text(cell),
                    "a": xl_col_to_name(first),
                    "b": xl_col_to_name(second),
                }
            )
    _check_named_once(lines, found, titles)


# -- the lines around and in the table ---------------------------------------------------------

_TOTALS = re.compile(r"^(?:合计|总计|小计|共计|总合计)[:：]?$")
# A group's heading within the table: "一、理论学习方面", "（二）作风建设", "第三部分 …".
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|第[一二三四五六七八九十]+[部分类批项])"
)


_ASIDE_STARTS = frozenset("合总小共一二三四五六七八九十第(（")
_BLANKS = " \t\r\n\u3000\xa0\u200b\ufeff"


def is_aside(row: list[Any], first: int) -> bool:
    """A line of the table that is not a record: a totals line (合计, 总计, 小计 …: its first
    filled cell says so), or a group's heading ("一、理论学习方面"), alone in its row, in the
    table's first column (`first`) or left of it, often merged across the table. (A measure
    of its own row, "一、建立台账" under merged problem cells, stands further right.)"""
    for index, cell in enumerate(row):
        if cell is None or cell == "":
            continue
        if not isinstance(cell, str):
            return False  # a number or a date: data
        start = cell.lstrip(_BLANKS)[:1]
        if not start:
            continue
        if start not in _ASIDE_STARTS:  # most rows: one look at one character
            return False
        text = normalize_text(cell).replace(" ", "")
        if _TOTALS.match(text):
            return True
        return (
            index <= first
            and bool(_HEADING.match(text))
            and all(c is None or not normalize_text(c) for c in row[index + 1 :])
        )
    return False


def group_heading(row: list[Any]) -> str:
    """What a group's heading row (`is_aside`) is about, its numbering dropped ("一、理论学习方面"
    → "理论学习方面"); "" for a totals line."""
    text = _first_text(row)
    return "" if _TOTALS.match(text) else _HEADING.sub("", text, count=1)


def _aspect_core(name: str) -> str:
    return normalize_text(name).replace(" ", "").removesuffix("方面")


def heading_aspect(heading: str, names: Iterable[str]) -> str | None:
    """The one of `names` (a campaign's aspects) that a group's heading names: "理论学习方面"
    or "作风建设方面存在的问题" names 作风建设; None when it names none, or more than one."""
    core = _aspect_core(heading)
    cores = {name: _aspect_core(name) for name in names}
    same = [name for name, c in cores.items() if c and c == core]
    named = same or [name for name, c in cores.items() if c and c in core]
    return named[0] if len(named) == 1 else None


def _first_text(row: list[Any]) -> str:
    """The row's first filled cell, as text ("" if none): only as far as that cell is read,
    since every data row of a sheet is asked."""
    for cell in row:
        if text := normalize_text(cell).replace(" ", ""):
            return text
    return ""


def is_sign_off(row: list[Any]) -> bool:
    """A sign-off line: its first filled cell starts with a sign-off word, or is a signed
    declaration or a blank date alone in its row."""
    text = _first_text(row)
    if not text:
        return False
    if _SIGN_OFF_LINE.match(text):
        return True
    return bool(_DECLARATION.match(text)) and sum(bool(normalize_text(c)) for c in row) == 1


def footer_start(rows: list[list[Any]], first: int) -> int:
    """The index of the first sign-off line at or after `first` (the table's first data row),
    or len(rows): the table ends there, and what follows is not data."""
    for index in range(first, len(rows)):
        if is_sign_off(rows[index]):
            return index
    return len(rows)


def ledger_date(rows: list[list[Any]]) -> date | None:
    """The ledger's own date, from a line such as "填报日期：2023年6月15日" or "截至2023年6月
    15日" in the given rows (the title lines and the sign-off lines)."""
    for row in rows:
        for cell in row:
            text = normalize_text(cell).replace(" ", "")
            if m := _DATE_LABEL.search(text):
                try:
                    return parse_date(m[1])
                except CellError:
                    continue
    return None


# -- formulas and hidden rows (found by xml_scan, in the reader's child process) -----------

ROWS_NAMED = 30  # hidden rows named one by one in a note; more are counted


def other_sheets_note(sheet: str, others: list[str]) -> str:
    """What the preview and the result say of the other sheets that have the same header."""
    return _(
        "工作簿中另有 %(n)d 个工作表（%(names)s）也有本表的表头，未导入；只读取了“%(sheet)s”。"
        "请分别导入，或合并到一个工作表后再导入。"
    ) % {"n": len(others), "names": "".join(f"“{name}”" for name in others), "sheet": sheet}


def _unread_headings(
    rows: list[list[Any]], header: int, end: int, found: dict[str, int]
) -> list[tuple[int, str]]:
    """(index, heading) of the header's columns that no column of the importer took and that
    hold something in the table: in the header's row, or in the row above it for a title
    merged down over a two-row header (a group's title over read sub-titles is not one)."""
    line = rows[header]
    two_rows = header > 0 and any(c >= len(line) or not header_key(line[c]) for c in found.values())
    lines = [rows[header - 1], line] if two_rows else [line]
    taken = set(found.values())
    unread = []
    for c in range(max(map(len, lines))):
        heading = _cell(lines, c)
        if c in taken or not header_key(heading) or is_numbering(heading):
            continue
        if any(c < len(row) and normalize_text(row[c]) for row in rows[header + 1 : end]):
            unread.append((c, "".join(str(heading).split())))
    return unread


def unread_columns_note(
    rows: list[list[Any]], header: int, end: int, found: dict[str, int]
) -> str | None:
    """What to tell of the filled columns the importer does not read ("完成时间" beside its
    columns): their cells are not imported, and the clerk must not think they were."""
    unread = _unread_headings(rows, header, end, found)
    if not unread:
        return None
    named = "、".join(
        _("“%(heading)s”（%(letter)s 列）") % {"heading": h, "letter": xl_col_to_name(c)}
        for c, h in unread
    )
    return _("表头中的%(columns)s不是本表读取的列，其中填写的内容不会导入。") % {"columns": named}


def hidden_rows_note(numbers: list[int], *, preview: bool) -> str:
    """What to tell the user of the data rows (sheet numbers, 1-based) hidden in the file: a
    clerk who filtered the sheet to her own rows would otherwise import everyone's unawares.
    They are imported like the others (hidden is no statement that a row is not meant)."""
    rows = "、".join(str(n) for n in numbers[:ROWS_NAMED])
    if len(numbers) > ROWS_NAMED:
        rows += _("等共 %(n)d ") % {"n": len(numbers)}
    if preview:
        return _("第%(rows)s行在表格中是隐藏的（可能被筛选隐藏），也会导入，请确认。") % {
            "rows": rows
        }
    return _("第%(rows)s行在表格中是隐藏的（可能被筛选隐藏），已一并导入。") % {"rows": rows}
