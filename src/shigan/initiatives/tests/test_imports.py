"""Sheets in and out: funds land exactly whatever unit the header or the cell says; a bad
amount is refused naming its row and column and nothing is written; exports keep every fen."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
import xlsxwriter
from django.utils import translation
from python_calamine import CalamineWorkbook

from shigan.accounts.system import system_actor
from shigan.initiatives.exports import LivelihoodExporter, MilestoneExporter, ProjectExporter
from shigan.initiatives.imports.key_tasks import KeyTaskImporter, MilestoneImporter
from shigan.initiatives.imports.livelihood import LivelihoodImporter
from shigan.initiatives.imports.projects import ProjectImporter
from shigan.initiatives.models import KeyTask, LivelihoodItem, Milestone, Project
from shigan.initiatives.services import livelihood, projects
from shigan.metrics.selectors import metric_value

pytestmark = pytest.mark.django_db

D = datetime.date
EXACT = Decimal("19370000000.00")


def sheet(rows, numbers=()):
    """An xlsx file; cells listed in `numbers` (row, col) are written as numeric cells."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    ws = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if (r, c) in numbers:
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, str(value))
    book.close()
    return buffer.getvalue()


def importer(cls, editor, units, campaign, **kwargs):
    return cls(actor=editor, unit=units["own"], campaign=campaign, **kwargs)


def test_the_same_fund_in_every_spelling_lands_exactly(task, editor, units, campaign):
    data = sheet(
        [
            ["项目资金表（单位见表头）"],
            ["重点任务", "项目名称", "项目类型", "资金（万元）", "资金来源"],
            [task.title, "万元列的数字", "生态保护修复", 1937000, "专项资金"],
            [task.title, "万元列写亿元", "生态保护修复", "193.7亿元", "专项资金"],
            [task.title, "万元列写万元", "生态保护修复", "1937000万元", "专项资金"],
            [task.title, "万元列带逗号", "生态保护修复", "1,937,000", "专项资金"],
        ],
        numbers={(2, 3)},
    )
    result = importer(ProjectImporter, editor, units, campaign).run(data, "p.xlsx")
    assert result.errors == [] and result.created == 4
    assert set(Project.objects.values_list("funds_allocated", flat=True)) == {EXACT}
    total = metric_value(
        "initiatives.project_funds", unit=units["parent"], area="ecology", user=system_actor("test")
    )
    assert total == 4 * EXACT
    yuan = sheet(
        [
            ["重点任务", "项目名称", "项目类型", "安排资金（元）"],
            [task.title, "元列", "生态保护修复", 19370000000],
            [task.title, "元列写亿元", "生态保护修复", "193.7亿元"],
            [task.title, "元列带分", "生态保护修复", "19,370,000,000.01元"],
        ],
        numbers={(1, 3)},
    )
    result = importer(ProjectImporter, editor, units, campaign).run(yuan, "y.xlsx")
    assert result.created == 3
    amounts = dict(Project.objects.values_list("name", "funds_allocated"))
    assert amounts["元列"] == EXACT and amounts["元列写亿元"] == EXACT
    assert amounts["元列带分"] == Decimal("19370000000.01")
    again = importer(ProjectImporter, editor, units, campaign).run(yuan, "y.xlsx")
    assert again.created == 0 and again.unchanged == 3


@pytest.mark.parametrize(
    ("cell", "words"),
    [("-100", "负"), ("一百万元", "不是金额"), ("待定", "不是金额"), (-5, "负")],
)
def test_a_bad_amount_is_refused_naming_row_and_column(task, editor, units, campaign, cell, words):
    data = sheet(
        [
            ["重点任务", "项目名称", "项目类型", "资金（万元）"],
            [task.title, "好的项目", "生态保护修复", "10"],
            [task.title, "坏的项目", "生态保护修复", cell],
        ],
        numbers={(2, 3)} if isinstance(cell, int) else (),
    )
    result = importer(ProjectImporter, editor, units, campaign).run(data, "bad.xlsx")
    assert not result.committed and Project.objects.count() == 0
    [error] = result.errors
    assert (error.row, error.column) == (3, "资金（万元）")  # as the sheet spells it
    assert words in error.message
    valid = importer(ProjectImporter, editor, units, campaign, mode="valid").run(data, "bad.xlsx")
    assert valid.created == 1 and Project.objects.get().funds_allocated == Decimal("100000.00")


def test_exports_keep_every_fen_in_yuan_and_wan(task, editor, units, campaign):
    for name, amount in (("大项目", "19370000000.00"), ("小项目", "123.45"), ("零头", "0.01")):
        projects.project_create(
            actor=editor,
            campaign=campaign,
            unit=units["own"],
            key_task=task,
            name=name,
            kind="ecology",
            funds_allocated=Decimal(amount),
            approved_on=D(2023, 5, 1),
        )
    for unit, expected in (
        ("yuan", {"19370000000.00", "123.45", "0.01"}),
        ("wan", {"1937000.000000", "0.012345", "0.000001"}),
    ):
        data = ProjectExporter(
            user=editor, unit=units["own"], campaign=campaign, amount_unit=unit
        ).xlsx_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read("xl/worksheets/sheet1.xml").decode()
        for text in expected:  # the cell holds the decimal text itself, not a rounded float
            assert f"<v>{text}</v>" in xml
        csv = (
            ProjectExporter(user=editor, unit=units["own"], campaign=campaign, amount_unit=unit)
            .csv_bytes()
            .decode("utf-8-sig")
        )
        assert all(text in csv for text in expected)
        # What went out comes back in unchanged (existing rows are skipped) …
        again = importer(ProjectImporter, editor, units, campaign).run(data, "out.xlsx")
        assert again.errors == [] and again.unchanged == 3
    # … and into a fresh ledger, exactly.
    Project.objects.all().delete()
    result = importer(ProjectImporter, editor, units, campaign).run(data, "wan.xlsx")
    assert result.created == 3
    assert sorted(Project.objects.values_list("funds_allocated", flat=True)) == [
        Decimal("0.01"),
        Decimal("123.45"),
        EXACT,
    ]
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.get_sheet_by_index(0).to_python()[0][6] == "安排资金（万元）"


def test_key_tasks_and_milestones_from_sheets(editor, units, campaign, leader):
    tasks = sheet(
        [
            ["任务名称", "任务领域", "目标", "责任领导", "开始日期", "路线图"],
            [
                "肉牛产业提升",
                "农畜产品生产基地",
                "存栏翻番",
                "巴特尔",
                "2023-04-03",
                "调研；规划；建设",
            ],
            ["坏任务", "月球基地", "", "无名氏", "", ""],
        ]
    )
    result = importer(KeyTaskImporter, editor, units, campaign).run(tasks, "t.xlsx")
    assert not result.committed
    located = {(e.letter, e.column, e.key) for e in result.errors}
    assert located == {("B", "任务领域", "area"), ("D", "责任领导", "owner_leader")}
    result = importer(KeyTaskImporter, editor, units, campaign, mode="valid").run(tasks, "t.xlsx")
    task = KeyTask.objects.get(title="肉牛产业提升")
    assert task.roadmap_steps() == ["调研", "规划", "建设"] and task.owner_leader == leader
    milestones = sheet(
        [
            ["重点任务", "节点名称", "完成时限", "权重", "完成日期"],
            ["肉牛产业提升", "完成调研", "2023-05-10", "1", "2023-05-12"],
            ["肉牛产业提升", "完成规划", "2023-06-30", "3", ""],
            ["肉牛产业提升", "节日截止", "2023-10-02", "1", ""],
            ["没有的任务", "节点", "", "", ""],
        ]
    )
    result = importer(MilestoneImporter, editor, units, campaign, mode="valid").run(
        milestones, "m.xlsx"
    )
    assert result.created == 2
    messages = {e.column: e.message for e in result.errors}
    assert "不是工作日" in messages["完成时限"] and "没有这个重点任务" in messages["重点任务"]
    done = Milestone.objects.get(title="完成调研")
    assert done.is_late() and Milestone.objects.get(title="完成规划").weight == 3
    exported = MilestoneExporter(user=editor, unit=units["own"], campaign=campaign).xlsx_bytes()
    again = importer(MilestoneImporter, editor, units, campaign).run(exported, "m2.xlsx")
    assert again.errors == [] and again.unchanged == 2


def test_the_livelihood_list_goes_out_in_the_offices_order(office, campaign, units):
    for name in ("就业", "教育"):
        livelihood.livelihood_area_create(actor=office, campaign=campaign, name=name)
    data = sheet(
        [
            ["序号", "民生领域", "项目名称", "责任单位", "完成时限"],
            ["2", "教育", "新建幼儿园", units["own"].division_code, "2023-09-30"],
            ["1", "就业", "高校毕业生就业", "", ""],
            ["3", "文化", "文化站", "", ""],
        ]
    )
    run = LivelihoodImporter(actor=office, unit=units["region"], campaign=campaign)
    result = run.run(data, "l.xlsx")
    assert not result.committed and "可选：就业、教育" in result.errors[0].message
    LivelihoodImporter(actor=office, unit=units["region"], campaign=campaign, mode="valid").run(
        data, "l.xlsx"
    )
    assert list(LivelihoodItem.objects.order_by("number").values_list("number", "title")) == [
        (1, "高校毕业生就业"),
        (2, "新建幼儿园"),
    ]
    rows = list(LivelihoodExporter(user=office, unit=units["region"], campaign=campaign).rows())
    assert [(r[0], r[2]) for r in rows] == [(1, "高校毕业生就业"), (2, "新建幼儿园")]


def test_an_english_export_in_wan_imports_back_exactly(task, editor, units, campaign):
    """Headers, labels and the unit the header names, all in English, read by either reader."""
    for name, amount, disbursed in (("大项目", "19370000000.00", "123.45"), ("零头", "0.01", None)):
        projects.project_create(
            actor=editor,
            campaign=campaign,
            unit=units["own"],
            key_task=task,
            name=name,
            kind="farmland",
            fund_source="central",
            funds_allocated=Decimal(amount),
            funds_disbursed=Decimal(disbursed) if disbursed else None,
            state="under_way",
            approved_on=D(2023, 5, 1),
        )
    fields = ("name", "kind", "fund_source", "funds_allocated", "funds_disbursed", "state", "area")
    expected = sorted(Project.objects.values_list(*fields))
    with translation.override("en"):
        data = ProjectExporter(
            user=editor, unit=units["own"], campaign=campaign, amount_unit="wan"
        ).xlsx_bytes()
    header = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert header[0][6] == "Funds allocated (ten thousand yuan)"
    assert header[1][4] == "High-standard farmland"
    for language in ("zh-hans", "en"):
        with translation.override(language):
            again = importer(ProjectImporter, editor, units, campaign).run(data, "en.xlsx")
        assert again.errors == [] and again.unchanged == 2 and again.created == 0
    Project.objects.all().delete()
    fresh = importer(ProjectImporter, editor, units, campaign).run(data, "en.xlsx")
    assert fresh.errors == [] and fresh.created == 2
    assert sorted(Project.objects.values_list(*fields)) == expected


@pytest.mark.parametrize(
    ("header", "cell"),
    [
        ("Funds allocated (hundred million yuan)", 193.7),
        ("Funds allocated (yuan)", "193.7 hundred million yuan"),
        ("Funds allocated (yuan)", "19.37 billion yuan"),
        ("安排资金（元）", "1937000 ten thousand yuan"),
    ],
)
def test_english_fund_units_in_header_or_cell(task, editor, units, campaign, header, cell):
    data = sheet(
        [["Key task", "Project name", "Project type", header], [task.title, "甲", "Other", cell]],
        numbers={(1, 3)} if isinstance(cell, float) else (),
    )
    result = importer(ProjectImporter, editor, units, campaign).run(data, "p.xlsx")
    assert result.errors == [] and result.created == 1
    assert Project.objects.get().funds_allocated == EXACT
