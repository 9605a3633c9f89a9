"""Issue 15: light facts stay consistent with the records under concurrent writes.

Four writers, each on its own database connection and in its own banner (two leagues), record
problems, report progress, have deadlines extended and close problems at the same time, while
the daily watch runs over all of them (for days after the records, as in life); every
transaction commits for real. Afterwards every
unit's light facts — now and as of past days — equal the lights the records give, and building
the facts again from the records changes nothing. PostgreSQL only: SQLite serialises every
write transaction, so there is nothing concurrent to check.
"""

import datetime
import threading
from collections import Counter

import pytest
from django.db import close_old_connections, connection, transaction

from shigan.accounts.services import user_create
from shigan.accounts.system import system_actor
from shigan.core.services import calendar_year_seed
from shigan.metrics.models import MetricFact
from shigan.metrics.selectors import metric_value
from shigan.orgs.choices import Role, UnitKind
from shigan.orgs.models import Unit
from shigan.orgs.services import membership_grant, unit_create
from shigan.problems import services
from shigan.problems.choices import UNFINISHED_STATES, ProblemSource, ProblemState
from shigan.problems.light_history import light_history_rebuild, lit_until
from shigan.problems.lights import light_as_of, problem_histories
from shigan.problems.metrics import GREEN, LIGHT_METRICS, OVERDUE, YELLOW
from shigan.problems.models import Problem
from shigan.problems.watch import problems_watch

pytestmark = pytest.mark.django_db(transaction=True)

D = datetime.date
START = D(2023, 4, 3)
LIGHT_OF = {GREEN.key: "green", YELLOW.key: "yellow", OVERDUE.key: "red"}
WRITERS = 4
PROBLEMS_EACH = 6


@pytest.fixture
def tree():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises write transactions, nothing concurrent")
    calendar_year_seed(actor=system_actor("test"), year=2023)
    region = unit_create(
        actor=system_actor("test"), parent=None, name="亮灯并发区", kind=UnitKind.PROVINCE
    )
    reviewer = user_create(
        actor=system_actor("test"), username="l-reviewer", password="correct-horse-battery-1"
    )
    membership_grant(actor=system_actor("test"), user=reviewer, unit=region, role=Role.ADMIN)
    leagues = [
        unit_create(
            actor=system_actor("test"), parent=region, name=f"亮灯盟{i}", kind=UnitKind.PREFECTURE
        )
        for i in range(2)
    ]
    banners = []
    for i in range(WRITERS):
        banner = unit_create(
            actor=system_actor("test"),
            parent=leagues[i % 2],
            name=f"亮灯旗{i}",
            kind=UnitKind.COUNTY,
        )
        clerk = user_create(
            actor=system_actor("test"), username=f"l-clerk{i}", password="correct-horse-battery-1"
        )
        membership_grant(actor=system_actor("test"), user=clerk, unit=banner, role=Role.EDITOR)
        banners.append((banner, clerk))
    return region, reviewer, banners


def _write(banner, clerk, reviewer, i: int) -> None:
    """One writer's day: problems found, progress, an extension, a close."""
    for n in range(PROBLEMS_EACH):
        found = START + datetime.timedelta(days=n * 3 + i)
        problem = services.problem_create(
            actor=system_actor("test"), unit=banner, title=f"并发问题{i}-{n}", found_on=found,
            source=ProblemSource.SELF_INSPECTION, deadline=found + datetime.timedelta(days=20),
        )  # fmt: skip
        on = found + datetime.timedelta(days=12)
        services.progress_report_add(
            actor=clerk, problem=problem, text="进展", percent=20 * (n % 5), reported_on=on
        )
        if n % 3 == 1:
            extension = services.extension_request(
                actor=clerk, problem=problem, reason="需协调", requested_on=on,
                new_deadline=problem.watched_deadline + datetime.timedelta(days=15),
            )  # fmt: skip
            services.extension_decide(
                actor=reviewer, extension=extension, approve=True, decided_on=on
            )
        if n % 3 == 2:
            services.problem_set_state(
                actor=system_actor("test"), problem=problem, state=ProblemState.CLOSED,
                day=on + datetime.timedelta(days=5),
            )  # fmt: skip


def _run_at_once(jobs) -> list:
    barrier, errors = threading.Barrier(len(jobs)), []

    def run(job):
        close_old_connections()
        try:
            barrier.wait()
            job()
        except Exception as exc:  # noqa: BLE001 — reported by the test, not swallowed
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return errors


def _light_facts() -> dict:
    rows = MetricFact.objects.filter(metric__in=[m.key for m in LIGHT_METRICS]).values_list(
        "metric", "unit_id", "campaign_id", "day", "dim", "value", "delta"
    )
    totals = Counter()
    for *key, delta in rows:  # rows are appended: several may hold one day's changes
        totals[tuple(key)] += delta
    return +totals


def test_concurrent_writes_keep_light_facts_consistent(tree):
    region, reviewer, banners = tree
    jobs = [(lambda b=b, c=c, i=i: _write(b, c, reviewer, i)) for i, (b, c) in enumerate(banners)]
    jobs += [lambda d=d: problems_watch(START + datetime.timedelta(days=d)) for d in (60, 75)]
    errors = _run_at_once(jobs)
    assert not errors, errors
    close_old_connections()

    problems = list(Problem.objects.filter(unit__path__startswith=region.path))
    assert len(problems) == WRITERS * PROBLEMS_EACH
    histories = problem_histories([p.pk for p in problems])
    units = list(Unit.objects.filter(path__startswith=region.path))
    paths = {p.pk: Unit.objects.get(pk=p.unit_id).path for p in problems}
    today = datetime.date.today()
    for day in [START + datetime.timedelta(days=d) for d in range(0, 80, 6)] + [None]:
        expected = {}
        for p in problems:
            lit_on = lit_until(p.light_on, p.light_checked_on, histories[p.pk])
            on = day or today
            stored = p.light if p.state in UNFINISHED_STATES else ""
            expected[p.pk] = light_as_of(histories[p.pk], on) if on < lit_on else stored
        for unit in units:
            for metric in LIGHT_METRICS:
                want = sum(
                    1
                    for p in problems
                    if paths[p.pk].startswith(unit.path) and expected[p.pk] == LIGHT_OF[metric.key]
                )
                assert (
                    metric_value(metric, unit=unit, as_of=day, user=system_actor("test")) == want
                ), (metric.key, unit, day)
    facts = _light_facts()
    with transaction.atomic():
        light_history_rebuild(actor=system_actor("test"))
        assert _light_facts() == facts
        transaction.set_rollback(True)
