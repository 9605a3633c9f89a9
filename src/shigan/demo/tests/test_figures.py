"""The figures check (issue 7, item 4): the scenario reproduces every figure of the article of
2023-06-08 (seed FIGURES.md) as of 2023-06-07 — in the figure catalogue, on the dashboard, in
the API and in the issued briefing — and the drill-down of each lists exactly the records
behind it.

The expected values are the article's, typed here from FIGURES.md; nothing is read back from the
scenario's own constants.
"""

import html
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from shigan.accounts.system import system_actor
from shigan.briefings.models import Briefing
from shigan.dashboards.figures import CATALOGUE, figure, records_sum
from shigan.initiatives.measures import convert

pytestmark = pytest.mark.django_db

# FIGURES row, catalogue key, the article's figure, and the article's words around it (which the
# briefing must say too).
ARTICLE = (
    (1, "study_leaders", 14900, "1.49万名县处级以上领导干部"),
    (2, "root_reading_classes", 2, "举办2期读书班"),
    (3, "root_central_group_sessions", 5, "5次理论学习中心组集中研讨"),
    (4, "batch_units", 161, "161个参学单位"),
    (5, "reading_class_coverage", 161, "全部举办读书班"),
    (6, "batch_central_group_sessions", 792, "开展理论中心组学习792次"),
    (7, "research_aspects", 12, "围绕中央12个方面内容"),
    (8, "provincial_topics", 38, "确定了38个调研课题"),
    (9, "provincial_trips", 139, "开展领题调研139次"),
    (10, "batch_topics", 1346, "确定调研课题1346个"),
    (11, "batch_trips", 1960, "开展调研1960次"),
    (12, "research_problems", 1667, "梳理排查的1667个问题"),
    (13, "research_measures", 1959, "研究提出解决措施1959条"),
    (14, "guidance_visits", 269, "跟进指导调查研究工作269次"),
    (15, "revised_plan_units", 145, "帮助145家单位修改完善调研方案"),
    (16, "root_problems", 34, "5个方面34个具体问题"),
    (16, "root_problem_aspects", 5, "5个方面34个具体问题"),
    (17, "self_inspection_problems", 1365, "6个方面1365个问题"),
    (17, "self_inspection_aspects", 6, "6个方面1365个问题"),
    (18, "self_inspection_closed", 72, "已完成整改问题72个"),
    (19, "self_inspection_measures", 400, "新增整改措施400条"),
    (20, "special_programs", 9, "9个专项整治方案"),
    (21, "ecology_projects", 208, "项目208个"),
    (22, "border_security_funds", Decimal("19370000000"), "安排193.7亿元专项经费"),
    (23, "agriculture_funds", Decimal("3220000000"), "补助资金32.2亿元"),
    (24, "opening_up_zone_funds", Decimal("600000000"), "筹措6亿元资金"),
    (24, "opening_up_port_funds", Decimal("200000000"), "专项资金2亿元"),
    (25, "livelihood_items", 43, "43项民生项目清单"),
    (26, "livelihood_areas", 10, "10个方面工作"),
    (27, "ethnic_affairs_funds", Decimal("714000000"), "资金7.14亿元"),
    (28, "energy_capacity", Decimal("531"), "新增新能源并网装机531千瓦"),
)
IDS = [f"row{row:02d}-{key}" for row, key, _value, _words in ARTICLE]
AMOUNT_FIELD = "funds_allocated"


def test_every_row_of_figures_md_is_checked():
    assert sorted({row for row, *_rest in ARTICLE}) == list(range(1, 29))
    assert {key for _row, key, *_rest in ARTICLE} == set(CATALOGUE)


def _figure(scenario, key, as_of):
    campaign = scenario.campaign
    return figure(
        key, campaign=campaign, unit=campaign.root_unit, as_of=as_of, user=system_actor("test")
    )


def _count_or_sum(f) -> int | Decimal:
    """What the records behind a figure add up to: their number, their yuan, or (a physical
    indicator) their values, each converted from its indicator's unit into the figure's."""
    if f.entry.amount:
        return records_sum(f.records, AMOUNT_FIELD)
    if f.entry.measure:
        return sum(
            (convert(r.value, r.indicator.measure, f.entry.measure) for r in f.records),
            Decimal(0),
        )
    return f.records.count()


@pytest.mark.parametrize(("row", "key", "value", "words"), ARTICLE, ids=IDS)
def test_catalogue_figure_and_its_records(scenario, as_of, row, key, value, words):
    f = _figure(scenario, key, as_of)
    assert f.value == value
    assert _count_or_sum(f) == value
    if key == "reading_class_coverage":
        assert f.total == 161 and f.complete


@pytest.fixture(scope="module")
def office_client(scenario, django_db_blocker):
    with django_db_blocker.unblock():
        client = Client()
        client.force_login(get_user_model().objects.get(username="office"))
        yield client


def _query(scenario, as_of) -> str:
    campaign = scenario.campaign
    return f"campaign={campaign.pk}&as_of={as_of.isoformat()}"


@pytest.fixture(scope="module")
def dashboard_html(scenario, office_client, django_db_blocker):
    from shigan.demo.scenario import AS_OF

    root = scenario.campaign.root_unit
    url = f"{reverse('dashboards:unit', args=[root.pk])}?{_query(scenario, AS_OF)}"
    with django_db_blocker.unblock():
        response = office_client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _dashboard_link(dashboard_html: str, key: str) -> tuple[str, str]:
    """The href and the text of the dashboard's link of figure `key`."""
    link = re.search(
        r'<a class="figure" href="([^"]+)"[^>]*data-figure="'
        + re.escape(key)
        + r'"[^>]*>([^<]+)</a>',
        dashboard_html,
    )
    assert link, f"the dashboard shows no figure {key}"
    return html.unescape(link.group(1)), link.group(2).strip()


@pytest.mark.parametrize(("row", "key", "value", "words"), ARTICLE, ids=IDS)
def test_dashboard_shows_the_figure(scenario, as_of, dashboard_html, row, key, value, words):
    _href, text = _dashboard_link(dashboard_html, key)
    assert text == _figure(scenario, key, as_of).text


@pytest.fixture(scope="module")
def api_figures(scenario, office_client, django_db_blocker):
    from shigan.demo.scenario import AS_OF

    root = scenario.campaign.root_unit
    url = f"{reverse('api-dashboard-figures')}?unit={root.pk}&{_query(scenario, AS_OF)}"
    with django_db_blocker.unblock():
        response = office_client.get(url)
    assert response.status_code == 200
    return {f["key"]: f for f in response.json()["figures"]}


@pytest.mark.parametrize(("row", "key", "value", "words"), ARTICLE, ids=IDS)
def test_api_gives_the_figure(api_figures, row, key, value, words):
    got = api_figures[key]
    assert got["row"] == row
    exact = got["amount"] or got["measure"]
    assert (Decimal(got["value"]) if exact else int(got["value"])) == value


@pytest.mark.parametrize(("row", "key", "value", "words"), ARTICLE, ids=IDS)
def test_the_dashboard_link_lists_exactly_the_records(
    scenario, as_of, dashboard_html, office_client, row, key, value, words
):
    """Clicking the figure on the dashboard: the page it opens lists that many records."""
    href, _text = _dashboard_link(dashboard_html, key)
    response = office_client.get(href)
    assert response.status_code == 200
    page = response.content.decode()
    shown = re.search(r"共\s*([\d,]+)\s*条记录", page)
    assert shown, "the drill-down page does not say how many records it lists"
    listed = int(shown.group(1).replace(",", ""))
    f = _figure(scenario, key, as_of)
    if f.entry.amount:  # the projects whose yuan add up to it
        assert listed == f.records.count() > 0
        assert records_sum(f.records, AMOUNT_FIELD) == value
    elif f.entry.measure:  # the reports whose values add up to it, and the sum in 千瓦
        assert listed == f.records.count() > 0
        assert _count_or_sum(f) == value
        assert f'class="quantity-total" title="{f.exact}">{f.text}</span>' in page
    else:
        assert listed == value


@pytest.fixture(scope="module")
def briefing(scenario, django_db_blocker):
    with django_db_blocker.unblock():
        issued = Briefing.objects.get(pk=scenario.briefing.pk)
        figures = {f.key: f for f in issued.figures.all()}
        return issued, figures


def test_the_scenario_issued_the_briefing_of_2023_06_07(briefing, as_of):
    issued, figures = briefing
    assert issued.state == "issued" and issued.as_of == as_of
    assert set(figures) == set(CATALOGUE)


@pytest.mark.parametrize(("row", "key", "value", "words"), ARTICLE, ids=IDS)
def test_briefing_says_the_figure_in_the_articles_words(briefing, row, key, value, words):
    issued, figures = briefing
    text = re.sub(r"\s+", "", issued.text)
    stored = figures[key]
    assert stored.value == value
    assert words in text
    if stored.amount or CATALOGUE[key].measure:
        assert stored.text in text
        assert stored.value == value
    else:
        assert len(stored.record_ids) == value


def test_service_points_opened_with_banks_by_league_and_date(scenario, as_of):
    """人社服务窗口前移: eight windows in bank branches of four leagues, four of them opened on
    the as-of date; each league's subtree counts its own two."""
    import datetime

    from shigan.initiatives.models import ServicePoint
    from shigan.metrics.selectors import metric_records, metric_value

    campaign, key = scenario.campaign, "initiatives.service_points"
    root = campaign.root_unit
    assert (
        metric_value(key, unit=root, campaign=campaign, as_of=as_of, user=system_actor("test")) == 8
    )
    day_before = as_of - datetime.timedelta(days=1)
    assert (
        metric_value(key, unit=root, campaign=campaign, as_of=day_before, user=system_actor("test"))
        == 4
    )
    points = ServicePoint.objects.select_related("unit").order_by("pk")
    assert all("银行" in p.partner for p in points)
    league = points[0].unit
    records = metric_records(
        key, unit=league, campaign=campaign, as_of=as_of, user=system_actor("test")
    )
    assert (
        records.count()
        == metric_value(key, unit=league, campaign=campaign, user=system_actor("test"))
        == 2
    )
