"""Carrying problems over into the next campaign (issue 19, point 5): the carried problem keeps
its history and its link, the new campaign counts it only from the carry-over day, and the old
campaign's figures do not change, before or after that day."""

import datetime

import pytest
from django.db.models import Sum

from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry
from shigan.campaigns import services as campaigns
from shigan.metrics.engine import metric_rebuild
from shigan.metrics.models import MetricFact
from shigan.metrics.registry import METRICS
from shigan.metrics.selectors import metric_by, metric_records, metric_value
from shigan.problems import services
from shigan.problems.carryover import (
    carry_over_candidates,
    problem_carry_over,
    problem_lineage,
    problems_carry_over,
)
from shigan.problems.models import Problem
from shigan.problems.services import ProblemError
from shigan.problems.tests.carryover.conftest import CARRIED_ON, D
from shigan.problems.watch import problems_watch

pytestmark = pytest.mark.django_db

# Figures of a problem campaign, each read as of a date.
FIGURES = (
    "problems.found",
    "problems.closed",
    "problems.measures",
    "problems.self_inspection",
    "problems.self_inspection_measures",
    "problems.overdue",
    "problems.carried_in",
)
SPLITS = (("problems.found", "state"), ("problems.found", "light"), ("problems.found", "aspect"))
DAYS = (D(2023, 5, 1), D(2023, 6, 7), D(2023, 12, 29), CARRIED_ON, D(2024, 6, 28), D(2026, 1, 5))


def _figures(campaign, unit) -> dict:
    values = {
        (key, day): metric_value(
            key, unit=unit, campaign=campaign, as_of=day, user=system_actor("test")
        )
        for key in FIGURES
        for day in DAYS
    }
    values.update(
        {
            (key, dim, day): metric_by(
                dim, key, unit=unit, campaign=campaign, as_of=day, user=system_actor("test")
            )
            for key, dim in SPLITS
            for day in DAYS
        }
    )
    return values


def test_campaign_start_copies_the_aspects_and_links_the_previous(old, new):
    assert new.previous == old["campaign"]
    assert list(new.aspects.values_list("kind", "name")) == [("problem", "作风建设")]
    assert AuditEntry.objects.filter(action="campaigns.campaign.started", target_id=new.pk)


def test_campaign_start_can_set_aspects_anew(units, old, office):
    fresh = campaigns.campaign_start(
        actor=office,
        name="2024年党纪学习教育",
        root_unit=units["region"],
        starts_on=D(2024, 4, 1),
        previous=old["campaign"],
        copy_aspects=False,
    )
    assert not fresh.aspects.exists()


def test_candidates_are_the_unfinished_and_long_term_problems(units, old, new, office):
    found = carry_over_candidates(user=office, campaign=new, source=old["campaign"])
    assert set(found) == {old["slow"], old["lasting"]}
    only = carry_over_candidates(
        user=office, campaign=new, source=old["campaign"], unit=units["sibling"]
    )
    assert not only.exists()


def test_the_carried_problem_keeps_its_history_and_link(old, new, office, units):
    slow = old["slow"]
    carried = problem_carry_over(actor=office, problem=slow, campaign=new, day=CARRIED_ON)
    assert carried.campaign == new and carried.carried_from == slow
    assert carried.carried_on == CARRIED_ON and slow.carried_to == carried
    # State, progress, deadline, responsible unit and the aspect of the same name go with it.
    assert (carried.state, carried.progress_percent, carried.deadline) == (
        "in_progress",
        40,
        D(2023, 6, 1),
    )
    assert carried.aspect.campaign == new and carried.aspect.name == "作风建设"
    assert carried.light == "red" and carried.light_on == CARRIED_ON  # still overdue
    # Its unfinished measure continues, linked; the finished one stays in the history.
    (measure,) = carried.measures.all()
    assert measure.text == "一网通办" and measure.carried_from.problem == slow
    assert measure.added_on == CARRIED_ON and measure.state == "planned"
    # It entered the new ledger on the carry-over day, saying where from.
    (entry,) = carried.transitions.all()
    assert (entry.from_state, entry.to_state, entry.day) == ("", "in_progress", CARRIED_ON)
    assert "主题教育" in entry.comment
    # The whole history is one link away, both ways.
    assert problem_lineage(user=office, problem=carried) == [slow, carried]
    assert problem_lineage(user=office, problem=slow) == [slow, carried]
    assert [t.to_state for t in slow.transitions.all()] == ["open", "in_progress"]
    assert slow.reports.get().percent == 40
    assert AuditEntry.objects.filter(
        action="problems.problem.carried_over", target_id=carried.pk
    ).exists()


def test_counted_in_the_new_campaign_only_from_the_carry_over_day(old, new, office, units):
    problems_carry_over(
        actor=office, problems=[old["slow"], old["lasting"]], campaign=new, day=CARRIED_ON
    )
    region = units["region"]
    before = CARRIED_ON - datetime.timedelta(days=1)
    for key in ("problems.found", "problems.self_inspection", "problems.carried_in"):
        assert (
            metric_value(key, unit=region, campaign=new, as_of=before, user=system_actor("test"))
            == 0
        )
        assert (
            metric_value(
                key, unit=region, campaign=new, as_of=CARRIED_ON, user=system_actor("test")
            )
            == 2
        )
        assert (
            metric_records(
                key, unit=region, campaign=new, as_of=before, user=system_actor("test")
            ).count()
            == 0
        )
        assert (
            metric_records(
                key, unit=region, campaign=new, as_of=CARRIED_ON, user=system_actor("test")
            ).count()
            == 2
        )
    # The measures carried on (one unfinished each) also count from that day only.
    assert (
        metric_value(
            "problems.measures", unit=region, campaign=new, as_of=before, user=system_actor("test")
        )
        == 0
    )
    assert (
        metric_value(
            "problems.measures",
            unit=region,
            campaign=new,
            as_of=CARRIED_ON,
            user=system_actor("test"),
        )
        == 2
    )
    assert (
        metric_value(
            "problems.overdue", unit=region, campaign=new, as_of=before, user=system_actor("test")
        )
        == 0
    )
    assert (
        metric_value(
            "problems.overdue",
            unit=region,
            campaign=new,
            as_of=CARRIED_ON,
            user=system_actor("test"),
        )
        == 1
    )


def _fact_sums() -> set:
    """Each fact key with its sum (rows are appended: one day's changes may be several)."""
    keys = ("metric", "campaign_id", "unit_id", "day", "dim", "value")
    rows = MetricFact.objects.values(*keys).annotate(n=Sum("delta")).exclude(n=0)
    return set(rows.values_list(*keys, "n"))


def test_the_old_campaign_figures_do_not_change_at_any_date(old, new, office, units):
    """Before and after the carry-over day alike: the old campaign keeps the problems as they
    stood that day (not closed there, not counted twice), and no fact of it is written."""
    region, old_campaign = units["region"], old["campaign"]
    before = _figures(old_campaign, region)
    facts = set(MetricFact.objects.filter(campaign_id=old_campaign.pk).values_list())
    carried = problems_carry_over(
        actor=office, problems=[old["slow"], old["lasting"]], campaign=new, day=CARRIED_ON
    )
    # The carried problems go on in the new campaign …
    services.progress_report_add(
        actor=office, problem=carried[0], text="全面推行", percent=80, reported_on=D(2024, 5, 6)
    )
    problems_watch(today=D(2024, 6, 28))
    # … and the old campaign's figures are those it had, at every date.
    assert _figures(old_campaign, region) == before
    assert set(MetricFact.objects.filter(campaign_id=old_campaign.pk).values_list()) == facts
    old["slow"].refresh_from_db()
    assert (old["slow"].state, old["slow"].progress_percent) == ("in_progress", 40)
    # And the facts the services kept are those a rebuild from the records gives.
    kept = _fact_sums()
    for key in FIGURES:
        metric_rebuild(METRICS[key])
    rebuilt = _fact_sums()
    assert {f for f in kept if f[0] in FIGURES} == {f for f in rebuilt if f[0] in FIGURES}


def test_the_original_takes_no_more_writes(old, new, office, editor):
    slow = old["slow"]
    problem_carry_over(actor=office, problem=slow, campaign=new, day=CARRIED_ON)
    with pytest.raises(ProblemError) as error:
        services.progress_report_add(
            actor=editor, problem=slow, text="继续", percent=50, reported_on=D(2024, 5, 6)
        )
    assert error.value.code == "carried_over"
    slow.refresh_from_db()
    assert slow.progress_percent == 40


@pytest.mark.parametrize(
    ("which", "code"),
    [("closed", "closed"), ("twice", "already_carried"), ("early", "day_too_early")],
)
def test_refusals_change_nothing(old, new, office, which, code):
    problem, day = old["slow"], CARRIED_ON
    if which == "closed":
        problem = old["closed"]
    elif which == "twice":
        problem_carry_over(actor=office, problem=problem, campaign=new, day=day)
    else:
        day = D(2024, 3, 29)
    count = Problem.objects.count()
    with pytest.raises(ProblemError) as error:
        problems_carry_over(actor=office, problems=[old["lasting"], problem], campaign=new, day=day)
    assert error.value.code == code
    assert Problem.objects.count() == count
    assert not Problem.objects.filter(carried_from=old["lasting"]).exists()


def test_only_the_office_carries_over(old, new, editor):
    with pytest.raises(ProblemError) as error:
        problem_carry_over(actor=editor, problem=old["slow"], campaign=new, day=CARRIED_ON)
    assert error.value.code == "forbidden"


def test_a_long_term_problem_carries_its_new_checkpoint(old, new, office):
    carried = problem_carry_over(
        actor=office, problem=old["lasting"], campaign=new, day=CARRIED_ON, deadline=D(2024, 7, 1)
    )
    assert carried.term == "long_term" and carried.next_checkpoint == D(2024, 7, 1)
    assert carried.light == "green"
