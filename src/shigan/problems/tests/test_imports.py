"""The 问题整改台账 sheet as offices send it: both layouts in one real-shaped workbook, imported
through the services, re-imported as a no-op, exported back to the same columns; a bad sheet
names row and column and writes nothing."""

import datetime
import io

import pytest
import xlsxwriter
from django.utils import translation

from shigan.audit.models import AuditEntry
from shigan.core.spreadsheets.reading import read_rows
from shigan.problems.choices import MeasureState, ProblemSource, ProblemState, ProblemTerm
from shigan.problems.exports import LedgerExporter
from shigan.problems.imports import LedgerImporter, LedgerState, TimeLimit
from shigan.problems.models import Measure, Problem, ProgressReport
from shigan.problems.sheet_cells import parse_source, parse_status, parse_time_limit, split_measures

pytestmark = pytest.mark.django_db

D = datetime.date
IMPORT_DAY = D(2023, 5, 10)
HEADER = [
    "序号",
    "问题",
    "方面",
    "来源",
    "整改措施",
    "责任领导",
    "责任单位",
    "整改时限",
    "整改进展",
    "完成情况",
]


def workbook(rows_writer) -> bytes:
    """A ledger the way an office lays it out: a merged title, the unit and date line, the
    header on row 3, wrapped text."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet("问题整改台账")
    wrap = book.add_format({"text_wrap": True, "valign": "vcenter", "border": 1})
    bold = book.add_format({"bold": True, "align": "center", "border": 1})
    sheet.merge_range(0, 0, 0, 9, "阿巴嘎旗主题教育检视问题整改台账", bold)
    sheet.write(1, 0, "填报单位：阿巴嘎旗委主题教育办公室（盖章）        填报时间：2023年5月10日")
    sheet.write_row(2, 0, HEADER, bold)
    rows_writer(sheet, wrap)
    book.close()
    return buffer.getvalue()


def both_layouts(child: str):
    """The writer of a ledger with both layouts; `child` names a township of the banner."""
    return lambda sheet, fmt: _both_layouts(sheet, fmt, child)


def _both_layouts(sheet, fmt, child):
    # One row per problem, the measures numbered in one cell.
    sheet.write_row(
        3,
        0,
        [
            1,
            "理论学习不够深入，学用脱节",
            "理论学习",
            "检视查摆",
            "1. 制定年度学习计划\n2. 举办读书班，投入3.5万元购置书籍\n3. 建立学习考勤制度",
            "巴特尔（旗委书记）",
            "",
            "2023年6月30日",
            "已制定计划，完成60%",
            "整改中",
        ],
        fmt,
    )
    sheet.write_row(
        4,
        0,
        [
            2,
            "调研走过场、重形式",
            "调查研究",
            "调研",
            "1、建立调研台账；2、每季度通报调研成果",
            "巴特尔",
            child,
            "立行立改",
            "",
            "未完成",
        ],
        fmt,
    )
    # One row per measure, the problem's cells merged over its rows.
    for c, value in enumerate([3, "基层负担重，报表多", "作风建设", "督察反馈"]):
        sheet.merge_range(5, c, 7, c, value, fmt)
    sheet.merge_range(5, 6, 7, 6, child, fmt)
    sheet.merge_range(5, 8, 7, 8, "已清理报表12张", fmt)
    for r, (measure, who, limit, status) in enumerate(
        [
            ("清理精简报表", "其木格", "2023年7月底", "已完成"),
            ("建立报表准入制度", "巴特尔", "2023-08-15", "未完成"),
            ("开展“回头看”", "", "2023年9月30日前", "未完成"),
        ],
        start=5,
    ):
        sheet.write_row(r, 4, [measure, who], fmt)
        sheet.write(r, 7, limit, fmt)
        sheet.write(r, 9, status, fmt)
    # One row per measure, the problem repeated on each row; a long-term one.
    for r, measure in ((8, "（1）每月走访联系户"), (9, "（2）建立群众诉求台账")):
        sheet.write_row(
            r,
            0,
            [4, "服务群众不主动", "作风建设", "信访", measure, "巴特尔", "", "长期坚持", "", ""],
            fmt,
        )


def run(editor, units, campaign, data, **kwargs):
    importer = LedgerImporter(
        actor=editor, unit=units["own"], campaign=campaign, today=IMPORT_DAY, **kwargs
    )
    return importer.run(data, "台账.xlsx")


def test_both_layouts_import_through_the_services(ledger_units, editor, campaign):
    units = ledger_units
    result = run(editor, units, campaign, workbook(both_layouts(units["child"].name)))
    assert not result.errors, result.errors
    assert result.created == 4 and result.committed

    theory = Problem.objects.get(title="理论学习不够深入，学用脱节")
    assert theory.unit == units["own"] and theory.aspect.name == "理论学习"
    assert theory.source == ProblemSource.SELF_INSPECTION
    assert theory.responsible.name == "巴特尔"
    assert (theory.term, theory.deadline) == (ProblemTerm.TIME_BOUND, D(2023, 6, 30))
    assert [m.text for m in theory.measures.order_by("pk")] == [
        "制定年度学习计划",
        "举办读书班，投入3.5万元购置书籍",
        "建立学习考勤制度",
    ]
    assert theory.state == ProblemState.IN_PROGRESS and theory.progress_percent == 60
    assert theory.reports.get().text == "已制定计划，完成60%"

    research = Problem.objects.get(title="调研走过场、重形式")
    assert research.unit == units["child"] and research.source == ProblemSource.RESEARCH
    assert research.term == ProblemTerm.IMMEDIATE
    assert research.measures.count() == 2

    burden = Problem.objects.get(title="基层负担重，报表多")
    assert burden.unit == units["child"]
    assert burden.source == ProblemSource.INSPECTION_FEEDBACK
    assert burden.deadline == D(2023, 9, 30)  # the latest of its measures' dates
    measures = list(burden.measures.order_by("pk").select_related("owner"))
    assert [(m.text, m.owner.name, m.deadline, m.state) for m in measures] == [
        ("清理精简报表", "其木格", D(2023, 7, 31), MeasureState.DONE),
        ("建立报表准入制度", "巴特尔", D(2023, 8, 15), MeasureState.PLANNED),
        ("开展“回头看”", "其木格", D(2023, 9, 30), MeasureState.PLANNED),
    ]
    assert burden.reports.count() == 1

    service = Problem.objects.get(title="服务群众不主动")
    assert service.term == ProblemTerm.LONG_TERM and service.source == ProblemSource.PETITION
    assert [m.text for m in service.measures.order_by("pk")] == [
        "每月走访联系户",
        "建立群众诉求台账",
    ]
    # Each problem was written by the services: its transitions and audit entries exist.
    assert AuditEntry.objects.filter(action="problems.problem.created").count() == 4
    assert all(p.transitions.exists() for p in Problem.objects.all())


def _snapshot():
    return (
        Problem.objects.count(),
        Measure.objects.count(),
        ProgressReport.objects.count(),
        AuditEntry.objects.count(),
    )


def test_reimport_is_a_no_op_and_export_round_trips(ledger_units, editor, campaign):
    units = ledger_units
    data = workbook(both_layouts(units["child"].name))
    run(editor, units, campaign, data)
    before = _snapshot()
    again = run(editor, units, campaign, data)
    assert again.created == 0 and again.unchanged == 4 and not again.errors
    assert _snapshot() == before

    exported = LedgerExporter(user=editor, unit=units["own"]).xlsx_bytes()
    rows = read_rows(exported, "export.xlsx")
    assert rows[0] == HEADER
    assert len(rows) == 5
    by_title = {row[1]: row for row in rows[1:]}
    theory = by_title["理论学习不够深入，学用脱节"]
    assert theory[4] == (
        "1. 制定年度学习计划\n2. 举办读书班，投入3.5万元购置书籍\n3. 建立学习考勤制度"
    )
    assert theory[2:4] == ["理论学习", "检视查摆"]
    assert theory[5] == "巴特尔" and theory[6] == units["own"].name
    assert theory[8] == "已制定计划，完成60%" and theory[9] == "整改中"
    assert by_title["服务群众不主动"][7] == "长期坚持"
    assert by_title["调研走过场、重形式"][6] == units["child"].name

    # The exported sheet is a valid ledger: importing it changes nothing …
    back = run(editor, units, campaign, exported)
    assert not back.errors and back.unchanged == 4 and back.created == 0
    assert _snapshot() == before
    # … and into an empty ledger it recreates the same problems and measures.
    Problem.objects.all().delete()
    fresh = run(editor, units, campaign, exported)
    assert fresh.created == 4, fresh.errors
    assert Measure.objects.count() == before[1]
    assert Problem.objects.get(title="基层负担重，报表多").measures.count() == 3


def bad_rows(sheet, fmt):
    sheet.write_row(
        3, 0, [1, "好问题", "理论学习", "检视查摆", "措施一", "巴特尔", "", "2023-06-30", "", ""]
    )
    sheet.write_row(
        4, 0, [2, "坏问题", "不存在的方面", "检视查摆", "措施二", "张三", "", "明年", "", "差不多"]
    )
    sheet.write_row(5, 0, [3, "", "", "", "措施三", "", "", "", "", ""])  # a measure of 坏问题


def test_a_bad_sheet_names_row_and_column_and_writes_nothing(ledger_units, editor, campaign):
    units = ledger_units
    before = _snapshot()
    result = run(editor, units, campaign, workbook(bad_rows))
    assert not result.committed and result.created == 0
    assert _snapshot() == before
    located = {(e.row, e.column) for e in result.errors}
    # 张三 is not on the roster: he would be registered, not refused.
    assert located == {(5, "方面"), (5, "整改时限"), (5, "完成情况"), (6, "问题")}
    messages = {e.column: e.message for e in result.errors}
    assert "理论学习" in messages["方面"]  # the aspects one may choose from
    assert "明年" in messages["整改时限"]
    assert "未整改" in messages["完成情况"]  # the words one may use
    assert {e.letter for e in result.errors} == {"C", "H", "J", "B"}
    assert "整个文件未导入" in result.message


def test_a_deadline_before_the_ledger_date_is_an_overdue_item_not_an_error(
    ledger_units, editor, campaign
):
    """A ledger brought in late lists items already overdue: they land, and show red."""
    units = ledger_units

    def rows(sheet, fmt):
        sheet.write_row(3, 0, [1, "甲问题", "", "", "措施", "", "", "2023-06-30", "", ""])
        sheet.write_row(4, 0, [2, "乙问题", "", "", "措施", "", "", "2023-05-01", "", ""])

    importer = LedgerImporter(
        actor=editor, unit=units["own"], campaign=campaign, as_of=D(2023, 6, 1)
    )
    result = importer.run(workbook(rows), "ledger.xlsx")
    assert result.committed and not result.errors and result.created == 2
    late = Problem.objects.get(title="乙问题")
    # Found on the sheet's own date (its 填报时间 line), which comes before the form's.
    assert late.found_on == D(2023, 5, 10) and late.deadline == D(2023, 5, 1)
    assert late.light == "red"


def test_a_sheet_without_the_problem_column_is_refused(ledger_units, editor, campaign):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["序号", "整改措施", "责任单位"])
    sheet.write_row(1, 0, [1, "措施", ""])
    book.close()
    result = run(editor, ledger_units, campaign, buffer.getvalue())
    assert not result.committed
    assert "问题" in result.message


def test_an_editor_cannot_import_into_a_unit_outside_their_scope(ledger_units, editor, campaign):
    units = ledger_units

    def rows(sheet, fmt):
        sheet.write_row(3, 0, [1, "越权问题", "", "", "措施", "", "", "2023-06-30", "", ""])

    importer = LedgerImporter(
        actor=editor, unit=units["sibling"], campaign=campaign, today=IMPORT_DAY
    )
    result = importer.run(workbook(rows), "台账.xlsx")
    assert not result.committed and not Problem.objects.filter(title="越权问题").exists()
    assert result.errors


@pytest.mark.parametrize(
    ("cell", "measures"),
    [
        ("1. 甲\n2. 乙\n3. 丙", ["甲", "乙", "丙"]),
        ("1.甲；2.乙；3.丙", ["甲", "乙", "丙"]),
        ("1、甲。2、乙。", ["甲", "乙"]),
        ("（1）甲（2）乙", ["甲", "乙"]),
        ("（1）甲；（2）乙", ["甲", "乙"]),
        ("(1) 甲\n(2) 乙", ["甲", "乙"]),
        ("①甲\n②乙", ["甲", "乙"]),
        ("甲\n乙\n\n丙", ["甲", "乙", "丙"]),
        ("投入3.5万元，完成2.3公里道路", ["投入3.5万元，完成2.3公里道路"]),
        ("措施：\n1. 甲\n2. 乙", ["甲", "乙"]),
        ("1. 甲，涉及2个嘎查\n2. 乙", ["甲，涉及2个嘎查", "乙"]),
        ("1. 甲\n   继续\n2. 乙", ["甲继续", "乙"]),
        ("1. 甲\n3. 乙", ["甲3. 乙"]),  # 3 does not follow 1: not an item
        ("", []),
    ],
)
def test_measures_in_one_cell(cell, measures):
    assert split_measures(cell) == measures


@pytest.mark.parametrize(
    ("cell", "limit"),
    [
        ("2023年6月30日", TimeLimit(ProblemTerm.TIME_BOUND, D(2023, 6, 30))),
        ("2023年6月底", TimeLimit(ProblemTerm.TIME_BOUND, D(2023, 6, 30))),
        ("2023年2月底前", TimeLimit(ProblemTerm.TIME_BOUND, D(2023, 2, 28))),
        ("2023年底", TimeLimit(ProblemTerm.TIME_BOUND, D(2023, 12, 31))),
        ("2023.9.30前", TimeLimit(ProblemTerm.TIME_BOUND, D(2023, 9, 30))),
        ("6月30日前", TimeLimit(ProblemTerm.TIME_BOUND, D(2023, 6, 30))),
        (D(2023, 7, 1), TimeLimit(ProblemTerm.TIME_BOUND, D(2023, 7, 1))),
        ("立行立改", TimeLimit(ProblemTerm.IMMEDIATE)),
        ("立行立改，2023年5月20日前", TimeLimit(ProblemTerm.IMMEDIATE, D(2023, 5, 20))),
        ("长期坚持", TimeLimit(ProblemTerm.LONG_TERM)),
        ("15个工作日内", TimeLimit(ProblemTerm.TIME_BOUND, None, 15)),
        ("6月", TimeLimit(ProblemTerm.TIME_BOUND, D(2023, 6, 30))),  # by the month's end
        ("2023年6月中旬", TimeLimit(ProblemTerm.TIME_BOUND, D(2023, 6, 20))),
        ("6月上旬前", TimeLimit(ProblemTerm.TIME_BOUND, D(2023, 6, 10))),
        ("立行立改，2023年2月下旬", TimeLimit(ProblemTerm.IMMEDIATE, D(2023, 2, 28))),
        # A period: the deadline is its end, not its start.
        ("2023年6月30日至7月31日", TimeLimit(ProblemTerm.TIME_BOUND, D(2023, 7, 31))),
        ("2023.6.30-2023.12.31", TimeLimit(ProblemTerm.TIME_BOUND, D(2023, 12, 31))),
        ("2023-06-01-2023-09-30", TimeLimit(ProblemTerm.TIME_BOUND, D(2023, 9, 30))),
        ("2023年6月—2023年12月底", TimeLimit(ProblemTerm.TIME_BOUND, D(2023, 12, 31))),
        ("2023年6月至12月", TimeLimit(ProblemTerm.TIME_BOUND, D(2023, 12, 31))),
        ("2023年7月1日～9月30日前", TimeLimit(ProblemTerm.TIME_BOUND, D(2023, 9, 30))),
        ("", None),
    ],
)
def test_time_limits_as_offices_write_them(cell, limit):
    assert parse_time_limit(cell, default_year=2023) == limit


# -- the ledger in English ----------------------------------------------------------------------


def _ledger():
    """What the ledger holds, problem by problem, as a re-import must rebuild it."""
    return sorted(
        (
            p.title,
            p.unit_id,
            p.aspect.name if p.aspect else "",
            p.source,
            p.responsible.name if p.responsible else "",
            p.term,
            p.deadline,
            p.deadline_workdays,
            tuple((m.text, m.state) for m in p.measures.order_by("pk")),
            tuple(r.text for r in p.reports.order_by("pk")),
        )
        for p in Problem.objects.select_related("aspect", "responsible")
    )


def test_an_english_export_imports_back_in_either_language(ledger_units, editor, campaign):
    units = ledger_units
    run(editor, units, campaign, workbook(both_layouts(units["child"].name)))
    # An immediate problem with a date is written as a sentence, in the reader's language.
    Problem.objects.filter(title="调研走过场、重形式").update(deadline=D(2023, 5, 10))
    before = _snapshot()
    with translation.override("en"):
        exported = LedgerExporter(user=editor, unit=units["own"]).xlsx_bytes()
    rows = read_rows(exported, "export.xlsx")
    assert rows[0][:3] == ["No.", "Problem", "Aspect"]
    by_title = {row[1]: row for row in rows[1:]}
    theory = by_title["理论学习不够深入，学用脱节"]
    assert theory[3] == "Self-examination" and theory[9] == "Being rectified"
    assert by_title["服务群众不主动"][7] == "Long-term"
    assert by_title["调研走过场、重形式"][7] == "Immediate, by 10 May 2023"

    # Re-imported by a Chinese or an English reader: nothing changes.
    for language in ("zh-hans", "en"):
        with translation.override(language):
            back = run(editor, units, campaign, exported)
        assert not back.errors, back.errors
        assert back.unchanged == 4 and back.created == 0
    assert _snapshot() == before

    # Into an empty ledger it rebuilds exactly what the Chinese export rebuilds.
    chinese = LedgerExporter(user=editor, unit=units["own"]).xlsx_bytes()
    Problem.objects.all().delete()
    assert run(editor, units, campaign, chinese).created == 4
    expected = _ledger()
    Problem.objects.all().delete()
    fresh = run(editor, units, campaign, exported)
    assert fresh.created == 4, fresh.errors
    assert _ledger() == expected


def test_an_english_sheet_with_english_words_imports(ledger_units, editor, campaign):
    """A sheet typed from the English template, with the words its notes describe."""
    units = ledger_units

    def rows(sheet, fmt):
        sheet.write_row(
            3,
            0,
            [1, "甲问题", "理论学习", "Inspection feedback", "1, 甲\n2, 乙", "巴特尔", "",
             "end of June 2023", "", "Not completed"],
        )  # fmt: skip
        sheet.write_row(
            4,
            0,
            [2, "乙问题", "", "petition", "措施", "", "", "Immediate", "", "Completed"],
        )
        sheet.write_row(
            5,
            0,
            [3, "丙问题", "", "self-examination", "措施", "", "", "15 working days", "", ""],
        )

    data = workbook(rows)
    english = [
        "No.", "Problem", "Aspect", "Source", "Rectification measure", "Responsible leader",
        "Responsible unit", "Deadline", "Rectification progress", "Completion",
    ]  # fmt: skip
    data = _with_header(data, english)
    result = run(editor, units, campaign, data)
    assert not result.errors, result.errors
    first = Problem.objects.get(title="甲问题")
    assert first.source == ProblemSource.INSPECTION_FEEDBACK
    assert (first.term, first.deadline) == (ProblemTerm.TIME_BOUND, D(2023, 6, 30))
    assert [m.text for m in first.measures.order_by("pk")] == ["甲", "乙"]
    second = Problem.objects.get(title="乙问题")
    assert second.source == ProblemSource.PETITION and second.term == ProblemTerm.IMMEDIATE
    assert second.measures.get().state == MeasureState.DONE
    third = Problem.objects.get(title="丙问题")
    assert third.source == ProblemSource.SELF_INSPECTION and third.deadline_workdays == 15


def _with_header(data: bytes, header: list[str]) -> bytes:
    """The same workbook's rows with another header row."""
    rows = read_rows(data, "x.xlsx")
    rows[2] = header
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value not in (None, ""):
                sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("cell", "limit"),
    [
        ("30 June 2023", TimeLimit(ProblemTerm.TIME_BOUND, D(2023, 6, 30))),
        ("June 30, 2023", TimeLimit(ProblemTerm.TIME_BOUND, D(2023, 6, 30))),
        ("end of June 2023", TimeLimit(ProblemTerm.TIME_BOUND, D(2023, 6, 30))),
        ("by end of Feb 2023", TimeLimit(ProblemTerm.TIME_BOUND, D(2023, 2, 28))),
        ("end of 2023", TimeLimit(ProblemTerm.TIME_BOUND, D(2023, 12, 31))),
        ("immediate", TimeLimit(ProblemTerm.IMMEDIATE)),
        ("Immediate，2023年5月20日前", TimeLimit(ProblemTerm.IMMEDIATE, D(2023, 5, 20))),
        ("Immediate, by 20 May 2023", TimeLimit(ProblemTerm.IMMEDIATE, D(2023, 5, 20))),
        ("Long-term", TimeLimit(ProblemTerm.LONG_TERM)),
        ("long term", TimeLimit(ProblemTerm.LONG_TERM)),
        ("15 working days", TimeLimit(ProblemTerm.TIME_BOUND, None, 15)),
        ("within 10 workdays", TimeLimit(ProblemTerm.TIME_BOUND, None, 10)),
    ],
)
def test_time_limits_in_english(cell, limit):
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert parse_time_limit(cell, default_year=2023) == limit


@pytest.mark.parametrize(
    ("cell", "state"),
    [
        ("Completed", LedgerState.FINISHED),
        ("done", LedgerState.FINISHED),
        ("Closed", LedgerState.FINISHED),
        ("Awaiting closure", LedgerState.FINISHED),
        ("Yes", LedgerState.FINISHED),
        ("Not completed", LedgerState.IN_PROGRESS),
        ("Being rectified", LedgerState.IN_PROGRESS),
        ("To be rectified", LedgerState.OPEN),
        ("Returned for rework", LedgerState.IN_PROGRESS),
        ("in progress", LedgerState.IN_PROGRESS),
        ("No", LedgerState.IN_PROGRESS),
    ],
)
def test_completion_in_english(cell, state):
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert parse_status(cell) == state


@pytest.mark.parametrize(
    ("cell", "source"),
    [
        ("Investigation and research", ProblemSource.RESEARCH),
        ("Research", ProblemSource.RESEARCH),
        ("Self-examination", ProblemSource.SELF_INSPECTION),
        ("inspection feedback", ProblemSource.INSPECTION_FEEDBACK),
        ("Letters and visits", ProblemSource.PETITION),
        ("petition", ProblemSource.PETITION),
        ("Assigned from above", ProblemSource.ASSIGNED),
        ("assigned by higher level", ProblemSource.ASSIGNED),
    ],
)
def test_sources_in_english(cell, source):
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert parse_source(cell) == source


def test_measures_numbered_with_commas():
    assert split_measures("1, 甲\n2, 乙") == ["甲", "乙"]
    assert split_measures("1，甲\n2，乙") == ["甲", "乙"]
    assert split_measures("投入1,000元") == ["投入1,000元"]


@pytest.mark.parametrize(
    ("cell", "state"),
    [
        ("已整改到位", LedgerState.FINISHED),
        ("整改到位", LedgerState.FINISHED),
        ("已完成整改", LedgerState.FINISHED),
        ("已整改完毕", LedgerState.FINISHED),
        ("已落实", LedgerState.FINISHED),
        ("正在整改中", LedgerState.IN_PROGRESS),
        ("阶段性完成", LedgerState.IN_PROGRESS),
    ],
)
def test_completion_as_clerks_also_write_it(cell, state):
    assert parse_status(cell) == state
