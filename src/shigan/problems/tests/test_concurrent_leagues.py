"""Issue 15 point 4: writes in different leagues do not queue behind each other, and the audit
trail still verifies, gap-free, after they ran at once.

Eight threads, each a clerk of its own league, each on its own PostgreSQL connection, run a
real service (a progress report, a measure or a close-out) and then wait at a barrier *inside*
their still-open transaction. If any row were taken by every write until commit (the audit
chain's head, a data version of the province), the second writer would wait on it, never reach
the barrier, and the barrier would time out: the test fails on a broken barrier, not on a
timing. Each league's problem was found, and each writer writes, on a day of its own: the
metric facts keep a row per province, metric and day that writes of the same day share (a
separate matter, see metrics/engine.py), which is not what is measured here.

SQLite serialises every writer by design (one write transaction at a time), so the barrier part
runs on PostgreSQL only. The tree is built here: a transactional test may run after another
one flushed the division tree.
"""

import contextlib
import datetime
import threading

import pytest
from django.db import close_old_connections, connection, transaction

from shigan.accounts.services import user_create
from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry, AuditHead
from shigan.audit.selectors import audit_verify
from shigan.core.models import DataVersion
from shigan.orgs.choices import Role, UnitKind
from shigan.orgs.services import membership_grant, unit_create
from shigan.problems import services
from shigan.problems.tests.conftest import pdf, unfinished
from shigan.problems.versions import problems_subtree_token

pytestmark = pytest.mark.django_db(transaction=True)

D = datetime.date
WRITERS = 8


@pytest.fixture
def leagues(settings):
    """A province with eight leagues, a banner each, its clerk and an open problem."""
    settings.SHIGAN_AUDIT_CHECKPOINT_EVERY = 3
    region = unit_create(
        actor=system_actor("test"), parent=None, name="并发区", kind=UnitKind.PROVINCE
    )
    found = []
    for n in range(WRITERS):
        league = unit_create(
            actor=system_actor("test"), parent=region, name=f"第{n}盟", kind=UnitKind.PREFECTURE
        )
        banner = unit_create(
            actor=system_actor("test"), parent=league, name=f"第{n}旗", kind=UnitKind.COUNTY
        )
        clerk = user_create(
            actor=system_actor("test"), username=f"clerk{n}", password="correct-horse-battery-1"
        )
        membership_grant(actor=system_actor("test"), user=clerk, unit=banner, role=Role.EDITOR)
        problem = services.problem_create(
            actor=clerk,
            unit=banner,
            title=f"第{n}个问题",
            source="self_inspection",
            found_on=D(2023, 5, 1) + datetime.timedelta(days=n),
            first_measure={"text": "整改"},
        )
        found.append((clerk, problem))
    return region, found


def write(n: int, clerk, problem, day: datetime.date) -> None:
    """One real write of the kind the clerk's number picks."""
    kind = n % 3
    if kind == 0:
        services.progress_report_add(
            actor=clerk, problem=problem, text="进展", percent=40, reported_on=day
        )
    elif kind == 1:
        services.measure_add(actor=clerk, problem=problem, text="新措施", added_on=day)
    else:
        services.closeout_submit(
            actor=clerk,
            problem=problem,
            finish=unfinished(problem),
            summary="完成",
            submitted_on=day,
            files=[pdf()],
        )


def run_at_once(found, body) -> dict:
    """Run `body` for every clerk in a thread of its own. The in-memory SQLite test database
    fails a second writer at once instead of waiting, so there the calls take turns."""
    outcomes: dict[int, object] = {}
    gate = threading.Lock() if connection.vendor == "sqlite" else contextlib.nullcontext()

    def run(n, clerk, problem):
        close_old_connections()
        try:
            with gate:
                body(n, clerk, problem)
            outcomes[n] = "ok"
        except Exception as error:  # shown in the assertion below
            outcomes[n] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, *pair)) for n, pair in enumerate(found)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    return outcomes


def test_eight_leagues_hold_their_write_transactions_open_at_once(leagues):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time by design")
    region, found = leagues
    before = problems_subtree_token(region.path)
    # A writer queued on a lock never arrives (PostgreSQL waits on a row lock without end); the
    # timeout is generous because eight writes on a loaded two-core machine can take a while.
    barrier = threading.Barrier(WRITERS, timeout=120)

    def held_open(n, clerk, problem):
        with transaction.atomic():
            write(n, clerk, problem, D(2023, 6, 1) + datetime.timedelta(days=n))
            barrier.wait()  # every writer is here with its transaction still open

    outcomes = run_at_once(found, held_open)
    assert outcomes == {n: "ok" for n in range(WRITERS)}, outcomes
    # Each open transaction appended to a chain of its own.
    assert AuditHead.objects.count() >= WRITERS
    # The province's ledger sees the writes of its leagues.
    assert problems_subtree_token(region.path) != before


def test_the_trail_verifies_without_a_gap_after_a_concurrent_run(leagues):
    region, found = leagues
    rounds = 4

    def many(n, clerk, problem):
        for r in range(rounds):
            kind_day = D(2023, 6, 1) + datetime.timedelta(days=n * rounds + r)
            services.progress_report_add(
                actor=clerk, problem=problem, text=f"进展{r}", percent=10 * r, reported_on=kind_day
            )

    outcomes = run_at_once(found, many)
    assert outcomes == {n: "ok" for n in range(WRITERS)}, outcomes
    result = audit_verify()
    assert result.ok, result
    # Gap-free: every entry is counted by exactly one chain, each numbered 1..its head.
    heads = list(AuditHead.objects.all())
    assert result.checked == AuditEntry.objects.count() == sum(h.seq for h in heads)
    assert AuditEntry.objects.filter(action="problems.progress.reported").count() >= 32
    # No data version of the province's own level was taken by the leagues' writes.
    top = DataVersion.objects.filter(key="problems.top:" + region.path)
    assert not top.exists()
