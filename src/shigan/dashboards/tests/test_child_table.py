"""Issue 14, build point 5 (partly): the by-child table sorts by a column, ends with a total row
whose cells link to exactly their records, and shows the first children only until all are
asked for; a problem without an aspect is charted as 未分类, never "—"."""

import re

import pytest
from django.urls import reverse

from shigan.accounts.system import system_actor
from shigan.dashboards import selectors
from shigan.dashboards.tests.world import AS_OF, D
from shigan.problems import services as problems
from shigan.problems.choices import ProblemSource

pytestmark = pytest.mark.django_db

TABLE = re.compile(r'<table class="table figure-table child-table">(.*?)</table>', re.S)
ROW = re.compile(r"<tr>\s*<td class=\"nowrap\">(.*?)</tr>", re.S)
LINKED = re.compile(r'<a class="figure" href="([^"]+)"[^>]*>([\d,]+)</a>')


def _table(client, unit, world, **extra) -> str:
    params = {"campaign": world["campaign"].pk, "as_of": AS_OF.isoformat(), **extra}
    page = client.get(reverse("dashboards:unit", args=[unit.pk]), params)
    assert page.status_code == 200
    return TABLE.search(page.content.decode()).group(1)


def _rows(table: str) -> list[tuple[str, list[int]]]:
    """(unit name or 本级, the figures) of each body row."""
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    rows = []
    for row in ROW.findall(body):
        name = re.sub(r"<[^>]+>", "", row.split("</td>", 1)[0]).strip()
        rows.append((name, [int(v.replace(",", "")) for _h, v in LINKED.findall(row)]))
    return rows


def _total(table: str) -> list[tuple[str, int]]:
    foot = table[table.index("<tfoot>") : table.index("</tfoot>")]
    assert "合计" in foot
    return [
        (href.replace("&amp;", "&"), int(v.replace(",", ""))) for href, v in LINKED.findall(foot)
    ]


def test_total_row_sums_the_rows_and_links_to_exactly_its_records(client, world, units, office):
    client.force_login(office)
    table = _table(client, units["region"], world)
    rows, total = _rows(table), _total(table)
    assert rows and len(total) == len(rows[0][1])
    for column, (href, value) in enumerate(total):
        assert value == sum(figures[column] for _name, figures in rows)
        page = client.get(href).content.decode()
        assert int(re.search(r"共 (\d+) 条记录", page).group(1)) == value, href
    assert any(value for _h, value in total)


def test_sorting_by_a_column_puts_the_largest_child_first(client, world, units, office):
    client.force_login(office)
    columns, _rows_ = selectors.child_table(
        selectors.Query(world["campaign"], units["region"], None, AS_OF, user=system_actor("test"))
    )
    for column_index, column in enumerate(columns[:3]):
        rows = _rows(_table(client, units["region"], world, sort=column.key))
        children = [figures[column_index] for name, figures in rows if name != "本级"]
        assert children == sorted(children, reverse=True), column.key
        assert rows[-1][0] == "本级"  # the unit's own row stays last


def test_only_the_first_children_are_shown_until_all_are_asked_for(
    client, world, units, office, monkeypatch
):
    monkeypatch.setattr(selectors, "CHILD_ROWS_SHOWN", 3)
    client.force_login(office)
    all_rows = _rows(_table(client, units["region"], world, children="all"))
    assert len(all_rows) > 4
    page = client.get(
        reverse("dashboards:unit", args=[units["region"].pk]),
        {"campaign": world["campaign"].pk, "as_of": AS_OF.isoformat()},
    ).content.decode()
    shown = _rows(TABLE.search(page).group(1))
    assert [name for name, _f in shown] == [name for name, _f in all_rows[:3]] + ["本级"]
    assert f"显示全部 {len(all_rows) - 1} 个下级单位" in page
    # The total is the whole unit's, whatever is shown.
    assert _total(TABLE.search(page).group(1)) == _total(
        _table(client, units["region"], world, children="all")
    )


def test_a_problem_without_aspect_is_charted_as_unclassified(client, world, units, office):
    problems.problem_create(
        actor=system_actor("test"),
        unit=units["own"],
        campaign=world["campaign"],
        source=ProblemSource.SELF_INSPECTION,
        title="未分方面的问题",
        found_on=D(2023, 5, 8),
    )
    client.force_login(office)
    chart = reverse("dashboards:chart", args=[units["region"].pk, "aspect"])
    rows = client.get(chart, {"campaign": world["campaign"].pk}).json()["rows"]
    names = {row["name"]: row for row in rows}
    assert "—" not in names and names["未分类"]["value"] == 1
    listed = client.get(names["未分类"]["url"]).content.decode()
    assert "未分方面的问题" in listed
