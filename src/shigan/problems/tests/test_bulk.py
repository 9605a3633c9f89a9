"""The bulk services write what the one-by-one services write: rows, transitions, audit
entries and metric facts; a refused draft refuses the whole batch."""

import datetime
from collections import Counter

import pytest

from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry
from shigan.core.errors import DomainError
from shigan.metrics.engine import metric_rebuild
from shigan.metrics.models import MetricFact
from shigan.metrics.registry import METRICS
from shigan.metrics.selectors import metric_value
from shigan.orgs.choices import Role
from shigan.problems import services
from shigan.problems.choices import ProblemState
from shigan.problems.models import Measure, Problem, ProblemTransition

pytestmark = pytest.mark.django_db

D = datetime.date


def facts():
    rows = MetricFact.objects.filter(metric__startswith="problems.").values_list(
        "metric", "campaign_id", "unit_id", "day", "dim", "value", "delta"
    )
    totals = Counter()
    for metric, campaign, unit, day, dim, value, delta in rows:
        totals[(metric, campaign, unit, day, dim, value)] += delta
    return +totals


def test_bulk_create_matches_the_services_and_a_rebuild(units, campaign, aspect, editor, calendar):
    drafts = [
        services.ProblemDraft(
            unit=units["own"],
            campaign=campaign,
            aspect=aspect,
            title=f"问题{i}",
            source="self_inspection" if i % 2 else "research",
            found_on=D(2023, 5, 4),
            deadline_workdays=5 if i == 0 else None,
            first_measure={"text": f"措施{i}", "added_on": D(2023, 5, 6)} if i < 2 else None,
        )
        for i in range(4)
    ]
    ids = services.problem_bulk_create(actor=editor, drafts=drafts)
    problems = {p.pk: p for p in Problem.objects.filter(pk__in=ids)}
    assert [problems[pk].title for pk in ids] == ["问题0", "问题1", "问题2", "问题3"]
    # 5 working days after 05-04: 05-05, Saturday 05-06 (a May Day make-up day), 05-08 … 05-10
    assert problems[ids[0]].deadline == D(2023, 5, 10)
    assert [problems[pk].state for pk in ids] == ["in_progress", "in_progress", "open", "open"]
    assert list(
        ProblemTransition.objects.filter(problem_id=ids[0])
        .order_by("pk")
        .values_list("to_state", "day")
    ) == [("open", D(2023, 5, 4)), ("in_progress", D(2023, 5, 6))]
    assert Measure.objects.filter(problem_id__in=ids).count() == 2
    assert AuditEntry.objects.filter(action="problems.problem.created").count() == 4
    assert AuditEntry.objects.filter(action="problems.measure.added").count() == 2
    assert AuditEntry.objects.filter(action="problems.problem.state_changed").count() == 2
    league = dict(unit=units["parent"], campaign=campaign)
    assert metric_value("problems.found", **league, user=system_actor("test")) == 4
    assert (
        metric_value("problems.self_inspection_measures", **league, user=system_actor("test")) == 1
    )
    assert (
        metric_value("problems.found", state="in_progress", **league, user=system_actor("test"))
        == 2
    )
    kept = facts()
    for key, metric in METRICS.items():
        if key.startswith("problems."):
            metric_rebuild(metric)
    assert facts() == kept


def test_one_bad_draft_refuses_the_batch(units, campaign, editor):
    drafts = [
        services.ProblemDraft(
            unit=units["own"], title="好", source="research", found_on=D(2023, 5, 4)
        ),
        services.ProblemDraft(
            unit=units["own"], title=" ", source="research", found_on=D(2023, 5, 4)
        ),
        services.ProblemDraft(
            unit=units["sibling"], title="别处", source="research", found_on=D(2023, 5, 4)
        ),
    ]
    with pytest.raises(DomainError) as exc:
        services.problem_bulk_create(actor=editor, drafts=drafts)
    assert {i: e.code for i, e in exc.value.errors.items()} == {1: "title_required", 2: "forbidden"}
    assert (
        not Problem.objects.exists()
        and not AuditEntry.objects.filter(action="problems.problem.created").exists()
    )


def test_measure_bulk_add_starts_open_problems(problem, editor, units, make_user):
    started = services.problem_create(
        actor=editor,
        unit=units["own"],
        title="已在整改",
        source="research",
        found_on=D(2023, 5, 4),
        first_measure={"text": "措施"},
    )
    ids = services.measure_bulk_add(
        actor=editor,
        drafts=[
            services.MeasureDraft(problem=problem, text="措施一", added_on=D(2023, 5, 8)),
            services.MeasureDraft(problem=problem, text="措施二", added_on=D(2023, 5, 7)),
            services.MeasureDraft(problem=started, text="措施三", added_on=D(2023, 5, 9)),
        ],
    )
    assert len(ids) == 3
    problem.refresh_from_db()
    assert problem.state == ProblemState.IN_PROGRESS
    assert list(problem.transitions.order_by("pk").values_list("to_state", "day")) == [
        ("open", D(2023, 5, 4)),
        ("in_progress", D(2023, 5, 8)),
    ]
    assert started.transitions.count() == 2  # already in progress: no new transition
    outsider = make_user(Role.EDITOR, units["sibling"])
    with pytest.raises(DomainError) as exc:
        services.measure_bulk_add(
            actor=outsider,
            drafts=[services.MeasureDraft(problem=problem, text="x", added_on=D(2023, 5, 9))],
        )
    assert exc.value.errors[0].code == "forbidden"
    assert Measure.objects.count() == 4
