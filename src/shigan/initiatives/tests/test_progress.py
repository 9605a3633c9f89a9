"""Progress is derived from the timetable: weights, a missing date, a done-late milestone, and
the roll-up across a unit's key tasks."""

import datetime

import pytest

from shigan.accounts.system import system_actor
from shigan.initiatives import selectors
from shigan.initiatives.models import Milestone
from shigan.initiatives.progress import Progress, milestone_progress, rollup
from shigan.initiatives.services import milestones

D = datetime.date
ON = D(2023, 6, 7)


def m(weight=1, due=None, done=None):
    return Milestone(
        title="节点", weight=weight, due_on=due, state="done" if done else "pending", done_on=done
    )


def test_equal_weights_by_default():
    p = milestone_progress([m(done=D(2023, 5, 1)), m(), m(), m()], on=ON)
    assert (p.percent, p.done, p.milestones) == (25, 1, 4)


def test_weights_set_the_share():
    p = milestone_progress([m(weight=3, done=D(2023, 5, 1)), m(weight=1)], on=ON)
    assert p.percent == 75
    p = milestone_progress([m(weight=1, done=D(2023, 5, 1)), m(weight=2)], on=ON)
    assert p.percent == 33  # rounded down: 100 % only when everything is done


def test_a_milestone_without_a_date_counts_but_is_never_overdue():
    p = milestone_progress([m(due=D(2023, 5, 10), done=D(2023, 5, 9)), m(due=None)], on=ON)
    assert p.percent == 50 and p.undated == 1 and p.overdue == 0
    done_undated = milestone_progress([m(due=None, done=D(2023, 6, 1))], on=ON)
    assert done_undated.percent == 100 and done_undated.done_late == 0


def test_a_done_late_milestone_counts_in_full_and_stays_visible():
    late = m(due=D(2023, 5, 10), done=D(2023, 5, 20))
    p = milestone_progress([late, m(due=D(2023, 9, 28))], on=ON)
    assert p.percent == 50 and p.done_late == 1 and p.overdue == 0
    # Before it was done it was overdue, and did not count.
    before = milestone_progress([late, m(due=D(2023, 9, 28))], on=D(2023, 5, 15))
    assert before.percent == 0 and before.overdue == 1 and before.done_late == 0


def test_overdue_is_relative_to_the_day_asked():
    item = m(due=D(2023, 5, 10))
    assert milestone_progress([item], on=D(2023, 5, 10)).overdue == 0
    assert milestone_progress([item], on=D(2023, 5, 11)).overdue == 1


def test_no_milestones_is_no_progress_not_zero():
    assert milestone_progress([], on=ON).percent is None


def test_rollup_is_the_plain_mean_of_tasks_with_a_timetable():
    tasks = [
        Progress(percent=100, milestones=2),
        Progress(percent=25, milestones=4, overdue=1),
        Progress(percent=None),
    ]
    r = rollup(tasks)
    assert (r.percent, r.key_tasks, r.with_timetable, r.complete) == (62, 3, 2, 1)
    assert r.overdue_milestones == 1
    assert rollup([Progress(percent=None)]).percent is None


@pytest.mark.django_db
def test_rolled_up_from_the_database_for_a_unit_and_its_league(task, editor, units, campaign):
    first, second = task.milestones.order_by("ordinal")
    milestones.milestone_complete(actor=editor, milestone=first, done_on=D(2023, 5, 12))
    league = units["parent"]
    r = selectors.unit_progress(user=editor, unit=units["own"], campaign=campaign, on=ON)
    assert (r.percent, r.done_late, r.overdue_milestones) == (50, 1, 0)
    milestones.milestone_update(actor=editor, milestone=second, weight=3)
    r = selectors.unit_progress(user=system_actor("test"), unit=league, campaign=campaign, on=ON)
    assert r.percent == 25 and r.key_tasks == 1
    # As of a day before the completion: nothing done, the first node overdue.
    r = selectors.unit_progress(
        user=system_actor("test"), unit=league, campaign=campaign, on=D(2023, 5, 11)
    )
    assert r.percent == 0 and r.overdue_milestones == 1
