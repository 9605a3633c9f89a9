"""Progress of key tasks, derived from their timetables; never typed in.

A key task's progress on a day D:

* Each milestone carries a weight (default 1, so equal weights unless the office sets them).
  Progress = the weight of the milestones done by D over the weight of all its milestones, in
  whole percent rounded down: a task shows 100 % only when every milestone is done.
* A milestone without a due date (时限未定) still counts in the weights — the work has to be
  done all the same — but it can never be overdue or late; it is counted as `undated` so the
  board can ask for a date.
* A milestone done after its due date (逾期完成) counts in full (the work is done) and stops
  being overdue; it is counted as `done_late`, so lateness stays visible.
* A milestone not done by D whose due date is before D is overdue (shown in red).
* A key task without milestones has no progress (None: 未定时间表), not 0 %.

Across a unit's key tasks (the roll-up), every key task with a timetable counts the same:
progress = the mean of their percentages, rounded down. Weights are set within one task and
say nothing about how two tasks compare, so they are not pooled. Tasks without a timetable are
left out of the mean and counted apart.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Progress", "Rollup", "milestone_progress", "rollup"]


@dataclass(frozen=True)
class Progress:
    percent: int | None  # None: no milestones yet
    done_weight: int = 0
    total_weight: int = 0
    milestones: int = 0
    done: int = 0
    done_late: int = 0
    overdue: int = 0
    undated: int = 0

    @property
    def has_timetable(self) -> bool:
        return self.milestones > 0


@dataclass(frozen=True)
class Rollup:
    percent: int | None  # None: no key task has a timetable
    key_tasks: int
    with_timetable: int
    complete: int  # key tasks at 100 %
    overdue_milestones: int
    done_late: int
    undated: int


def milestone_progress(milestones: Iterable, *, on: datetime.date) -> Progress:
    """The progress on day `on` of one key task from its milestones (see the module text)."""
    total = done_weight = count = done = late = overdue = undated = 0
    for milestone in milestones:
        count += 1
        total += milestone.weight
        if milestone.is_done(on):
            done += 1
            done_weight += milestone.weight
            if milestone.due_on is not None and milestone.done_on > milestone.due_on:
                late += 1
        elif milestone.is_overdue(on):
            overdue += 1
        if milestone.due_on is None:
            undated += 1
    if count == 0:
        return Progress(percent=None)
    return Progress(
        percent=done_weight * 100 // total,
        done_weight=done_weight,
        total_weight=total,
        milestones=count,
        done=done,
        done_late=late,
        overdue=overdue,
        undated=undated,
    )


def rollup(progresses: Iterable[Progress]) -> Rollup:
    """Many key tasks' progress as one figure: the plain mean of those with a timetable."""
    progresses = list(progresses)
    timed = [p for p in progresses if p.has_timetable]
    return Rollup(
        percent=sum(p.percent or 0 for p in timed) // len(timed) if timed else None,
        key_tasks=len(progresses),
        with_timetable=len(timed),
        complete=sum(1 for p in timed if p.percent == 100),
        overdue_milestones=sum(p.overdue for p in progresses),
        done_late=sum(p.done_late for p in progresses),
        undated=sum(p.undated for p in progresses),
    )
