"""A ledger's 完成时间: the day a finished row's measures were done, kept as their completion
date; a bad one names its row and column and changes nothing; one on a row that is not
finished is not read, and the clerk is told which rows."""

import datetime
import io

import pytest
import xlsxwriter

from shigan.problems.choices import MeasureState
from shigan.problems.imports import LedgerImporter
from shigan.problems.models import Measure, Problem
from shigan.problems.tests.test_imports import HEADER, IMPORT_DAY, _snapshot

pytestmark = pytest.mark.django_db

D = datetime.date


def ledger(*rows, day="2023年5月10日") -> bytes:
    """A ledger dated `day` with 完成时间 as its last column (K)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet("问题整改台账")
    sheet.write(0, 0, f"填报单位：阿巴嘎旗委主题教育办公室        填报时间：{day}")
    sheet.write_row(1, 0, [*HEADER, "完成时间"])
    for r, row in enumerate(rows, start=2):
        sheet.write_row(r, 0, row)
    book.close()
    return buffer.getvalue()


def row(title, status, done_on, measures="措施一\n措施二"):
    return [
        1,
        title,
        "理论学习",
        "检视查摆",
        measures,
        "巴特尔",
        "",
        "2023年6月30日",
        "",
        status,
        done_on,
    ]


def run(editor, units, campaign, data):
    importer = LedgerImporter(actor=editor, unit=units["own"], campaign=campaign, today=IMPORT_DAY)
    return importer.run(data, "台账.xlsx")


def test_a_finished_rows_completion_date_is_kept(ledger_units, editor, campaign):
    result = run(editor, ledger_units, campaign, ledger(row("学用脱节", "已完成", "2023年5月6日")))
    assert result.committed and result.errors == [] and result.notes == []
    problem = Problem.objects.get(title="学用脱节")
    done = {m.text: (m.state, m.done_on) for m in problem.measures.all()}
    assert done == {
        "措施一": (MeasureState.DONE, D(2023, 5, 6)),
        "措施二": (MeasureState.DONE, D(2023, 5, 6)),
    }
    # Found by the day its measures were done, not on the day of the report.
    assert problem.found_on == D(2023, 5, 6)


def test_without_a_date_the_report_day_stands(ledger_units, editor, campaign):
    result = run(editor, ledger_units, campaign, ledger(row("学用脱节", "已完成", "")))
    assert result.committed and result.errors == []
    days = set(Measure.objects.values_list("done_on", flat=True))
    assert days == {IMPORT_DAY}


@pytest.mark.parametrize(
    ("cell", "says"),
    [("上月", "上月"), ("2023年5月20日", "不能晚于填报日期（2023-05-10）")],
)
def test_a_bad_completion_date_names_row_and_column_and_writes_nothing(
    ledger_units, editor, campaign, cell, says
):
    before = _snapshot()
    data = ledger(row("学用脱节", "整改中", ""), row("报表多", "已完成", cell))
    result = run(editor, ledger_units, campaign, data)
    assert not result.committed and _snapshot() == before
    [error] = result.errors
    assert (error.row, error.column, error.letter) == (4, "完成时间", "K")
    assert says in error.message


def test_a_date_on_a_row_not_finished_is_named_not_read(ledger_units, editor, campaign):
    # Offices also write a planned date there: it is no completion, and not taken silently.
    data = ledger(row("学用脱节", "整改中", "2023年6月30日"), row("报表多", "已完成", "2023-05-08"))
    result = run(editor, ledger_units, campaign, data)
    assert result.committed and result.errors == []
    assert result.notes == [
        "第3行的“完成时间”没有导入：这些行的完成情况不是“已完成”。"
        "如填的是计划完成的日期，请填在“整改时限”列。"
    ]
    open_measures = Measure.objects.filter(problem__title="学用脱节")
    assert set(open_measures.values_list("done_on", flat=True)) == {None}


def test_an_update_completes_a_measure_on_the_sheets_date(ledger_units, editor, campaign):
    run(editor, ledger_units, campaign, ledger(row("学用脱节", "整改中", "", measures="措施一")))
    measure = Measure.objects.get()
    assert measure.state != MeasureState.DONE and measure.added_on == IMPORT_DAY
    later = ledger(
        row("学用脱节", "已完成", "2023年5月15日", measures="措施一"), day="2023年5月20日"
    )
    assert run(editor, ledger_units, campaign, later).errors == []
    measure.refresh_from_db()
    assert (measure.state, measure.done_on) == (MeasureState.DONE, D(2023, 5, 15))


def test_an_update_done_before_the_measure_was_added_is_refused_by_its_column(
    ledger_units, editor, campaign
):
    run(editor, ledger_units, campaign, ledger(row("学用脱节", "整改中", "", measures="措施一")))
    earlier = ledger(row("学用脱节", "已完成", "2023年5月1日", measures="措施一"))
    result = run(editor, ledger_units, campaign, earlier)
    assert not result.committed
    [error] = result.errors
    assert (error.row, error.column) == (3, "完成时间")
    assert "完成日期不能早于提出日期" in error.message
    assert Measure.objects.get().state != MeasureState.DONE
