"""The dashboard page: every number a link to exactly its records, the permission matrix, the
chart data, the batch filter, the spreadsheet of a figure's records, the query count."""

import io
import re

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from shigan.accounts.system import system_actor
from shigan.dashboards.figures import figure
from shigan.dashboards.tests.world import AS_OF
from shigan.orgs.choices import Role

pytestmark = pytest.mark.django_db


def _url(unit, world, **extra) -> str:
    params = {"campaign": world["campaign"].pk, "as_of": AS_OF.isoformat(), **extra}
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{reverse('dashboards:unit', args=[unit.pk])}?{query}"


def _count(html: str) -> int:
    return int(re.search(r"共 (\d+) 条记录", html).group(1))


@pytest.mark.parametrize(
    ("role", "place", "target", "status"),
    [
        (Role.ADMIN, "region", "region", 200),
        (Role.VIEWER, "parent", "own", 200),
        (Role.EDITOR, "own", "own", 200),
        (Role.EDITOR, "own", "parent", 404),
        (Role.LEADER, "sibling", "own", 404),
        (Role.VIEWER, "unrelated", "region", 404),
    ],
)
def test_permission_matrix(client, world, units, make_user, role, place, target, status):
    client.force_login(make_user(role, units[place]))
    assert client.get(_url(units[target], world)).status_code == status
    chart = reverse("dashboards:chart", args=[units[target].pk, "aspect"])
    assert client.get(f"{chart}?campaign={world['campaign'].pk}").status_code == status


def test_guidance_member_sees_the_assigned_units_only(client, world, units, guide):
    client.force_login(guide)  # the group is assigned 锡林郭勒盟 and the region
    assert client.get(_url(units["own"], world)).status_code == 200
    assert client.get(_url(units["unrelated"], world)).status_code == 200  # under the region


def test_every_number_is_a_link_to_exactly_its_records(client, world, units, office):
    client.force_login(office)
    html = client.get(_url(units["region"], world)).content.decode()
    links = re.findall(r'<a class="figure" href="([^"]+)"[^>]*>([^<]+)</a>', html)
    assert len(links) > 60
    checked = 0
    for href, text in links:
        href = href.replace("&amp;", "&")
        if text.endswith(("元", "千瓦")):
            continue  # a sum: its records are projects or reports (checked in test_figures)
        page = client.get(href)
        assert page.status_code == 200, href
        assert _count(page.content.decode()) == int(text.replace(",", "")), href
        checked += 1
    assert checked > 60


def test_the_pillars_show_the_catalogue(client, world, units, office):
    client.force_login(office)
    html = client.get(_url(units["region"], world)).content.decode()
    for label in ("学习", "调研", "整改", "实效"):
        assert f"<h2>{label}</h2>" in html
    assert 'title="19,370,000,000.00元"' in html and ">193.7亿元</a>" in html
    assert 'data-figure="self_inspection_problems"' in html
    assert 'data-figure="energy_capacity">550千瓦</a>' in html


def test_batch_filter_counts_the_batch_units_records(client, world, units, office):
    client.force_login(office)
    plain = client.get(_url(units["parent"], world)).content.decode()
    batch = client.get(_url(units["parent"], world, batch=world["batch"].pk)).content.decode()
    # 阿巴嘎旗's row: its subtree's topics (3: two of its own, one of its child) without a batch,
    # only the batch unit's own (2) with it.
    row = re.compile(r"阿巴嘎旗</a></td>(.*?)</tr>", re.S)
    cells = lambda html: re.findall(r">(\d+)</a></td>", row.search(html).group(1))  # noqa: E731
    assert cells(plain)[1] == "3" and cells(batch)[1] == "2"


def test_chart_data_links_each_bar_to_its_problems(client, world, units, office):
    client.force_login(office)
    chart = reverse("dashboards:chart", args=[units["region"].pk, "aspect"])
    data = client.get(f"{chart}?campaign={world['campaign'].pk}&as_of={AS_OF}").json()
    names = {r["name"]: r["value"] for r in data["rows"]}
    assert names == {"理论学习": 6, "作风建设": 3, "为民服务": 1}
    for row in data["rows"]:
        assert _count(client.get(row["url"]).content.decode()) == row["value"]
    state = reverse("dashboards:chart", args=[units["region"].pk, "state"])
    rows = client.get(f"{state}?campaign={world['campaign'].pk}&as_of={AS_OF}").json()["rows"]
    assert {r["key"]: r["value"] for r in rows}["closed"] == 1
    for row in rows:
        assert _count(client.get(row["url"]).content.decode()) == row["value"]
    trend = reverse("dashboards:chart", args=[units["region"].pk, "trend"])
    data = client.get(f"{trend}?campaign={world['campaign'].pk}&as_of={AS_OF}").json()
    assert data["dates"][-1] == AS_OF.isoformat()
    closed = next(s for s in data["series"] if s["key"] == "problems.closed")
    assert closed["data"][-1] == 1 and closed["data"][0] == 0


def test_overdue_list_as_of_the_date(client, world, units, office):
    client.force_login(office)
    url = reverse("dashboards:overdue")
    page = client.get(
        f"{url}?unit={units['region'].pk}&campaign={world['campaign'].pk}&as_of={AS_OF}"
    )
    # the 6 inspected problems past their 5-15 deadline and not closed on 5-31 (one was closed)
    assert _count(page.content.decode()) == 6


def test_a_figures_records_by_aspect_and_to_excel(client, world, units, office):
    client.force_login(office)
    f = figure("self_inspection_problems", campaign=world["campaign"], unit=units["region"],
               as_of=AS_OF, user=system_actor("test"))  # fmt: skip
    aspect = world["aspects"][1]  # 作风建设: 阿巴嘎旗 1, 锡林郭勒盟 1, 苏尼特左旗 1
    page = client.get(f"{f.url}&aspect={aspect.pk}").content.decode()
    assert _count(page) == 3
    export = reverse("dashboards:figure_export", args=["self_inspection_problems"])
    query = f.url.split("?", 1)[1] + f"&aspect={aspect.pk}"
    response = client.get(f"{export}?{query}")
    assert response.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    rows = sheet.to_python()
    assert rows[0][:3] == ["序号", "记录", "单位"]
    assert len(rows) == 1 + 3
    assert {r[4] for r in rows[1:]} == {"作风建设"}


# Fixed per page, whatever the records: the figures of the unit and its children come from
# one read of the facts, the "of batch-N units" figures from their units' weights and those
# units' facts (two queries for all of them, dashboards/figures.py `_batch_facts`).
DASHBOARD_QUERIES = 45


def test_the_dashboard_costs_a_fixed_number_of_queries(
    client, world, units, office, django_assert_max_num_queries
):
    client.force_login(office)
    url = _url(units["region"], world, batch=world["batch"].pk)
    client.get(url)  # warm the per-user caches
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        assert client.get(_url(units["region"], world)).status_code == 200
