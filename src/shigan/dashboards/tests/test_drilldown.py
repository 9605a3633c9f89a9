"""Issue 14, point 5: one drill-down page for every figure — the dashboard's label as title,
its context (unit, campaign, batch, date), filters in words (never "area = ecology"), an
as-of filter, and an export of exactly the records listed; and the metrics index grouped by
family and paginated."""

import io
import re

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from shigan.dashboards.tests.world import AS_OF
from shigan.metrics.links import records_url

pytestmark = pytest.mark.django_db


def _count(html: str) -> int:
    return int(re.search(r"共 (\d+) 条记录", html).group(1))


def _sheet_rows(response) -> list:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return book.get_sheet_by_index(0).to_python()


def _same_style(html: str, title: str, unit_name: str, campaign_name: str) -> None:
    assert f"<h1>{title} · {unit_name}</h1>" in html
    assert campaign_name in html and "截至 2023年5月31日" in html
    assert 'name="as_of"' in html and "导出 Excel" in html


def test_a_metric_drilldown_reads_in_words_and_exports(client, world, units, office):
    client.force_login(office)
    region, campaign = units["region"], world["campaign"]
    url = records_url(
        "initiatives.projects", unit=region, as_of=AS_OF, campaign=campaign, area="ecology"
    )
    page = client.get(url)
    html = page.content.decode()
    _same_style(html, "项目数", region.name, campaign.name)
    assert "area = " not in html and "= ecology" not in html
    assert "领域：生态" in html  # the area by its label
    assert _count(html) == 2
    rows = _sheet_rows(client.get(page.context["export_url"]))
    assert len(rows) == 1 + 2 and {r[1] for r in rows[1:]} == {"节水改造一期", "节水改造二期"}


@pytest.mark.parametrize("kind", ["overdue", "chart", "cell"])
def test_every_dashboard_drilldown_has_the_same_page(client, world, units, office, kind):
    client.force_login(office)
    region, campaign = units["region"], world["campaign"]
    base = f"unit={region.pk}&campaign={campaign.pk}&as_of={AS_OF}"
    if kind == "overdue":
        url, title = f"{reverse('dashboards:overdue')}?{base}", "逾期未完成整改（红灯）"
    elif kind == "chart":
        aspect = world["aspects"][0]
        url = f"{reverse('dashboards:chart_records', args=['aspect'])}?{base}&value={aspect.pk}"
        title = f"问题按方面 · {aspect.name}"
    else:
        url = f"{reverse('dashboards:metric_records', args=['problems.found'])}?{base}&own=1"
        title = "问题数"
    page = client.get(url)
    html = page.content.decode()
    _same_style(html, title, region.name, campaign.name)
    rows = _sheet_rows(client.get(page.context["export_url"]))
    assert len(rows) - 1 == _count(html)


def test_the_metrics_index_is_grouped_and_paginated(client, world, units, office):
    from shigan.metrics.registry import METRICS
    from shigan.metrics.views import PER_PAGE

    client.force_login(office)
    url = reverse("metrics:overview")
    page = client.get(url, {"unit": units["region"].pk, "campaign": world["campaign"].pk})
    families = [key for key, _label, _n in page.context["families"]]
    assert families[:4] == ["study", "research", "problems", "initiatives"]
    shown = {f["metric"].key for f in page.context["figures"]}
    assert shown and all(key.startswith("study.") for key in shown)
    seen = set()
    for family in families:
        first = client.get(url, {"unit": units["region"].pk, "family": family})
        pages = first.context["page"].paginator.num_pages
        for n in range(1, pages + 1):
            got = client.get(url, {"unit": units["region"].pk, "family": family, "page": n})
            keys = [f["metric"].key for f in got.context["figures"]]
            assert len(keys) <= PER_PAGE
            seen.update(keys)
    assert seen == set(METRICS)  # every metric is on exactly one page of its family


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999", "research:abc"])
def test_a_chart_value_that_is_no_aspect_lists_nothing(client, world, units, office, value):
    """A bar's link names an aspect by its number; anything else is no aspect: an empty list,
    not a 500 (found by a crawl with bad query values)."""
    client.force_login(office)
    base = f"unit={units['region'].pk}&campaign={world['campaign'].pk}&as_of={AS_OF}"
    url = f"{reverse('dashboards:chart_records', args=['aspect'])}?{base}&value={value}"
    page = client.get(url)
    assert page.status_code == 200 and _count(page.content.decode()) == 0
