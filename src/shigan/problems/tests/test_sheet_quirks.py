"""A 问题整改台账 as offices really fill it in: the header titled their way, the units written
the way an address is written, a totals line under the table; imported twice, it adds nothing."""

import io
from datetime import date

import pytest
import xlsxwriter

from shigan.accounts.system import system_actor
from shigan.campaigns import services as campaigns
from shigan.campaigns.choices import AspectKind
from shigan.orgs.choices import PersonRank
from shigan.orgs.models import Person, Unit
from shigan.orgs.services import person_create
from shigan.orgs.unit_index import UnitIndex
from shigan.problems.models import Problem
from shigan.problems.tests.test_imports import run

pytestmark = pytest.mark.django_db


def _ledger(header, rows) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.merge_range(0, 0, 0, len(header) - 1, "问题整改台账")
    sheet.write_row(1, 0, header)
    for r, row in enumerate(rows, start=2):
        sheet.write_row(r, 0, row)
    book.close()
    return buffer.getvalue()


def test_units_written_with_the_names_above_them_resolve(units, calendar, editor, campaign):
    child, grandchild = units["child"], units["grandchild"]
    above = [u.name for u in Unit.objects.get_ancestors(units["own"])]  # 内蒙古自治区, 锡林郭勒盟
    header = ["序号", "问题描述", "整改措施", "责任单位（部门）", "整改\n时限"]
    rows = [
        [1, "甲问题", "措施", "".join([*above, units["own"].name, child.name]), "2023年6月底"],
        [2, "乙问题", "措施", above[0] + child.name, "2023-06-30"],
        [3, "丙问题", "措施", "/".join([*above, units["own"].name, child.name]), "2023-06-30"],
        [4, "丁问题", "措施", child.name + grandchild.name, "2023-06-30"],
        [5, "戊问题", "措施", above[0] + units["own"].name, "2023-06-30"],
        ["合计", "5个问题", "", "", ""],
    ]
    data = _ledger(header, rows)
    result = run(editor, units, campaign, data)
    assert result.errors == [] and result.created == 5, result.errors
    by_title = {p.title: p.unit for p in Problem.objects.all()}
    assert by_title == {
        "甲问题": child,
        "乙问题": child,
        "丙问题": child,
        "丁问题": grandchild,
        "戊问题": units["own"],
    }
    again = run(editor, units, campaign, data)
    assert again.unchanged == 5 and again.created == 0 and Problem.objects.count() == 5
    # A unit above the banner is not the banner: refused, with the row, the column and a hint.
    wrong = _ledger(header, [[1, "己问题", "措施", "".join(above), "2023-06-30"]])
    result = run(editor, units, campaign, wrong)
    assert not result.committed and not Problem.objects.filter(title="己问题").exists()
    [error] = result.errors
    # The column as the sheet titles it.
    assert (error.row, error.letter, error.column) == (3, "D", "责任单位（部门）")
    assert "找不到" in error.message


def test_a_two_character_name_padded_to_line_up_is_one_person(units, calendar, editor, campaign):
    # "王  伟" lines up with "巴特尔" in a printed ledger: one person, 王伟, not 王 and 伟.
    wang = person_create(
        actor=system_actor("test"), unit=units["own"], name="王伟", rank=PersonRank.SECTION
    )
    header = ["序号", "问题", "整改措施", "责任领导", "整改时限"]
    rows = [
        [1, "甲问题", "措施", "王  伟", "2023-06-30"],
        [2, "乙问题", "措施", "李\u3000强、王 伟", "2023-06-30"],
    ]
    result = run(editor, units, campaign, _ledger(header, rows))
    assert result.errors == [] and result.created == 2, result.errors
    assert Problem.objects.get(title="甲问题").responsible == wang
    second = Problem.objects.get(title="乙问题")
    assert second.responsible.name == "李强" and list(second.co_responsible.all()) == [wang]
    assert sorted(Person.objects.values_list("name", flat=True)) == ["李强", "王伟"]


def test_group_headings_in_a_ledger_are_not_problems(units, calendar, editor, campaign):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["序号", "问题", "整改措施", "整改时限"])
    sheet.merge_range(1, 0, 1, 3, "一、理论学习方面")
    sheet.write_row(2, 0, [1, "学习不深入", "制定学习计划", "2023-06-30"])
    sheet.merge_range(3, 0, 3, 3, "二、作风建设方面")
    # One row per measure, the problem's cells merged; a measure numbered 一、 二、.
    sheet.merge_range(4, 0, 5, 0, 2)
    sheet.merge_range(4, 1, 5, 1, "报表多")
    sheet.write_row(4, 2, ["一、清理报表", "2023-07-31"])
    sheet.write_row(5, 2, ["二、建立准入制度", "2023-08-31"])
    book.close()
    result = run(editor, units, campaign, buffer.getvalue())
    assert result.errors == [] and result.created == 2, result.errors
    forms = Problem.objects.get(title="报表多")
    assert sorted(m.text for m in forms.measures.all()) == ["一、清理报表", "二、建立准入制度"]


def test_names_run_together_down_several_levels_resolve(units):
    league, banner, town, village = (units[k] for k in ("parent", "own", "child", "grandchild"))
    index = UnitIndex(league)
    region = units["region"].name
    assert index.resolve(region + league.name + banner.name + town.name + village.name) == village
    assert index.resolve(banner.name + town.name + village.name) == village
    assert index.resolve(banner.name + village.name) == village
    assert index.resolve(region + banner.name) == banner
    assert index.candidates(town.name + banner.name) == []  # upside down: not a unit


def test_a_row_copied_twice_adds_its_measure_once(units, calendar, editor, campaign):
    header = ["序号", "问题", "整改措施", "整改时限", "完成情况"]
    row = [1, "学习不深入", "制定计划", "2023-06-30", "整改中"]
    second = [1, "学习不深入", "举办读书班", "2023-07-31", "整改中"]  # the same problem's next
    data = _ledger(header, [row, second, row])
    result = run(editor, units, campaign, data)
    assert not result.committed and not Problem.objects.exists()
    assert [(e.row, e.message) for e in result.errors] == [(5, "与第 3 行重复。")]
    result = run(editor, units, campaign, _ledger(header, [row, second]))
    [problem] = Problem.objects.all()
    assert sorted(m.text for m in problem.measures.all()) == ["举办读书班", "制定计划"]


def test_in_valid_rows_mode_a_copied_row_is_skipped_with_a_note(units, calendar, editor, campaign):
    # The copy would add the measure twice; it is left out, saying so, and the problem with its
    # two measures is imported (all-or-nothing still refuses the file: see above).
    header = ["序号", "问题", "整改措施", "整改时限", "完成情况"]
    row = [1, "学习不深入", "制定计划", "2023-06-30", "整改中"]
    second = [1, "学习不深入", "举办读书班", "2023-07-31", "整改中"]
    result = run(editor, units, campaign, _ledger(header, [row, second, row]), mode="valid")
    assert result.errors == [] and result.created == 1 and result.committed, result.errors
    problem = Problem.objects.get(title="学习不深入")
    assert sorted(m.text for m in problem.measures.all()) == ["举办读书班", "制定计划"]
    assert result.notes == ["第 5 行与第 3 行完全相同，是重复复制的行，未导入。"]


def test_a_groups_heading_gives_its_aspect_to_the_problems_under_it(
    units, calendar, editor, campaign
):
    # A ledger with no 方面 column, its problems grouped under "一、理论学习方面".
    for name in ("理论学习", "作风建设"):
        campaigns.aspect_create(
            actor=system_actor("test"), campaign=campaign, kind=AspectKind.PROBLEM, name=name
        )
    header = ["序号", "问题", "整改措施", "整改时限"]
    rows = [
        ["一、理论学习方面"],
        [1, "学习不深入", "制定计划", "2023-06-30"],
        ["（二）作风建设方面"],
        [2, "报表多", "清理报表", "2023-07-31"],
    ]
    result = run(editor, units, campaign, _ledger(header, rows))
    assert result.errors == [] and result.created == 2, result.errors
    assert Problem.objects.get(title="学习不深入").aspect.name == "理论学习"
    assert Problem.objects.get(title="报表多").aspect.name == "作风建设"


def test_an_aspect_cell_written_with_its_word_names_the_aspect(units, calendar, editor, campaign):
    # The 方面 column as a clerk fills it: "理论学习方面" is 理论学习, as a heading's is; a
    # cell naming two aspects, or none, is still an error listing them.
    header = ["序号", "问题", "方面", "整改措施", "整改时限"]
    rows = [
        [1, "学习不深入", "理论学习方面", "制定计划", "2023-06-30"],
        [2, "报表多", "作风建设方面存在的问题", "清理报表", "2023-07-31"],
        [3, "调研少", "调查研究", "蹲点调研", "2023-07-31"],
    ]
    result = run(editor, units, campaign, _ledger(header, rows), dry_run=True)
    assert [(e.row, e.letter, e.message) for e in result.errors] == [
        (
            3,
            "C",
            "“理论学习方面”：本次主题教育还没有设置问题方面，请由活动办先设置，或将“方面”一栏留空。",
        ),
        (
            4,
            "C",
            "“作风建设方面存在的问题”：本次主题教育还没有设置问题方面，请由活动办先设置，或将“方面”一栏留空。",
        ),
        (
            5,
            "C",
            "“调查研究”：本次主题教育还没有设置问题方面，请由活动办先设置，或将“方面”一栏留空。",
        ),
    ]
    for name in ("理论学习", "作风建设"):
        campaigns.aspect_create(
            actor=system_actor("test"), campaign=campaign, kind=AspectKind.PROBLEM, name=name
        )
    result = run(editor, units, campaign, _ledger(header, rows), mode="valid")
    assert [(e.row, e.letter, e.message) for e in result.errors] == [
        (5, "C", "“调查研究”不是本次主题教育的问题方面，可选：理论学习、作风建设。")
    ]
    assert Problem.objects.get(title="学习不深入").aspect.name == "理论学习"
    assert Problem.objects.get(title="报表多").aspect.name == "作风建设"


def test_notes_under_the_table_end_it(units, calendar, editor, campaign):
    # A clerk's table ends with its notes: "填表说明：" and its numbered lines, "附件：…".
    header = ["序号", "问题", "整改措施", "整改时限"]
    for notes in (
        [["填表说明："], ["1、整改时限须填写具体日期；"], ["2、本表一式两份。"]],
        [["填报说明：整改时限须填写具体日期。"]],
        [["附件：佐证材料清单"], ["1.会议记录"]],
        [["附：佐证材料清单"]],
    ):
        rows = [[1, "学习不深入", "制定计划", "2023-06-30"], ["合计", "1个问题"], [], *notes]
        result = run(editor, units, campaign, _ledger(header, rows), dry_run=True)
        assert result.errors == [] and result.total == 1, (notes, result.errors)


@pytest.mark.parametrize(
    "block",
    [
        [["以上情况属实。"], ["填报人：张三  审核人：李四  联系电话：0479-1234567"]],
        [["以上填报内容真实准确，如有不实愿承担责任。"]],
        [["经核实，以上情况属实。"], ["单位负责人（签字）："]],
        [["单位（盖章）"], ["填报日期：2023年6月30日"]],
        [["（单位盖章）"], ["2023年  月  日"]],
        [["报送单位：阿巴嘎旗委办公室（公章）"], ["年    月    日"]],
    ],
)
def test_a_declaration_under_the_table_ends_it(units, calendar, editor, campaign, block):
    # The declaration and signature block an office prints under its table is no row missing
    # its fields.
    header = ["序号", "问题", "整改措施", "整改时限"]
    rows = [[1, "学习不深入", "制定计划", "2023-06-30"], [], *block]
    result = run(editor, units, campaign, _ledger(header, rows), dry_run=True)
    assert result.errors == [] and result.total == 1, result.errors


def test_a_row_that_starts_like_a_declaration_is_still_a_row(units, calendar, editor, campaign):
    # No 序号 column: a problem's own words open the row. It is a row (its other cells are
    # filled), and so is the one under it.
    header = ["问题", "整改措施", "整改时限"]
    rows = [
        ["以上报代替落实，数据不真实不准确", "建立核查制度", "2023-06-30"],
        ["单位负责人 履职不到位", "约谈提醒", "2023-07-31"],
        ["学习不深入", "制定计划", "2023-06-30"],
        [],
        ["以上情况属实。"],
    ]
    result = run(editor, units, campaign, _ledger(header, rows), dry_run=True)
    assert result.errors == [] and result.total == 3, result.errors


def test_a_month_written_with_a_dot_is_a_deadline_by_its_end(units, calendar, editor, campaign):
    # 整改时限 "2023.6" (text or the number a cell makes of it), "2023-06", and a period of
    # months "2023.6-2023.8" (by its end: not 2023.6.20, which its first digits would spell).
    header = ["序号", "问题", "整改措施", "整改时限"]
    rows = [
        [1, "甲问题", "措施", "2023.6"],
        [2, "乙问题", "措施", 2023.6],
        [3, "丙问题", "措施", "2023-06"],
        [4, "丁问题", "措施", "2023.6-2023.8"],
        [5, "戊问题", "措施", "2023.6.30"],
        [6, "己问题", "措施", 45107],
        [7, "庚问题", "措施", "2023.06.1-2023.9.30"],
    ]
    result = run(editor, units, campaign, _ledger(header, rows))
    assert result.errors == [] and result.created == 7, result.errors
    deadlines = dict(Problem.objects.values_list("title", "deadline"))
    assert deadlines == {
        "甲问题": date(2023, 6, 30),
        "乙问题": date(2023, 6, 30),
        "丙问题": date(2023, 6, 30),
        "丁问题": date(2023, 8, 31),
        "戊问题": date(2023, 6, 30),
        "己问题": date(2023, 6, 30),
        "庚问题": date(2023, 9, 30),
    }
