"""The importer base with sheets as offices really make them: headers wrapped, qualified,
pasted with invisible characters or on two rows; totals lines and group headings in the table;
the table after an instructions sheet; a file under another format's name; a column titled
twice."""

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
import xlsxwriter

from shigan.core.spreadsheets.importers import Column, ImportMode
from shigan.core.spreadsheets.reading import read_rows
from shigan.core.tests.test_spreadsheets import MeetingImporter, _xlsx

pytestmark = pytest.mark.django_db


def _book(build) -> bytes:
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    build(wb)
    wb.close()
    return buffer.getvalue()


def test_header_titles_with_line_breaks_qualifiers_and_invisible_characters():
    # Offices wrap long titles ("会议\n名称"), qualify them ("人数（人）") and paste them from web
    # pages (a no-break space, a zero-width space); a money qualifier is never dropped.
    data = _xlsx(
        [
            ["会议\n名称", "\xa0召开\r\n日期\u200b", "人数（人）", "形式（必填）"],
            ["读书班", "2023-06-30", 12, "线下"],
        ]
    )
    store = []
    result = MeetingImporter(store=store).run(data, "a.xlsx")
    assert result.errors == [] and result.created == 1, result.errors
    assert store[0]["people"] == 12 and store[0]["kind"] == "offline"
    data = _xlsx([["会议名称", "日期", "人数（万元）"], ["读书班", "2023-06-30", 12]])
    store = []
    MeetingImporter(store=store).run(data, "a.xlsx")
    assert store[0]["people"] is None  # "人数（万元）" is not the 人数 column


def test_invisible_characters_in_cells_are_dropped():
    # A zero-width space or a no-break space in a cell is no part of its value: the rows below
    # are one meeting (a duplicate), not two, and the date and the number read.
    rows = [
        ["会议名称", "日期", "人数"],
        ["读书班\u200b", "2023-06-30\xa0", "\u200b12"],
        ["\ufeff读书班\xa0", "2023年6月30日", 12],
        ["\u200b", "\xa0", " \u3000"],  # a blank row, but for what nobody sees
    ]
    store = []
    result = MeetingImporter(store=store, mode=ImportMode.VALID_ROWS).run(_xlsx(rows), "a.xlsx")
    assert store == [{"title": "读书班", "held_on": date(2023, 6, 30), "people": 12, "kind": None}]
    assert [e.message for e in result.errors] == ["与第 2 行重复。"]


def test_a_totals_line_is_not_a_record():
    rows = [
        ["序号", "会议名称", "日期", "人数"],
        [1, "读书班", "2023-06-30", 12],
        [2, "党课", "2023-07-01", 30],
        ["小  计", None, None, 42],
        [3, "主题党日", "2023-07-02", 8],
        ["合计", "", "", 50],
    ]
    store = []
    result = MeetingImporter(store=store).run(_xlsx(rows), "a.xlsx")
    assert result.errors == [] and result.total == result.created == 3, result.errors
    assert [r["title"] for r in store] == ["读书班", "党课", "主题党日"]


def test_a_two_row_header_reads_as_one():
    # A title row, then a header of two rows: 会议名称, 日期 and 形式 merged down over both, the
    # group 参会情况 merged across its sub-titles 人数 and 备注.
    def build(wb):
        ws = wb.add_worksheet()
        ws.merge_range(0, 0, 0, 4, "2023年会议台账")
        ws.merge_range(1, 0, 2, 0, "会议名称")
        ws.merge_range(1, 1, 2, 1, "日期")
        ws.merge_range(1, 2, 1, 3, "参会情况")
        ws.write_row(2, 2, ["人数", "备注"])
        ws.merge_range(1, 4, 2, 4, "形式")
        ws.write_row(3, 0, ["读书班", "2023-06-30", 12, "", "线上"])
        ws.write_row(4, 0, ["党课", "2023-07-01", "30", "", "线下"])

    store = []
    result = MeetingImporter(store=store).run(_book(build), "a.xlsx")
    assert result.errors == [] and result.created == 2, result.errors
    assert store[0] == {
        "title": "读书班",
        "held_on": date(2023, 6, 30),
        "people": 12,
        "kind": "online",
    }
    assert store[1]["people"] == 30 and store[1]["kind"] == "offline"

    # The sub-titles may outnumber the titles above them: the same sheet, the other way round.
    def build_wide(wb):
        ws = wb.add_worksheet()
        ws.merge_range(0, 0, 1, 0, "会议名称")
        ws.merge_range(0, 1, 0, 3, "会议情况")
        ws.write_row(1, 1, ["日期", "人数", "形式"])
        ws.write_row(2, 0, ["读书班", "2023-06-30", 12, "线上"])

    store = []
    result = MeetingImporter(store=store).run(_book(build_wide), "a.xlsx")
    assert result.errors == [] and store[0]["title"] == "读书班", result.errors


def _instructions_first(build_data, *, hidden=False) -> bytes:
    def build(wb):
        notes = wb.add_worksheet("填表说明")
        notes.write(0, 0, "填表说明：请在“会议台账”表中填写，日期写成2023年6月30日。")
        if hidden:  # a WPS template's list of drop-down values, hidden, before the table
            notes.hide()
        build_data(wb.add_worksheet("会议台账"))
        if hidden:
            wb.worksheets()[1].activate()

    return _book(build)


def test_the_table_may_follow_an_instructions_sheet_or_a_hidden_one():
    def data(ws):
        ws.merge_range(0, 0, 0, 2, "会议台账")
        ws.write_row(1, 0, ["会议名称", "日期", "人数"])
        ws.write_row(2, 0, ["读书班", "2023-06-30", 12])

    for hidden in (False, True):
        store = []
        result = MeetingImporter(store=store).run(
            _instructions_first(data, hidden=hidden), "a.xlsx"
        )
        assert result.errors == [] and [r["title"] for r in store] == ["读书班"], result.errors
    # No sheet with the header: the message names the missing columns, as for one sheet.
    result = MeetingImporter(store=[]).run(_instructions_first(lambda ws: None), "a.xlsx")
    assert "没有找到表头" in result.message and "会议名称" in result.message


def test_formulas_are_found_on_the_sheet_read_whatever_the_sheets_order():
    # The table (sheet2.xml) moved before the instructions (sheet1.xml), as one drags a tab:
    # the formula in the table's text column is reported, at its own row and column.
    def build(wb):
        wb.add_worksheet("填表说明").write(0, 0, "说明")
        ws = wb.add_worksheet("会议台账")
        ws.write_row(0, 0, ["会议名称", "日期"])
        ws.write_row(1, 0, ["党课", "2023-06-30"])
        ws.write_formula(2, 0, '="读书"&"班"', None, "读书班")
        ws.write(2, 1, "2023-07-01")

    source = zipfile.ZipFile(io.BytesIO(_book(build)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as moved:
        for member in source.infolist():
            content = source.read(member.filename)
            if member.filename == "xl/workbook.xml":
                first, second = re.findall(rb"<sheet [^>]*/>", content)
                content = content.replace(first + second, second + first)
            moved.writestr(member, content)
    assert read_rows(buffer.getvalue(), "a.xlsx")[0] == ["会议名称", "日期"]
    result = MeetingImporter(store=[]).run(buffer.getvalue(), "a.xlsx")
    assert [(e.row, e.letter, e.message) for e in result.errors] == [
        (3, "A", "单元格是公式，请复制后选择性粘贴为数值。")
    ]


def test_a_groups_heading_in_the_table_is_not_a_record():
    # Offices group their rows under headings merged across the table; a cell of the same
    # form further right, alone in its row, is data (a measure under merged cells).
    def build(wb):
        ws = wb.add_worksheet()
        ws.write_row(0, 0, ["会议名称", "日期", "人数"])
        ws.merge_range(1, 0, 1, 2, "一、线下会议")
        ws.write_row(2, 0, ["读书班", "2023-06-30", 12])
        ws.merge_range(3, 0, 3, 2, "（二）线上会议")
        ws.write_row(4, 0, ["线上讲堂", "2023-07-01", 300])
        ws.write(5, 0, "第三部分 其他")
        ws.write(6, 1, "一、2023-07-02")

    store = []
    result = MeetingImporter(store=store, mode=ImportMode.VALID_ROWS).run(_book(build), "a.xlsx")
    assert [r["title"] for r in store] == ["读书班", "线上讲堂"]
    assert [(e.row, e.letter) for e in result.errors] == [(7, "A"), (7, "B")], result.errors


def test_a_file_is_read_as_what_it_is_whatever_its_name():
    # Offices rename an .xls to .xlsx and back; an xlsx renamed keeps its formula check. A
    # web page saved as .xls is refused, saying what it is.
    def build(wb):
        ws = wb.add_worksheet()
        ws.write_row(0, 0, ["会议名称", "日期"])
        ws.write_formula(1, 0, '="读书"&"班"', None, "读书班")
        ws.write(1, 1, "2023-06-30")

    xlsx = _book(build)
    for name in ("a.xls", "a.ods", "a.csv"):
        result = MeetingImporter(store=[]).run(xlsx, name)
        assert [(e.row, e.letter) for e in result.errors] == [(2, "A")], (name, result.errors)
        assert "公式" in result.errors[0].message
    legacy = (
        Path(__file__).parents[2] / "problems/tests/ledgers/xilingol-league-2023-06-20.xls"
    ).read_bytes()
    assert read_rows(legacy, "台账.xlsx") == read_rows(legacy, "台账.xls")
    page = "<html><body><table><tr><td>会议名称</td></tr></table></body></html>".encode()
    result = MeetingImporter(store=[]).run(page, "导出.xls")
    assert not result.committed and "网页（HTML）格式" in result.message


def test_a_column_titled_twice_is_refused_naming_both():
    # An old 日期 column hidden in B, the one in use in D: which is meant is not guessed.
    def build_on(ws):
        ws.write_row(0, 0, ["会议名称", "日期", "人数", "日 期"])
        ws.write_row(1, 0, ["读书班", "2023-05-01", 12, "2023-06-30"])
        ws.set_column(1, 1, None, None, {"hidden": True})

    def build(wb):
        build_on(wb.add_worksheet())

    store = []
    result = MeetingImporter(store=store).run(_book(build), "a.xlsx")
    assert store == [] and not result.committed
    assert "表头“日期”出现了两次（B 列和 D 列）" in result.message, result.message
    # The same after an instructions sheet: the reason, not "no header".
    result = MeetingImporter(store=store).run(_instructions_first(build_on), "a.xlsx")
    assert "出现了两次" in result.message, result.message


def test_rows_hidden_in_the_file_are_named_before_they_are_imported():
    # A clerk filters the sheet to her own rows and uploads it: the rows hidden by the filter
    # (or by hand) are read like the others, and the preview says which they are.
    def build(wb):
        ws = wb.add_worksheet()
        ws.write_row(0, 0, ["会议名称", "日期", "人数"])
        for r in range(1, 9):
            ws.write_row(r, 0, [f"会议{r}", "2023-06-30", r])
        ws.autofilter(0, 0, 8, 2)
        for r in (4, 5, 8):  # sheet rows 5, 6 and 9
            ws.set_row(r, None, None, {"hidden": True})

    store = []
    result = MeetingImporter(store=store, dry_run=True).run(_book(build), "a.xlsx")
    assert result.created == 8 and result.errors == []
    assert result.notes == ["第5、6、9行在表格中是隐藏的（可能被筛选隐藏），也会导入，请确认。"]
    result = MeetingImporter(store=store).run(_book(build), "a.xlsx")
    assert result.created == 8 and len(store) == 16
    assert result.notes == ["第5、6、9行在表格中是隐藏的（可能被筛选隐藏），已一并导入。"]
    # Nothing hidden: nothing said.
    assert (
        MeetingImporter(store=[])
        .run(_xlsx([["会议名称", "日期"], ["a", "2023-06-30"]]), "a.xlsx")
        .notes
        == []
    )


def test_two_titles_of_one_column_are_refused_naming_both():
    # 日期 and 召开日期 are two names of the same column: which holds the data is not guessed.
    rows = [
        ["会议名称", "日期", "人数", "召开日期（必填）"],
        ["读书班", "2023-05-01", 12, "2023-06-30"],
    ]
    store = []
    result = MeetingImporter(store=store, mode=ImportMode.VALID_ROWS).run(_xlsx(rows), "a.xlsx")
    assert store == [] and not result.committed
    assert "表头“日期”（B 列）和“召开日期（必填）”（D 列）是同一列的两种叫法" in result.message, (
        result.message
    )


def test_a_file_the_reader_cannot_read_is_named_in_chinese():
    # The reader's own words ("Cannot detect file format", "File is not a zip file") are English:
    # the user is told in Chinese which file, and what to do.
    good = _xlsx([["会议名称", "日期"], ["读书班", "2023-06-30"]])
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    for data in (b"\x00\x01 not a sheet at all", other_zip.getvalue(), good[: len(good) // 2]):
        result = MeetingImporter(store=[]).run(data, "台账.xlsx")
        assert not result.committed
        assert result.message.startswith("无法识别文件格式：台账.xlsx。"), result.message
        assert "另存为 .xlsx" in result.message
        english = set(re.findall(r"[A-Za-z]{2,}", result.message)) - {"xlsx", "Excel", "WPS"}
        assert not english, result.message


class AspectMeetingImporter(MeetingImporter):
    columns = (
        *MeetingImporter.columns,
        Column("aspect", "方面", kind="choice", choices=(("t", "理论学习方面"), ("w", "作风建设"))),
    )


def test_a_groups_heading_gives_its_aspect_to_the_rows_under_it():
    # "一、理论学习方面" over rows whose 方面 is blank: theirs is the heading's; a filled cell
    # wins; a heading naming no aspect (or two) gives none.
    def build(wb):
        ws = wb.add_worksheet()
        ws.write_row(0, 0, ["会议名称", "日期", "方面"])
        ws.merge_range(1, 0, 1, 2, "一、理论学习方面")
        ws.write_row(2, 0, ["读书班", "2023-06-30"])
        ws.write_row(3, 0, ["党课", "2023-06-30", "作风建设"])
        ws.merge_range(4, 0, 4, 2, "（二）作风建设方面存在的问题")
        ws.write_row(5, 0, ["谈心谈话", "2023-07-01"])
        ws.merge_range(6, 0, 6, 2, "三、其他")
        ws.write_row(7, 0, ["座谈", "2023-07-02"])

    store = []
    result = AspectMeetingImporter(store=store).run(_book(build), "a.xlsx")
    assert result.errors == [], result.errors
    assert [(r["title"], r["aspect"]) for r in store] == [
        ("读书班", "t"),
        ("党课", "w"),
        ("谈心谈话", "w"),
        ("座谈", ""),
    ]


class DeadlineMeetingImporter(MeetingImporter):
    columns = (
        *MeetingImporter.columns,
        Column("due_on", "完成时限", kind="date", deadline=True),
    )


def test_a_month_alone_is_a_deadline_by_its_end_but_no_date():
    # "2023年6月" in a deadline column: by the end of June (as "6月底"); 上旬, 中旬 and 下旬: the
    # 10th, the 20th and the month's end; a month without a year takes the ledger's. A month
    # alone is still no 日期 (the day the meeting was held is not known); "约30人" is 30.
    rows = [
        ["填报日期：2023年5月10日"],
        ["会议名称", "日期", "人数", "完成时限"],
        ["a", "2023-06-01", "约30人", "2023年6月"],
        ["b", "2023-06-01", 1, "7月"],
        ["c", "2023-06-01", 1, "2023年6月上旬"],
        ["d", "2023-06-01", 1, "6月中旬"],
        ["e", "2023-06-01", 1, "2023年2月下旬"],
        ["f", "2023年6月", 1, "6月份"],
    ]
    store = []
    result = DeadlineMeetingImporter(store=store, mode=ImportMode.VALID_ROWS).run(
        _xlsx(rows), "a.xlsx"
    )
    assert [(e.row, e.letter) for e in result.errors] == [(8, "B")], result.errors
    assert [(r["title"], r["due_on"]) for r in store] == [
        ("a", date(2023, 6, 30)),
        ("b", date(2023, 7, 31)),
        ("c", date(2023, 6, 10)),
        ("d", date(2023, 6, 20)),
        ("e", date(2023, 2, 28)),
    ]
    assert store[0]["people"] == 30


SHEETS = Path(__file__).resolve().parent / "sheets"  # written by sheets/make_sheets.py


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_rows_hidden_in_an_xls_or_an_ods_are_named_too(fmt):
    # The same sheet saved by LibreOffice as an older Excel or WPS would: a filter hides rows
    # 5, 6 and 9 in one file, rows 4 and 9 are hidden by hand in the other (after an
    # instructions sheet, under a title row).
    for name, rows in (("hidden-filter", "5、6、9"), ("hidden-hand", "4、9")):
        data = (SHEETS / f"{name}.{fmt}").read_bytes()
        result = MeetingImporter(store=[], dry_run=True).run(data, f"{name}.{fmt}")
        assert result.created == 8 and result.errors == [], (name, result.errors)
        assert result.notes == [f"第{rows}行在表格中是隐藏的（可能被筛选隐藏），也会导入，请确认。"]


def test_an_ods_hidden_region_is_counted_with_its_repeats():
    from shigan.core.spreadsheets.hidden import ods_hidden_rows

    content = (
        b'<table:table table:name="\xe8\xaf\xb4\xe6\x98\x8e"><table:table-row '
        b'table:visibility="collapse"></table:table-row></table:table>'
        b'<table:table table:name="a&amp;b"><table:table-row table:number-rows-repeated="2">'
        b'</table:table-row><table:table-row table:visibility="filter" '
        b'table:number-rows-repeated="3"></table:table-row><table:table-row/>'
        b'<table:table-row table:visibility="collapse" table:number-rows-repeated="1048570">'
        b"</table:table-row></table:table>"
    )
    assert ods_hidden_rows(content, "a&b", 8) == {2, 3, 4, 6, 7}
    assert ods_hidden_rows(content, "说明", 8) == {0}
    assert ods_hidden_rows(content, "none", 8) == set()


def test_other_sheets_with_the_header_are_named_not_dropped_silently():
    # A township's workbook keeps one sheet per village, each with the same header: only the
    # first is read, and the preview and the result say which others were left out.
    def build(wb):
        wb.add_worksheet("填表说明").write(0, 0, "说明")
        for name in ("巴彦图嘎", "宝格都乌拉", "吉日嘎郎图"):
            ws = wb.add_worksheet(name)
            ws.write_row(0, 0, ["会议名称", "日期"])
            ws.write_row(1, 0, [f"{name}会议", "2023-06-30"])

    result = MeetingImporter(store=[], dry_run=True).run(_book(build), "a.xlsx")
    assert result.created == 1 and result.errors == []
    assert result.notes == [
        "工作簿中另有 2 个工作表（“宝格都乌拉”“吉日嘎郎图”）也有本表的表头，未导入；"
        "只读取了“巴彦图嘎”。请分别导入，或合并到一个工作表后再导入。"
    ]
    one = _xlsx([["会议名称", "日期"], ["a", "2023-06-30"]])
    assert MeetingImporter(store=[]).run(one, "a.xlsx").notes == []


def test_errors_name_the_column_as_the_sheet_titles_it():
    # A clerk looks for the heading of her own sheet: "召开\n日期" (the importer's 日期), "人数
    # （人）", "会议名称" under a wrapped title: a bad cell, a service's refusal and a formula
    # name the sheet's heading (its line break dropped), with the column letter and row.
    def build(wb):
        ws = wb.add_worksheet()
        ws.write_row(0, 0, ["序号", "会议\n名称", "召开\n日期", "人数（人）"])
        ws.write_row(1, 0, [1, "读书班", "上周五", 12])
        ws.write_row(2, 0, [2, "党课", "2023-06-30", 5000])
        ws.write_formula(3, 1, '="读书"&"班"', None, "读书班")
        ws.write_row(3, 2, ["2023-07-01", "十二"])

    result = MeetingImporter(store=[], mode=ImportMode.VALID_ROWS).run(_book(build), "a.xlsx")
    assert [(e.row, e.letter, e.column) for e in result.errors] == [
        (2, "C", "召开日期"),
        (3, "D", "人数（人）"),
        (4, "D", "人数（人）"),
        (4, "B", "会议名称"),
    ]


def test_a_month_written_with_a_dot_or_a_dash_is_a_deadline_by_its_end():
    # "2023.6", "2023-06", "2023/6" in a deadline column: by the end of the month, as 2023年6月.
    # Typed into a cell not formatted as text, "2023.6" is the number 2023.6, and "2023.10" the
    # number 2023.1: read as June, and refused as "January or October?". A date and a date cell
    # read as before; a month is still no 日期.
    rows = [
        ["会议名称", "日期", "人数", "完成时限"],
        ["a", "2023-06-01", 1, "2023.6"],
        ["b", "2023-06-01", 1, "2023-06"],
        ["c", "2023-06-01", 1, "2023/6前"],
        ["d", "2023-06-01", 1, 2023.6],
        ["e", "2023-06-01", 1, 2023.12],
        ["f", "2023-06-01", 1, "2023/6/30"],
        ["g", "2023-06-01", 1, date(2023, 7, 15)],
        ["h", "2023-06-01", 1, 45107],
        ["i", "2023-06-01", 1, 2023.1],
        ["j", "2023.6", 1, ""],
    ]
    store = []
    result = DeadlineMeetingImporter(store=store, mode=ImportMode.VALID_ROWS).run(
        _xlsx(rows, date_cells={(7, 3)}), "a.xlsx"
    )
    assert [(e.row, e.letter) for e in result.errors] == [(10, "D"), (11, "B")], result.errors
    assert "10月" in result.errors[0].message
    assert [(r["title"], r["due_on"]) for r in store] == [
        ("a", date(2023, 6, 30)),
        ("b", date(2023, 6, 30)),
        ("c", date(2023, 6, 30)),
        ("d", date(2023, 6, 30)),
        ("e", date(2023, 12, 31)),
        ("f", date(2023, 6, 30)),
        ("g", date(2023, 7, 15)),
        ("h", date(2023, 6, 30)),
    ]


def test_a_column_the_importer_does_not_read_is_named_not_dropped_silently():
    # 备注 and 联系人 are no columns of the meetings sheet: filled, they are named in a note (with
    # their letters), not dropped unsaid; an empty one, a 序号 and a blank heading are not.
    rows = [
        ["序号", "会议名称", "日期", "备注", "人数", "联系人", "", "记录人"],
        [1, "读书班", "2023-06-30", "线上线下结合", 12, "", "x", ""],
        [2, "党课", "2023-07-01", "", 30, "", "", ""],
    ]
    result = MeetingImporter(store=[]).run(_xlsx(rows), "a.xlsx")
    assert result.errors == [] and result.created == 2, result.errors
    assert result.notes == ["表头中的“备注”（D 列）不是本表读取的列，其中填写的内容不会导入。"]
    rows = [["会议名称", "日期", "备注"], ["读书班", "2023-06-30", ""]]
    assert MeetingImporter(store=[]).run(_xlsx(rows), "a.xlsx").notes == []


@pytest.mark.parametrize(
    "line",
    [
        "填报日期：2023年5月10日",
        "填报时间：2023年5月10日",  # as often as 日期 on a township's sheet
        "报送时间:2023.5.10",
        "制表时间 2023/5/10",
        "截至2023年5月10日",
    ],
)
def test_the_ledgers_date_line_as_offices_write_it(line):
    from shigan.core.spreadsheets.layout import ledger_date

    assert ledger_date([["填报单位：阿巴嘎旗委", line]]) == date(2023, 5, 10)
