"""Two reviewers decide the same close-out at the same moment: exactly one decision is kept,
the other reviewer is told in Chinese that it was already decided, and nothing is lost.

Real threads, each on its own database connection, committing for real (a transactional test).
On PostgreSQL the second `SELECT … FOR UPDATE` waits for the first transaction, then sees the
decided close-out. A SQLite file database serialises the two write transactions (BEGIN
IMMEDIATE waits out the busy timeout) to the same effect; the in-memory test database fails a
second writer at once ("table is locked") instead of waiting, so there the test serialises the
two calls itself and checks the same outcome. The tree is built here: a transactional test may
run after another one flushed the division tree.
"""

import contextlib
import datetime
import threading

import pytest
from django.db import close_old_connections, connection

from shigan.accounts.services import user_create
from shigan.accounts.system import system_actor
from shigan.core.errors import DomainError
from shigan.orgs.choices import Role, UnitKind
from shigan.orgs.services import membership_grant, unit_create
from shigan.problems import services
from shigan.problems.choices import CloseOutState, ProblemState
from shigan.problems.models import CloseOut, Problem, ProblemTransition
from shigan.problems.tests.conftest import pdf, unfinished

pytestmark = pytest.mark.django_db(transaction=True)

D = datetime.date


@pytest.fixture
def pending():
    region = unit_create(
        actor=system_actor("test"), parent=None, name="并发测试区", kind=UnitKind.PROVINCE
    )
    league = unit_create(
        actor=system_actor("test"), parent=region, name="并发测试盟", kind=UnitKind.PREFECTURE
    )
    banner = unit_create(
        actor=system_actor("test"), parent=league, name="并发测试旗", kind=UnitKind.COUNTY
    )
    editor = user_create(
        actor=system_actor("test"), username="c-editor", password="correct-horse-battery-1"
    )
    membership_grant(actor=system_actor("test"), user=editor, unit=banner, role=Role.EDITOR)
    reviewers = []
    for name, unit in (("c-league", league), ("c-region", region)):
        user = user_create(
            actor=system_actor("test"), username=name, password="correct-horse-battery-1"
        )
        membership_grant(actor=system_actor("test"), user=user, unit=unit, role=Role.LEADER)
        reviewers.append(user)
    problem = services.problem_create(
        actor=editor,
        unit=banner,
        title="并发审核",
        source="self_inspection",
        found_on=D(2023, 5, 4),
        first_measure={"text": "整改"},
    )
    closeout = services.closeout_submit(
        actor=editor,
        problem=problem,
        finish=unfinished(problem),
        summary="完成",
        submitted_on=D(2023, 6, 1),
        files=[pdf()],
    )
    return closeout, reviewers


def decide_at_once(closeout, reviewers, verdicts):
    barrier = threading.Barrier(len(reviewers))
    outcomes: dict[str, object] = {}
    gate = threading.Lock() if connection.vendor == "sqlite" else contextlib.nullcontext()

    def run(reviewer, accept):
        close_old_connections()
        try:
            stale = CloseOut.objects.get(pk=closeout.pk)  # both read it while still pending
            barrier.wait()
            with gate:
                services.closeout_decide(
                    actor=reviewer,
                    closeout=stale,
                    accept=accept,
                    decided_on=D(2023, 6, 2),
                    reason="" if accept else "材料不足",
                )
            outcomes[reviewer.username] = "won"
        except DomainError as error:
            outcomes[reviewer.username] = error
        except Exception as error:  # anything else fails the test below, visibly
            outcomes[reviewer.username] = repr(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(r, v)) for r, v in zip(reviewers, verdicts, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


@pytest.mark.parametrize("verdicts", [(True, False), (False, True), (True, True)])
def test_two_reviewers_at_once_exactly_one_wins(pending, verdicts):
    closeout, reviewers = pending
    outcomes = decide_at_once(closeout, reviewers, verdicts)
    winners = [name for name, o in outcomes.items() if o == "won"]
    losers = [o for o in outcomes.values() if o != "won"]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert losers[0].code == "already_decided"
    assert "已由" in losers[0].message and winners[0] in losers[0].message
    closeout.refresh_from_db()
    assert closeout.decided_by.username == winners[0]
    accepted = dict(zip([r.username for r in reviewers], verdicts, strict=True))[winners[0]]
    problem = Problem.objects.get(pk=closeout.problem_id)
    expected = ProblemState.CLOSED if accepted else ProblemState.REOPENED
    assert problem.state == expected
    assert closeout.state == (CloseOutState.ACCEPTED if accepted else CloseOutState.REJECTED)
    # One decision, one transition: no lost or doubled update.
    decided = ProblemTransition.objects.filter(problem=problem, from_state="pending_review")
    assert list(decided.values_list("to_state", flat=True)) == [expected]
