"""Indicator values in sheets: "5.31万千瓦" in a cell or a 兆瓦 column lands exactly in the
indicator's unit; a bad value is refused naming its row and the column as the sheet spells it,
and nothing is written; an exported sheet imports back unchanged."""

import datetime
import io
from decimal import Decimal

import pytest
import xlsxwriter

from shigan.accounts.system import system_actor
from shigan.initiatives.exports import IndicatorReportExporter
from shigan.initiatives.imports.indicators import IndicatorReportImporter
from shigan.initiatives.models import IndicatorReport
from shigan.initiatives.services import indicators, projects
from shigan.metrics.selectors import metric_value

pytestmark = pytest.mark.django_db

D = datetime.date


def sheet(rows, numbers=()):
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


@pytest.fixture
def indicator(task, editor, units):
    for name in ("风电项目", "光伏项目"):
        projects.project_create(
            actor=editor, campaign=task.campaign, unit=units["own"], key_task=task,
            name=name, kind="energy", approved_on=D(2023, 5, 2),
        )  # fmt: skip
    return indicators.indicator_declare(
        actor=editor, key_task=task, name="新能源并网装机", measure="kw"
    )


def run(editor, units, campaign, data, **kwargs):
    importer = IndicatorReportImporter(actor=editor, unit=units["own"], campaign=campaign, **kwargs)
    return importer.run(data, "i.xlsx")


def test_values_in_every_unit_land_exactly_in_kilowatts(editor, units, campaign, indicator):
    data = sheet(
        [
            ["项目名称", "指标名称", "数值（兆瓦）", "报告日期"],
            ["风电项目", "新能源并网装机", 53.1, "2023-05-10"],  # a numeric cell, in 兆瓦
            ["风电项目", "新能源并网装机", "5.31万千瓦", "2023-05-11"],  # its own unit wins
            ["光伏项目", "新能源并网装机", "0.0531", "2023-05-12"],
        ],
        numbers={(1, 2)},
    )
    result = run(editor, units, campaign, data)
    assert result.errors == [] and result.created == 3
    values = sorted(IndicatorReport.objects.values_list("value", flat=True))
    assert values == [Decimal("53.1"), Decimal("53100"), Decimal("53100")]
    total = metric_value(
        "initiatives.indicator_values",
        unit=units["region"],
        indicator=indicator.pk,
        user=system_actor("test"),
    )
    assert total == Decimal("106253.1")
    again = run(editor, units, campaign, data)
    assert again.created == 0 and again.unchanged == 3
    exported = IndicatorReportExporter(user=editor, unit=units["own"], campaign=campaign)
    back = run(editor, units, campaign, exported.xlsx_bytes())
    assert back.errors == [] and back.unchanged == 3 and back.created == 0


@pytest.mark.parametrize(
    ("cell", "words"),
    [("-1", "负"), ("5万亩", "不能换算"), ("待定", "不是数值")],
)
def test_a_bad_value_is_refused_naming_row_and_column(
    editor, units, campaign, indicator, cell, words
):
    data = sheet(
        [
            ["项目名称", "指标名称", "新增数值（万千瓦）", "报告日期"],
            ["风电项目", "新能源并网装机", "1", "2023-05-10"],
            ["光伏项目", "新能源并网装机", cell, "2023-05-10"],
        ]
    )
    result = run(editor, units, campaign, data)
    assert not result.committed and not IndicatorReport.objects.exists()
    [error] = result.errors
    assert (error.row, error.column) == (3, "新增数值（万千瓦）")
    assert words in error.message
    valid = run(editor, units, campaign, data, mode="valid")
    assert valid.created == 1 and IndicatorReport.objects.get().value == Decimal("10000")


def test_unknown_project_or_indicator_is_named(editor, units, campaign, indicator):
    data = sheet(
        [
            ["项目名称", "指标名称", "数值", "报告日期"],
            ["没有的项目", "新能源并网装机", "1", "2023-05-10"],
            ["风电项目", "新增造林", "1", "2023-05-10"],
        ]
    )
    result = run(editor, units, campaign, data)
    assert [(e.row, e.column) for e in result.errors] == [(2, "项目名称"), (3, "指标名称")]


def test_the_import_page_and_its_template(client, editor, units, campaign, indicator):
    from django.urls import reverse

    client.force_login(editor)
    query = f"?campaign={campaign.pk}"
    page = client.get(reverse("initiatives:import", args=[units["own"].pk, "indicator_reports"]))
    assert page.status_code == 200 and "指标数值" in page.content.decode()
    template = reverse("initiatives:template", args=[units["own"].pk, "indicator_reports"])
    assert client.get(template + query).status_code == 200
    projects = client.get(reverse("initiatives:projects", args=[units["own"].pk]) + query)
    assert "导入指标数值" in projects.content.decode()
