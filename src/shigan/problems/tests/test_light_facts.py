"""Issue 15 point 1: lights are facts. On random trees, holidays, deadlines, progress,
extensions, state changes and watch runs, the stored light, the light history and the light
facts of every subtree, now and as of past days, are those `light_as_of` computes from the
records; and the ledger's counts from the facts equal those counted from the records."""

import datetime
from collections import Counter

import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from shigan.accounts.system import system_actor
from shigan.core import calendar
from shigan.core.choices import HolidayKind
from shigan.core.errors import DomainError
from shigan.core.services import calendar_year_seed, holiday_set
from shigan.metrics.engine import metric_facts_compact
from shigan.metrics.models import MetricFact
from shigan.metrics.selectors import metric_records, metric_value
from shigan.orgs.choices import Role
from shigan.orgs.services import unit_create
from shigan.problems import services
from shigan.problems.choices import UNFINISHED_STATES, ProblemSource, ProblemState
from shigan.problems.ledger_counts import ledger_counts_from_facts
from shigan.problems.light_history import light_history_rebuild, lit_until
from shigan.problems.lights import light_as_of, problem_histories
from shigan.problems.metrics import GREEN, LIGHT_METRICS, OVERDUE, YELLOW
from shigan.problems.models import (
    DeadlineExtension,
    Problem,
    ProblemLightChange,
    ProblemTransition,
    ProgressReport,
)
from shigan.problems.selectors import ledger_counts
from shigan.problems.watch import problems_watch

pytestmark = pytest.mark.django_db

D = datetime.date
START = D(2023, 4, 3)
SPAN = 90  # days of records after START
LIGHT_OF = {GREEN.key: "green", YELLOW.key: "yellow", OVERDUE.key: "red"}


def _day(offset: int) -> datetime.date:
    return START + datetime.timedelta(days=offset)


# (kind, unit, found offset, deadline after found (days))
creates = st.tuples(st.just("create"), st.integers(0, 7), st.integers(0, 40), st.integers(1, 40))
ops = st.lists(
    st.one_of(
        creates,
        # (kind, problem, percent, report offset after found)
        st.tuples(st.just("progress"), st.integers(0, 20), st.integers(0, 100), st.integers(0, 40)),
        # (kind, problem, days the deadline moves, decided offset after found)
        st.tuples(st.just("extend"), st.integers(0, 20), st.integers(1, 30), st.integers(1, 45)),
        # (kind, problem, state, offset after found)
        st.tuples(
            st.just("state"),
            st.integers(0, 20),
            st.sampled_from([ProblemState.IN_PROGRESS, ProblemState.CLOSED, ProblemState.REOPENED]),
            st.integers(0, 45),
        ),
        # (kind, days after the latest record, _, _): the daily watch run for a past day — as
        # in life, for a day no record is dated after (records may be dated back later)
        st.tuples(st.just("watch"), st.integers(0, 20), st.just(0), st.just(0)),
    ),
    max_size=18,
)


@pytest.fixture
def people(units, make_user):
    calendar_year_seed(actor=system_actor("test"), year=2023)
    return {
        "clerk": make_user(Role.EDITOR, units["own"]),
        "reviewer": make_user(Role.ADMIN, units["region"]),
    }


def _tree(units, parents):
    root = unit_create(
        actor=system_actor("test"), parent=units["own"], name="随机树", kind="department"
    )
    tree = [root]
    for i, parent in enumerate(parents, start=1):
        tree.append(
            unit_create(
                actor=system_actor("test"),
                parent=tree[parent % len(tree)],
                name=f"单位{i}",
                kind="other",
            )
        )
    return tree


def _holidays(offsets):
    """Extra statutory holidays on weekdays (the light counts working days)."""
    for offset in offsets:
        day = _day(offset)
        if day.weekday() < 5:
            holiday_set(
                actor=system_actor("test"), date=day, kind=HolidayKind.HOLIDAY, name="随机假日"
            )


def _apply(op, tree, made, people):
    kind, a, b, c = op
    if kind == "create":
        found = _day(b)
        problem = services.problem_create(
            actor=system_actor("test"), unit=tree[a % len(tree)], title="问题", found_on=found,
            source=ProblemSource.SELF_INSPECTION, deadline=found + datetime.timedelta(days=c),
        )  # fmt: skip
        made.append(problem.pk)
        return
    if kind == "watch":
        problems_watch(max(_records_end(made), START) + datetime.timedelta(days=a))
        return
    if not made:
        return
    problem = Problem.objects.get(pk=made[a % len(made)])
    on = problem.found_on + datetime.timedelta(days=c)
    if kind == "progress":
        services.progress_report_add(
            actor=people["clerk"], problem=problem, text="进展", percent=b, reported_on=on
        )
    elif kind == "extend":
        extension = services.extension_request(
            actor=people["clerk"], problem=problem, reason="需协调",
            new_deadline=problem.watched_deadline + datetime.timedelta(days=b),
            requested_on=on - datetime.timedelta(days=1),
        )  # fmt: skip
        services.extension_decide(
            actor=people["reviewer"], extension=extension, approve=True, decided_on=on
        )
    elif problem.state != b:
        services.problem_set_state(actor=system_actor("test"), problem=problem, state=b, day=on)


def _records_end(made) -> datetime.date:
    """The latest day any record of the problems `made` is dated."""
    days = [
        *Problem.objects.filter(pk__in=made).values_list("found_on", flat=True),
        *ProblemTransition.objects.filter(problem__in=made).values_list("day", flat=True),
        *ProgressReport.objects.filter(problem__in=made).values_list("reported_on", flat=True),
        *DeadlineExtension.objects.filter(problem__in=made).values_list("decided_on", flat=True),
    ]
    return max((d for d in days if d is not None), default=START)


def _expected(problems, histories, day) -> dict[int, str]:
    """Each problem's light on `day`: from the records before the day its stored light was lit,
    the stored light from then (the watch looks once a day; between looks the light is kept)."""
    out = {}
    for p in problems:
        history = histories[p.pk]
        lit_on = lit_until(p.light_on, p.light_checked_on, history)
        out[p.pk] = light_as_of(history, day) if day < lit_on else _stored(p)
    return out


def _stored(problem) -> str:
    return problem.light if problem.state in UNFINISHED_STATES else ""


def _check(tree, made):
    problems = list(Problem.objects.filter(pk__in=made).select_related("unit"))
    histories = problem_histories([p.pk for p in problems])
    today = datetime.date.today()
    for p in problems:  # the stored light is the records' light of the day it was lit
        if p.state not in (ProblemState.PENDING_REVIEW, ProblemState.CLOSED):
            lit_on = lit_until(p.light_on, p.light_checked_on, histories[p.pk])
            assert p.light == light_as_of(histories[p.pk], lit_on), (p.pk, p.light_on)
        latest = ProblemLightChange.objects.filter(problem=p).order_by("-day", "-pk").first()
        assert (latest.to_light if latest else "") == _stored(p)
    days = sorted({_day(o) for o in range(0, SPAN + 60, 9)} | {today})
    for day in [*days, None]:
        expected = _expected(problems, histories, day or today)
        for unit in tree:
            inside = [p for p in problems if p.unit.path.startswith(unit.path)]
            for metric in LIGHT_METRICS:
                want = sum(1 for p in inside if expected[p.pk] == LIGHT_OF[metric.key])
                assert (
                    metric_value(metric, unit=unit, as_of=day, user=system_actor("test")) == want
                ), (metric.key, unit, day)
                if day is not None and unit is tree[0]:
                    listed = metric_records(metric, unit=unit, as_of=day, user=system_actor("test"))
                    assert {p.pk for p in listed} == {
                        p.pk for p in inside if expected[p.pk] == LIGHT_OF[metric.key]
                    }
    for light in ("green", "yellow", "red"):
        seen = ProblemLightChange.objects.filter(problem__in=made, to_light=light).exists()
        event(f"{light} in a history: {seen}")
    root = tree[0]
    records = Problem.objects.filter(unit__path__startswith=root.path)
    assert ledger_counts_from_facts(unit=root) == ledger_counts(records)


@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    parents=st.lists(st.integers(0, 10), max_size=5),
    holidays=st.lists(st.integers(0, SPAN + 30), max_size=4),
    first=st.lists(creates, min_size=1, max_size=4),
    operations=ops,
)
def test_light_facts_are_the_lights_of_the_records(
    units, people, parents, holidays, first, operations
):
    try:
        with transaction.atomic():
            _holidays(holidays)
            tree, made = _tree(units, parents), []
            for op in first + operations:
                try:
                    with transaction.atomic():
                        _apply(op, tree, made, people)
                except DomainError:
                    continue
            _check(tree, made)
            # Rebuilding from the records (the migration's step) changes nothing.
            facts = _facts()
            light_history_rebuild(actor=system_actor("test"))
            assert _facts() == facts
            # Merging the appended rows keeps every sum and leaves one row per key.
            metric_facts_compact(before=D(2100, 1, 1))
            assert _facts() == facts
            assert MetricFact.objects.count() == len(set(MetricFact.objects.values_list(*_KEY)))
            transaction.set_rollback(True)
    finally:
        calendar.clear_cache()  # the rolled-back holidays must not stay in the cache


_KEY = ("metric", "unit_id", "campaign_id", "day", "dim", "value")


def _facts() -> dict:
    rows = MetricFact.objects.filter(metric__in=[m.key for m in LIGHT_METRICS]).values_list(
        "metric", "unit_id", "campaign_id", "day", "dim", "value", "delta"
    )
    totals = Counter()
    for *key, delta in rows:  # rows are appended: several may hold one day's changes
        totals[tuple(key)] += delta
    return +totals
