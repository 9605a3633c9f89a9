"""The spreadsheet base: reading office sheets as people make them, reporting, exporting."""

import csv
import io
import zipfile
from datetime import date

import pytest
import xlsxwriter
from django.utils import translation
from django.utils.translation import gettext_lazy
from python_calamine import CalamineWorkbook

from shigan.accounts.system import system_actor
from shigan.core.errors import DomainError, ErrorCodes
from shigan.core.spreadsheets.exporters import Exporter, neutralize
from shigan.core.spreadsheets.importers import Column, Importer, ImportMode
from shigan.core.spreadsheets.reading import read_rows
from shigan.core.spreadsheets.reports import error_report
from shigan.core.spreadsheets.values import (
    CellError,
    display_width,
    parse_date,
    parse_division_code,
    parse_int,
)

pytestmark = pytest.mark.django_db


class SavedCode(ErrorCodes):  # a test service's codes: a coded error names its enum
    TOO_MANY = "too_many"


class Saved(DomainError):
    codes = SavedCode


class MeetingImporter(Importer):
    """A test sheet: meetings with a date, a count and a choice; saves into a list."""

    title = "会议"
    columns = (
        Column("title", "会议名称", required=True),
        Column("held_on", "日期", kind="date", required=True, aliases=("召开日期",)),
        Column("people", "人数", kind="int"),
        Column("kind", "形式", kind="choice", choices=(("online", "线上"), ("offline", "线下"))),
    )
    key = ("title", "held_on")

    def __init__(self, *, store, existing=(), **kwargs):
        super().__init__(actor=system_actor("test"), **kwargs)
        self.store = store
        self.existing = set(existing)

    def existing_keys(self, keys):
        return keys & self.existing

    def save(self, records, *, skip_invalid):
        refused = {}
        for i, r in enumerate(records):
            if r.values["people"] and r.values["people"] > 1000:
                refused[i] = Saved("人数超过会场容量。", code=SavedCode.TOO_MANY, field="people")
            else:
                self.store.append(dict(r.values))
        return refused


def _xlsx(rows, *, title=None, date_cells=()):
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = wb.add_worksheet()
    fmt = wb.add_format({"num_format": "yyyy/m/d"})
    r = 0
    if title:
        ws.merge_range(0, 0, 0, 3, title)
        r = 2  # one empty row, then the header on row 3
    for row in rows:
        for c, value in enumerate(row):
            if (r, c) in date_cells:
                ws.write_datetime(r, c, value, fmt)
            elif value is not None:
                ws.write(r, c, value)
        r += 1
    wb.close()
    return buffer.getvalue()


def test_values_parse_every_date_form():
    assert parse_date(45107) == date(2023, 6, 30)  # Excel serial
    assert parse_date(45107.0) == date(2023, 6, 30)
    assert parse_date("2023年6月30日") == date(2023, 6, 30)
    assert parse_date("2023.6.30") == date(2023, 6, 30)
    assert parse_date("2023/6/30") == date(2023, 6, 30)
    assert parse_date("2023-06-30") == date(2023, 6, 30)
    assert parse_date("２０２３年６月３０日") == date(2023, 6, 30)
    assert parse_date("6月30日", default_year=2023) == date(2023, 6, 30)
    with pytest.raises(CellError, match="没有年份"):
        parse_date("6月30日")
    with pytest.raises(CellError, match="不是有效的日期"):
        parse_date("2023年2月30日")
    with pytest.raises(CellError, match="可识别"):
        parse_date("上周五")


def test_values_parse_a_deadline_as_offices_write_it():
    # A month's end, a day "by", 号 for 日.
    assert parse_date("2023年6月底") == date(2023, 6, 30)
    assert parse_date("2024年2月末") == date(2024, 2, 29)
    assert parse_date("2023年12月底前") == date(2023, 12, 31)
    assert parse_date("2023年底") == date(2023, 12, 31)
    assert parse_date("2023年年底前") == date(2023, 12, 31)
    assert parse_date("6月底", default_year=2023) == date(2023, 6, 30)
    assert parse_date("2023年6月30日前") == date(2023, 6, 30)
    assert parse_date("2023.6.30前") == date(2023, 6, 30)
    assert parse_date("2023年6月8号") == date(2023, 6, 8)
    assert parse_date("7月1号之前", default_year=2023) == date(2023, 7, 1)
    with pytest.raises(CellError, match="没有年份"):
        parse_date("6月底")
    with pytest.raises(CellError, match="不是有效的日期"):
        parse_date("2023年13月底")
    with pytest.raises(CellError, match="可识别"):
        parse_date("2023年6月")  # which day of June is not for the importer to guess


def test_values_numbers_and_codes():
    assert parse_int("１２３") == 123
    assert parse_int("35人") == 35  # a count with what it counts, as offices write it
    assert parse_int("1,200 人次") == 1200
    assert parse_int("３场") == 3
    assert parse_int("约30人") == 30  # an approximate count, as offices give it
    with pytest.raises(CellError, match="不是整数"):
        parse_int("约")
    with pytest.raises(CellError, match="不是整数"):
        parse_int("人")
    assert parse_int(12.0) == 12
    with pytest.raises(CellError):
        parse_int("12.5")
    assert parse_division_code("１５２５２２００００００") == "152522000000"
    assert parse_division_code(152522) == "152522000000"
    with pytest.raises(CellError, match="行政区划代码"):
        parse_division_code("15252")
    assert display_width("阿巴嘎旗ab") == 10


def test_messy_sheet_reads_with_every_quirk():
    data = _xlsx(
        [
            ["会议名称", "召开日期", "人数", "形式"],
            ["读书班", 45107, "１２０", "线下"],  # serial stored as a plain number
            [None, None, None, None],  # blank row
            ["中心组学习", date(2023, 7, 3), 35, "online"],  # a real date cell
            ["专题讲座", "2023年6月30日", "４５", None],
            ["", "", "", ""],
            ["主题党日", "2023.7.1", 20, "线上"],
            ["三会一课", "2023/7/2", 18, None],
            ["线上讲堂", "2023-07-05", 300, "线上"],
            ["调研座谈", "7月8日", 12, None],
        ],
        title="2023年主题教育会议台账（第一批）",
        date_cells={(5, 1)},
    )
    store = []
    result = MeetingImporter(store=store, default_year=2023).run(data, "会议.xlsx")
    assert result.errors == [], result.errors
    assert result.created == result.total == 7
    by_title = {r["title"]: r for r in store}
    assert by_title["读书班"]["held_on"] == date(2023, 6, 30)
    assert by_title["读书班"]["people"] == 120
    assert by_title["读书班"]["kind"] == "offline"
    assert by_title["中心组学习"]["held_on"] == date(2023, 7, 3)
    assert by_title["中心组学习"]["kind"] == "online"
    assert by_title["专题讲座"]["held_on"] == date(2023, 6, 30)
    assert by_title["专题讲座"]["people"] == 45
    assert by_title["主题党日"]["held_on"] == date(2023, 7, 1)
    assert by_title["三会一课"]["held_on"] == date(2023, 7, 2)
    assert by_title["线上讲堂"]["held_on"] == date(2023, 7, 5)
    assert by_title["调研座谈"]["held_on"] == date(2023, 7, 8)


BAD_ROWS = [
    ["会议名称", "日期", "人数", "形式"],
    ["读书班", "2023-06-30", 10, "线下"],
    ["中心组学习", "明天", 10, "线下"],  # row 3: bad date
    ["专题讲座", "2023-07-01", "很多", "广播"],  # row 4: bad number and bad choice
    ["主题党日", "2023-07-02", 5000, "线下"],  # row 5: refused by the service
]


def test_all_or_nothing_refuses_the_whole_sheet_and_reports_row_and_column():
    store = []
    result = MeetingImporter(store=store).run(_xlsx(BAD_ROWS), "bad.xlsx")
    # The valid row was saved in the import's transaction, then rolled back (this importer's
    # store is a plain list, which no rollback reaches: the problems importers test the tables).
    assert not result.committed and result.created == 0
    cells = {(e.row, e.column) for e in result.errors}
    # Bad cells and the service's refusals come in the same round.
    assert cells == {(3, "日期"), (4, "人数"), (4, "形式"), (5, "人数")}
    report = CalamineWorkbook.from_filelike(io.BytesIO(error_report(result)))
    rows = report.get_sheet_by_index(0).to_python()
    assert rows[0] == ["行号", "列号", "列", "值", "错误说明"]
    assert [int(rows[1][0]), rows[1][1], rows[1][2], rows[1][3]] == [3, "B", "日期", "明天"]
    assert "不是可识别的日期" in rows[1][4]
    assert any(int(r[0]) == 4 and r[2] == "形式" and "可选" in r[4] for r in rows[1:])


def test_valid_rows_mode_saves_the_good_rows_and_reports_the_bad():
    store = []
    result = MeetingImporter(store=store, mode=ImportMode.VALID_ROWS).run(
        _xlsx(BAD_ROWS), "bad.xlsx"
    )
    assert [r["title"] for r in store] == ["读书班"]
    assert result.created == 1 and result.committed
    assert {e.row for e in result.errors} == {3, 4, 5}
    service_error = next(e for e in result.errors if e.row == 5)
    assert service_error.column == "人数" and "容量" in service_error.message


def test_natural_key_makes_known_rows_unchanged_and_duplicates_errors():
    rows = [["会议名称", "日期"], ["读书班", "2023-06-30"], ["读书班", "2023-06-30"]]
    store = []
    result = MeetingImporter(store=store, mode=ImportMode.VALID_ROWS).run(_xlsx(rows), "a.xlsx")
    assert len(store) == 1 and "与第 2 行重复" in result.errors[0].message
    store = []
    existing = {("读书班", date(2023, 6, 30))}
    result = MeetingImporter(store=store, existing=existing).run(_xlsx(rows[:2]), "a.xlsx")
    assert store == [] and result.unchanged == 1 and result.created == 0


def test_missing_header_is_named():
    result = MeetingImporter(store=[]).run(_xlsx([["标题", "时间"], ["x", "y"]]), "x.xlsx")
    assert "会议名称" in result.message and not result.committed


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8", "utf-8-sig"])
def test_csv_reads_in_each_encoding(encoding):
    text = "会议名称,日期,人数\n乌拉盖管理区读书班,2023年6月30日,１２\n"
    rows = read_rows(text.encode(encoding), "会议.csv")
    assert rows[1] == ["乌拉盖管理区读书班", "2023年6月30日", "１２"]
    store = []
    result = MeetingImporter(store=store).run(text.encode(encoding), "会议.csv")
    assert store[0]["title"] == "乌拉盖管理区读书班" and store[0]["people"] == 12, result


def test_unicode_text_saved_as_csv_reads():
    # Excel's and WPS's "Unicode 文本": UTF-16 with its byte-order mark, tab-separated.
    text = "会议名称\t日期\t人数\r\n读书班\t2023-06-30\t12\r\n"
    for encoding in ("utf-16", "utf-16-be"):
        data = text.encode(encoding)
        data = data if encoding == "utf-16" else b"\xfe\xff" + data
        assert read_rows(data, "会议.csv") == [
            ["会议名称", "日期", "人数"],
            ["读书班", "2023-06-30", "12"],
        ]


def test_unsupported_file_type_is_refused():
    result = MeetingImporter(store=[]).run(b"hello", "会议.docx")
    assert "不支持的文件类型" in result.message


class MeetingExporter(Exporter):
    title = "会议"
    columns = MeetingImporter.columns

    def __init__(self, rows):
        self._rows = rows

    def rows(self):
        yield from self._rows


def test_csv_export_neutralises_formula_injection():
    exporter = MeetingExporter(
        [
            ['=HYPERLINK("http://x")', date(2023, 6, 30), 1, "线上"],
            ["+1", None, -5, "@SUM(A1)"],
            ["-2+3", None, None, "正常"],
        ]
    )
    data = exporter.csv_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1][0] == '\'=HYPERLINK("http://x")'
    assert rows[2][0] == "'+1" and rows[2][3] == "'@SUM(A1)" and rows[2][2] == "-5"
    assert rows[3][0] == "'-2+3" and rows[3][3] == "正常"
    assert neutralize("普通") == "普通"


def test_xlsx_export_styles_and_keeps_text_as_text():
    exporter = MeetingExporter([["=1+1", date(2023, 6, 30), 3, "线上"]] * 3)
    data = exporter.xlsx_bytes()
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    rows = sheet.to_python()
    assert rows[0] == ["会议名称", "日期", "人数", "形式"]
    assert rows[1][0] == "=1+1" and rows[1][1] == date(2023, 6, 30)

    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<autoFilter" in xml and 'state="frozen"' in xml and "<f>" not in xml
    assert 'customWidth="1"' in xml


def test_template_has_drop_down_lists_for_choice_columns():

    data = MeetingExporter([]).template_bytes()
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<dataValidation" in xml and "线上,线下" in xml


# -- sheets in either language ------------------------------------------------------------------

YES_NO = (("1", gettext_lazy("是")), ("0", gettext_lazy("否")))


class TranslatedImporter(Importer):
    """Titles and labels as the apps declare them: lazy, translated when shown."""

    title = "活动"
    columns = (
        Column("title", gettext_lazy("主题"), required=True),
        Column("held_on", gettext_lazy("日期"), kind="date", required=True),
        Column("people", gettext_lazy("参加人数"), kind="int"),
        Column("first", gettext_lazy("初信初访"), kind="choice", choices=YES_NO),
    )
    key = ("title", "held_on")

    def __init__(self, *, store, **kwargs):
        super().__init__(actor=system_actor("test"), **kwargs)
        self.store = store

    def existing_keys(self, keys):
        return keys & {(r["title"], r["held_on"]) for r in self.store}

    def save(self, records, *, skip_invalid):
        self.store.extend(dict(r.values) for r in records)
        return {}


class TranslatedExporter(Exporter):
    title = "活动"
    columns = TranslatedImporter.columns

    def rows(self):
        yield ("读书班", date(2023, 6, 30), 40, YES_NO[0][1])
        yield ("专题党课", date(2023, 7, 3), 25, YES_NO[1][1])


@pytest.mark.parametrize("reader", ["zh-hans", "en"])
@pytest.mark.parametrize("writer", ["zh-hans", "en"])
def test_a_sheet_exported_in_one_language_imports_in_the_other(writer, reader):
    with translation.override(writer):
        data = TranslatedExporter().xlsx_bytes()
    header = read_rows(data, "x.xlsx")[0]
    assert header[0] == ("Subject" if writer == "en" else "主题")
    store = []
    with translation.override(reader):
        result = TranslatedImporter(store=store).run(data, "x.xlsx")
    assert result.errors == [] and result.created == 2
    assert [(r["title"], r["held_on"], r["people"], r["first"]) for r in store] == [
        ("读书班", date(2023, 6, 30), 40, "1"),
        ("专题党课", date(2023, 7, 3), 25, "0"),
    ]
    with translation.override(reader):  # the same sheet again changes nothing
        again = TranslatedImporter(store=store).run(data, "x.xlsx")
    assert again.unchanged == 2 and again.created == 0 and len(store) == 2


def test_missing_header_is_named_when_the_titles_are_lazy():
    # The apps declare their titles with gettext_lazy; joining them must not trip on the proxies.
    result = TranslatedImporter(store=[]).run(_xlsx([["标题", "时间"], ["x", "y"]]), "x.xlsx")
    assert "主题" in result.message and "参加人数" in result.message and not result.committed


def test_choices_read_the_label_in_any_language_and_case():
    store = []
    data = _xlsx(
        [
            ["SUBJECT", "date", "Attendance", "First-time petition"],
            ["甲", "30 June 2023", 1, "yes"],
            ["乙", "June 30, 2023", 2, "NO"],
            ["丙", "2023-06-30", 3, "否"],
            ["丁", "2023-06-30", 4, "1"],
        ]
    )
    result = TranslatedImporter(store=store).run(data, "x.xlsx")
    assert result.errors == []
    assert [(r["title"], r["first"]) for r in store] == [
        ("甲", "1"),
        ("乙", "0"),
        ("丙", "0"),
        ("丁", "1"),
    ]
    assert {r["held_on"] for r in store} == {date(2023, 6, 30)}


def test_values_parse_english_dates():
    assert parse_date("30 June 2023") == date(2023, 6, 30)
    assert parse_date("30th Jun. 2023") == date(2023, 6, 30)
    assert parse_date("June 30, 2023") == date(2023, 6, 30)
    assert parse_date("sept 1 2023") == date(2023, 9, 1)
    with pytest.raises(CellError, match="不是有效的日期"):
        parse_date("30 February 2023")
    with pytest.raises(CellError, match="可识别"):
        parse_date("30 Juno 2023")
