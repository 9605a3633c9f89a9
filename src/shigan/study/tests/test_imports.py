"""Importing a study ledger sheet as a real office keeps it, and exporting it back."""

import datetime
import io
import zipfile

import pytest
import xlsxwriter

from shigan.accounts.system import system_actor
from shigan.core.spreadsheets.reading import read_rows
from shigan.metrics.selectors import metric_value
from shigan.study.exports import StudyActivityExporter
from shigan.study.imports import StudyActivityImporter
from shigan.study.metrics import SESSIONS
from shigan.study.models import StudyActivity

pytestmark = pytest.mark.django_db


def office_sheet(rows) -> bytes:
    """The way a banner's office keeps it: a merged title row, a note, then the table."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("学习台账")
    title = book.add_format({"bold": True, "align": "center", "font_size": 16})
    sheet.merge_range(0, 0, 0, 6, "阿巴嘎旗主题教育学习情况台账", title)
    sheet.write(1, 0, "填报单位（盖章）：阿巴嘎旗委办公室")
    sheet.write_row(2, 0, ["序号", "单位", "学习形式", "主题", "日期", "参加人数", "参加领导"])
    date_format = book.add_format({"num_format": "yyyy年m月d日"})
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row):
            if isinstance(value, datetime.date):
                sheet.write_datetime(
                    r, c, datetime.datetime.combine(value, datetime.time()), date_format
                )
            elif value is not None:
                sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


def test_office_sheet_imports(units, campaign, people, editor):
    data = office_sheet(
        [
            (
                1,
                "阿巴嘎旗",
                "读书班",
                "学习贯彻主题教育读书班",
                "2023年4月13日",
                35,
                "巴特尔、王建国",
            ),
            (
                2,
                "",
                "理论学习中心组学习",
                "中心组集中研讨",
                datetime.date(2023, 4, 20),
                12,
                "巴特尔，乌云",
            ),
            (3, "阿巴嘎旗", "专题讲座", "专题党课", "2023.5.6", "８", None),
        ]
    )
    result = StudyActivityImporter(actor=editor, unit=units["own"], campaign=campaign).run(
        data, "台账.xlsx"
    )
    assert result.errors == [] and result.created == 3, result.message
    reading = StudyActivity.objects.get(kind="reading_class")
    assert reading.held_on == datetime.date(2023, 4, 13)
    assert reading.participants == 35
    assert sorted(reading.leaders.values_list("name", flat=True)) == ["巴特尔", "王建国"]
    central = StudyActivity.objects.get(kind="central_group")
    assert central.held_on == datetime.date(2023, 4, 20)
    assert sorted(central.leaders.values_list("name", flat=True)) == ["乌云", "巴特尔"]
    assert StudyActivity.objects.get(kind="lecture").participants == 8
    assert (
        metric_value(SESSIONS, unit=units["region"], campaign=campaign, user=system_actor("test"))
        == 3
    )
    # The same sheet again adds nothing.
    again = StudyActivityImporter(actor=editor, unit=units["own"], campaign=campaign).run(
        data, "台账.xlsx"
    )
    assert (again.created, again.unchanged, again.errors) == (0, 3, [])


def test_unknown_leader_is_named_by_row_and_column_with_a_suggestion(
    units, campaign, people, editor
):
    data = office_sheet(
        [
            (1, "阿巴嘎旗", "读书班", "读书班", "2023年4月13日", 30, "巴特尔"),
            (2, "阿巴嘎旗", "读书班", "读书班第二期", "2023年4月20日", 30, "巴特、孟和"),
        ]
    )
    result = StudyActivityImporter(actor=editor, unit=units["own"], campaign=campaign).run(
        data, "台账.xlsx"
    )
    assert not result.committed and not StudyActivity.objects.exists()
    errors = {(e.row, e.column, e.value): e.message for e in result.errors}
    assert set(errors) == {(5, "参加领导", "巴特"), (5, "参加领导", "孟和")}
    assert {e.letter for e in result.errors} == {"G"}
    assert "您是不是要找“巴特尔”" in errors[(5, "参加领导", "巴特")]
    # 孟和 is a leader of the sibling banner: not one of this unit's people.
    assert "找不到“孟和”" in errors[(5, "参加领导", "孟和")]


def test_bad_kind_and_date_are_reported_per_cell(units, campaign, editor):
    data = office_sheet([(1, "阿巴嘎旗", "座谈会", "座谈", "4月31日", 3, None)])
    result = StudyActivityImporter(actor=editor, unit=units["own"], campaign=campaign).run(
        data, "台账.xlsx"
    )
    columns = {e.column for e in result.errors}
    assert columns == {"学习形式", "日期"}
    assert all(e.row == 4 for e in result.errors)


def test_template_has_a_kind_drop_down_and_export_reimports(
    units, campaign, people, editor, make_activity
):
    exporter = StudyActivityExporter(user=editor, unit=units["own"], campaign=campaign)
    with zipfile.ZipFile(io.BytesIO(exporter.template_bytes())) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<dataValidation" in sheet and "读书班" in sheet and "线上讲堂" in sheet
    make_activity(kind="online_class", title="线上讲堂", leaders=[people["deputy"]], participants=9)
    rows = read_rows(exporter.xlsx_bytes(), "x.xlsx")
    assert rows[0] == ["序号", "单位", "学习形式", "主题", "日期", "参加人数", "参加领导"]
    assert rows[1][1:4] == ["阿巴嘎旗", "线上讲堂", "线上讲堂"]
    assert rows[1][6] == "王建国"
    result = StudyActivityImporter(actor=editor, unit=units["own"], campaign=campaign).run(
        exporter.xlsx_bytes(), "x.xlsx"
    )
    assert (result.created, result.unchanged, result.errors) == (0, 1, [])


def test_a_kind_shortened_as_offices_write_it_reads(units, campaign, editor):
    data = office_sheet(
        [
            (1, "", "中心组学习", "集中研讨", "2023年4月20日", 12, None),
            (2, "", "党委（党组）理论学习中心组学习", "专题研讨", "2023年4月21日", 12, None),
            (3, "", "主题党日活动", "重温入党誓词", "2023年4月22日", "30人", None),
        ]
    )
    result = StudyActivityImporter(actor=editor, unit=units["own"], campaign=campaign).run(
        data, "台账.xlsx"
    )
    assert result.errors == [] and result.created == 3, result.errors
    kinds = dict(StudyActivity.objects.values_list("title", "kind"))
    assert kinds == {
        "集中研讨": "central_group",
        "专题研讨": "central_group",
        "重温入党誓词": "party_day",
    }
    # 专题党课 may be a lecture or one of 三会一课: refused, the kinds listed.
    wrong = office_sheet([(1, "", "专题党课", "党课", "2023年4月23日", 12, None)])
    result = StudyActivityImporter(actor=editor, unit=units["own"], campaign=campaign).run(
        wrong, "台账.xlsx"
    )
    [error] = result.errors
    assert (error.letter, error.column) == ("C", "学习形式") and "可选" in error.message
