"""The figure catalogue: every FIGURES.md row, its value as of a date, and exactly its records."""

import io
import re
from decimal import Decimal

import pytest

from shigan.accounts.system import system_actor
from shigan.core.formatting import amount_text, count_text
from shigan.dashboards.figures import CATALOGUE, figure, figures_all
from shigan.dashboards.tests.world import AS_OF, EXPECTED, TOTALS

pytestmark = pytest.mark.django_db


def test_the_catalogue_declares_every_row_of_figures_md():
    rows = sorted({e.row for e in CATALOGUE.values()})
    assert rows == list(range(1, 29))
    doubles = sorted(r for r in rows if sum(e.row == r for e in CATALOGUE.values()) == 2)
    assert doubles == [16, 17, 24]
    assert len(CATALOGUE) == 31


def test_every_figure_as_of_the_date(world, units):
    figures = figures_all(
        campaign=world["campaign"], unit=units["region"], as_of=AS_OF, user=system_actor("test")
    )
    assert {k: f.value for k, f in figures.items()} == EXPECTED
    assert figures["reading_class_coverage"].total == TOTALS["reading_class_coverage"]
    assert not figures["reading_class_coverage"].complete


def test_each_figure_is_exactly_its_records(world, units):
    figures = figures_all(
        campaign=world["campaign"], unit=units["region"], as_of=AS_OF, user=system_actor("test")
    )
    for key, f in figures.items():
        if f.entry.amount:
            total = sum((p.funds_allocated for p in f.records), Decimal(0))
            assert total == f.value, key
        elif f.entry.measure:  # each report converted from its indicator's unit to 千瓦
            total = sum((_in_kw(r) for r in f.records), Decimal(0))
            assert total == f.value, key
        else:
            assert f.records.count() == f.value, key
            assert len(f.record_ids()) == len(set(f.record_ids())) == f.value, key


def _in_kw(report) -> Decimal:
    return {"kw": 1, "wan_kw": 10000}[report.indicator.measure] * report.value


def test_energy_capacity_reads_in_kilowatts_as_of_the_date(world, units):
    """Row 28: 0.03万千瓦 + 0.2兆瓦 + 50千瓦 (kept as 0.005万千瓦) = 550千瓦; the 100千瓦 reported
    later counts only later; 阿巴嘎旗 sees its own 50."""
    f = figure(
        "energy_capacity",
        campaign=world["campaign"],
        unit=units["region"],
        as_of=AS_OF,
        user=system_actor("test"),
    )
    assert (f.value, f.text, f.exact, f.records.count()) == (550, "550千瓦", "550千瓦", 3)
    now = figure(
        "energy_capacity",
        campaign=world["campaign"],
        unit=units["region"],
        user=system_actor("test"),
    )
    assert (now.value, now.records.count()) == (650, 4)
    own = figure(
        "energy_capacity",
        campaign=world["campaign"],
        unit=units["own"],
        as_of=AS_OF,
        user=system_actor("test"),
    )
    assert (own.value, [r.value for r in own.records]) == (50, [Decimal("0.005")])


def test_energy_capacity_drill_down_exports_its_reports(client, world, units, office):
    from python_calamine import CalamineWorkbook

    client.force_login(office)
    f = figure(
        "energy_capacity",
        campaign=world["campaign"],
        unit=units["region"],
        as_of=AS_OF,
        user=system_actor("test"),
    )
    url = f.url.replace("/records/?", "/records.xlsx?")
    response = client.get(url)
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    texts = [str(row[1]) for row in rows.to_python()[1:] if len(row) > 1]
    assert sorted(t.rsplit(" ", 1)[-1] for t in texts if "新能源并网装机" in t) == [
        "0.005万千瓦",
        "200千瓦",
        "300千瓦",
    ]


def test_figures_move_with_the_date(world, units):
    """Today the late enrolment, the late session and the late problem count too."""
    now = figures_all(campaign=world["campaign"], unit=units["region"], user=system_actor("test"))
    assert now["batch_units"].value == 4
    # 锡林郭勒盟's late session, and 鄂尔多斯市's once it is enrolled
    assert now["batch_central_group_sessions"].value == 4
    assert now["self_inspection_problems"].value == 5
    assert now["self_inspection_aspects"].value == 3
    early = figures_all(
        campaign=world["campaign"],
        unit=units["region"],
        as_of=AS_OF.replace(day=1),
        user=system_actor("test"),
    )
    assert early["self_inspection_closed"].value == 0  # closed on 5-20
    assert early["root_reading_classes"].value == 1


def test_a_unit_below_sees_its_own_subtree(world, units):
    figures = figures_all(
        campaign=world["campaign"], unit=units["own"], as_of=AS_OF, user=system_actor("test")
    )
    assert figures["batch_units"].value == 1
    assert figures["batch_topics"].value == 2
    assert figures["root_problems"].value == 4  # 阿巴嘎旗's own: 2 from research, 2 inspected
    assert figures["provincial_topics"].value == 0
    assert figures["self_inspection_problems"].value == 2


def _page_count(client, url) -> int:
    html = client.get(url).content.decode()
    match = re.search(r"共 (\d+) 条记录", html)
    assert match, url
    return int(match.group(1))


def test_every_drill_down_lists_exactly_the_figure(client, world, units, office):
    client.force_login(office)
    figures = figures_all(
        campaign=world["campaign"], unit=units["region"], as_of=AS_OF, user=system_actor("test")
    )
    for key, f in figures.items():
        assert _page_count(client, f.url) == f.records.count(), key
        if f.entry.measure:  # the page states the sum in the figure's unit
            html = client.get(f.url).content.decode()
            assert f'class="quantity-total" title="{f.exact}">{f.text}</span>' in html, key
        elif not f.entry.amount:
            assert _page_count(client, f.url) == f.value, key


def test_amount_figures_read_like_the_article():
    assert amount_text(Decimal("19370000000")) == "193.7亿元"
    assert amount_text(Decimal("3220000000.00")) == "32.2亿元"
    assert amount_text(Decimal("714000000")) == "7.14亿元"
    assert amount_text(Decimal("600000000")) == "6亿元"
    assert amount_text(Decimal("35000")) == "3.5万元"
    assert count_text(14900) == "1.49万"
    assert count_text(1667) == "1667"


def test_pages_and_briefing_share_one_formatter():
    from shigan.core.templatetags.shigan_format import money

    # Issue 14: no "约", no thousands comma, a carried rounding reads in the next unit.
    assert amount_text(Decimal("19370000001")) == "193.7亿元"
    assert money(Decimal("19370000001")).endswith(">193.7亿元</span>")
    assert amount_text(Decimal("99999999")) == "1亿元"


def test_out_of_scope_unit_is_refused(world, units, make_user):
    from django.http import Http404

    from shigan.orgs.choices import Role

    sibling_editor = make_user(Role.EDITOR, units["sibling"])
    with pytest.raises(Http404):
        figure("batch_units", campaign=world["campaign"], unit=units["region"], user=sibling_editor)
    mine = figure(
        "self_inspection_problems",
        campaign=world["campaign"],
        unit=units["sibling"],
        as_of=AS_OF,
        user=sibling_editor,
    )
    assert mine.value == 1
