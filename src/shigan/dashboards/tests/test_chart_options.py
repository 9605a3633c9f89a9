"""Issue 14, point 5: the chart data a page draws (its ECharts categories and slice names)
carries full labels: every aspect's whole name, every state's whole word; a problem found by
research without a problem aspect is under its topic's research aspect, the rest under 未分类,
never "—"; each bar's drill-down lists exactly its problems and names the same aspect."""

import datetime
import re

import pytest
from django.urls import reverse

from shigan.accounts.system import system_actor
from shigan.campaigns.models import Aspect
from shigan.dashboards.tests.world import AS_OF
from shigan.problems import services as problems
from shigan.problems.choices import ProblemSource, ProblemState
from shigan.research.models import ResearchTopic

pytestmark = pytest.mark.django_db
LONG = "优化营商环境和作风建设方面存在的突出问题"


def _count(html: str) -> int:
    return int(re.search(r"共 (\d+) 条记录", html).group(1))


def _chart(client, world, units, name):
    url = reverse("dashboards:chart", args=[units["region"].pk, name])
    return client.get(f"{url}?campaign={world['campaign'].pk}&as_of={AS_OF}").json()["rows"]


def test_aspect_chart_has_full_names_and_research_aspects(client, world, units, office):
    Aspect.objects.filter(campaign=world["campaign"], name="作风建设").update(name=LONG)
    topic = ResearchTopic.objects.filter(
        campaign=world["campaign"], unit=units["own"], aspect__isnull=False
    ).first()
    for i in range(2):  # found by research, no problem aspect: under the topic's aspect
        problems.problem_create(
            actor=system_actor("test"),
            unit=units["own"], campaign=world["campaign"], research_topic=topic,
            source=ProblemSource.RESEARCH, title=f"调研问题{i}", found_on=datetime.date(2023, 5, 2),
        )  # fmt: skip
    problems.problem_create(
        actor=system_actor("test"), unit=units["own"], campaign=world["campaign"],
        source=ProblemSource.ASSIGNED, title="无方面", found_on=datetime.date(2023, 5, 2),
    )  # fmt: skip
    client.force_login(office)
    rows = _chart(client, world, units, "aspect")
    names = {r["name"]: r["value"] for r in rows}
    assert names == {"理论学习": 6, LONG: 3, "为民服务": 1, topic.aspect.name: 2, "未分类": 1}
    assert all(r["name"] and r["name"] != "—" for r in rows)
    for row in rows:
        page = client.get(row["url"])
        assert _count(page.content.decode()) == row["value"]
        assert {r["aspect"] for r in page.context["rows"]} == {row["name"]}


def test_state_chart_has_whole_state_names(client, world, units, office):
    client.force_login(office)
    rows = _chart(client, world, units, "state")
    labels = dict(ProblemState.choices)
    for row in rows:
        assert row["name"] == str(labels[row["key"]])  # the whole word, e.g. 整改中
        assert "…" not in row["name"] and "..." not in row["name"]
