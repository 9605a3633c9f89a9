"""Issue 14, point 5: every figure of a dashboard as of a date is as of that date — the overdue
(red) figure and its list too, from the records as they stood: states that changed later, a
deadline an extension moved later, a problem found later, a close-out waiting for review.

The records are built, then changed over time; the dashboard for two past dates must show
what the ledger said on each of them, and one overdue figure only."""

import datetime
import re

import pytest
from django.urls import reverse

from shigan.accounts.system import system_actor
from shigan.campaigns import services as campaigns
from shigan.core.services import calendar_year_seed
from shigan.orgs.choices import Role
from shigan.problems import services as problems
from shigan.problems.choices import ProblemSource, ProblemState
from shigan.problems.lights import light_as_of, problem_histories

D = datetime.date
EARLY, LATER = D(2023, 5, 12), D(2023, 5, 22)


@pytest.fixture
def ledger(units, make_user):
    calendar_year_seed(actor=system_actor("test"), year=2023)
    campaign = campaigns.campaign_create(
        actor=system_actor("test"),
        name="主题教育",
        root_unit=units["region"],
        starts_on=D(2023, 4, 1),
    )
    clerk = make_user(Role.EDITOR, units["own"])
    reviewer = make_user(Role.ADMIN, units["region"])

    def found(title, day, deadline):
        return problems.problem_create(
            actor=system_actor("test"), unit=units["own"], campaign=campaign, title=title,
            source=ProblemSource.SELF_INSPECTION, found_on=day, deadline=deadline,
        )  # fmt: skip

    found("一直逾期", D(2023, 4, 3), D(2023, 5, 10))
    extended = found("延期获批", D(2023, 4, 3), D(2023, 5, 10))
    extension = problems.extension_request(
        actor=clerk, problem=extended, new_deadline=D(2023, 6, 30), reason="需协调资金",
        requested_on=D(2023, 5, 8),
    )  # fmt: skip
    problems.extension_decide(
        actor=reviewer, extension=extension, approve=True, decided_on=D(2023, 5, 15)
    )
    closed = found("后来销号", D(2023, 4, 3), D(2023, 5, 10))
    problems.problem_set_state(
        actor=system_actor("test"), problem=closed, state=ProblemState.CLOSED, day=D(2023, 5, 18)
    )
    found("后来发现", D(2023, 5, 15), D(2023, 5, 17))
    on_time = found("按时提交销号", D(2023, 4, 3), D(2023, 5, 10))
    problems.problem_set_state(
        actor=system_actor("test"),
        problem=on_time,
        state=ProblemState.PENDING_REVIEW,
        day=D(2023, 5, 5),
    )
    found("未到期", D(2023, 4, 3), D(2023, 6, 30))
    return {"campaign": campaign, "office": reviewer}


# What the ledger said on each day: the problems past their deadline and not done.
RED = {
    EARLY: {"一直逾期", "延期获批", "后来销号"},  # the extension was approved on 5-15
    LATER: {"一直逾期", "后来发现"},  # closed on 5-18; found on 5-15, due 5-17
}


def _count(html: str) -> int:
    return int(re.search(r"共 (\d+) 条记录", html).group(1))


@pytest.mark.parametrize("day", [EARLY, LATER])
def test_the_overdue_figure_and_list_are_those_of_the_day(client, ledger, units, day):
    client.force_login(ledger["office"])
    url = reverse("dashboards:unit", args=[units["own"].pk])
    page = client.get(f"{url}?campaign={ledger['campaign'].pk}&as_of={day}")
    assert page.context["overdue_count"] == len(RED[day])
    assert {p.title for p in page.context["overdue"]} == RED[day]
    # the deadline as it stood: 5-10 before the extension to 6-30 was approved
    deadlines = {p.title: p.deadline_on_day for p in page.context["overdue"]}
    assert all(d == (D(2023, 5, 17) if t == "后来发现" else D(2023, 5, 10))
               for t, d in deadlines.items())  # fmt: skip
    html = page.content.decode()
    assert "当前" not in html and "红灯问题" not in html  # one figure, as of the date
    drill = client.get(page.context["overdue_url"])
    assert _count(drill.content.decode()) == len(RED[day])
    assert {r["text"] for r in drill.context["rows"]} == RED[day]


@pytest.mark.parametrize("day", [EARLY, LATER])
def test_the_state_chart_is_that_of_the_day(client, ledger, units, day):
    client.force_login(ledger["office"])
    url = reverse("dashboards:chart", args=[units["own"].pk, "state"])
    rows = client.get(f"{url}?campaign={ledger['campaign'].pk}&as_of={day}").json()["rows"]
    by_state = {r["key"]: r["value"] for r in rows}
    assert by_state.get("closed", 0) == (1 if day == LATER else 0)
    assert sum(by_state.values()) == (5 if day == EARLY else 6)


def test_light_as_of_reads_the_history(ledger):
    from shigan.problems.models import Problem

    histories = problem_histories(Problem.objects.values_list("pk", flat=True))
    by_title = {p.title: histories[p.pk] for p in Problem.objects.all()}
    assert light_as_of(by_title["后来发现"], EARLY) == ""  # not yet found
    assert light_as_of(by_title["后来销号"], LATER) == ""  # closed
    assert light_as_of(by_title["延期获批"], EARLY) == "red"
    assert light_as_of(by_title["延期获批"], LATER) == "green"
    assert light_as_of(by_title["按时提交销号"], LATER) == "green"  # the wait is the reviewer's
    # within five working days of its deadline with no progress reported: yellow
    assert light_as_of(by_title["未到期"], D(2023, 6, 26)) == "yellow"
