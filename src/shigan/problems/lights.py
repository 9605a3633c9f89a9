"""A problem's traffic light on any past day, from the records as they stood that day.

The stored `Problem.light` is the light as of the last watch; a dashboard as of a past date
needs the light of that date. It follows from the history the ledger keeps:

- the state on the day: the latest `ProblemTransition` on or before it (none: not yet found);
- the date watched on the day: the deadline (a long-term problem's checkpoint) as it is now,
  moved back through every approved `DeadlineExtension` decided after the day (each keeps the
  date it replaced in `old_deadline`) — a deadline moves only through extensions;
- the progress on the day: the latest `ProgressReport` on or before it;
- the working-day calendar (yellow only; red is "past the date watched").

`light_as_of(history, day)` is the one rule; the figure and the list of a dashboard both use
`problems_lit_as_of`, which reads the histories in four queries and applies it. Issue 15 may
keep lights as dated facts: those facts are what this function gives, day by day.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from shigan.core.calendar import CalendarError
from shigan.core.deadlines import Light, traffic_light
from shigan.problems.choices import UNFINISHED_STATES, ExtensionState, ProblemState, ProblemTerm

__all__ = [
    "ProblemHistory",
    "light_as_of",
    "problem_histories",
    "problems_lit_as_of",
    "problems_lit_with_history",
]


@dataclass(frozen=True)
class ProblemHistory:
    """What the light of one problem depends on, over time."""

    found_on: datetime.date
    watched_now: datetime.date | None  # the deadline (or checkpoint) watched today
    transitions: tuple[tuple[datetime.date, str], ...] = ()  # (day, to_state), in order
    # Approved extensions: (decided_on, the date they replaced), in order of decision.
    extensions: tuple[tuple[datetime.date, datetime.date | None], ...] = ()
    progress: tuple[tuple[datetime.date, int], ...] = ()  # (reported_on, percent), in order
    warn_workdays: int = field(default=5, compare=False)

    def state_on(self, day: datetime.date) -> str:
        """The state on `day` ("" before the problem entered the ledger)."""
        state = ""
        for on, to in self.transitions:
            if on > day:
                break
            state = to
        return state

    def watched_on(self, day: datetime.date) -> datetime.date | None:
        """The date watched on `day`: today's, undone by the extensions decided after it."""
        for decided_on, old in self.extensions:
            if decided_on > day:
                return old
        return self.watched_now

    def percent_on(self, day: datetime.date) -> int:
        percent = 0
        for on, value in self.progress:
            if on > day:
                break
            percent = value
        return percent

    def pending_since(self, day: datetime.date) -> datetime.date:
        """The day the close-out waiting on `day` was submitted."""
        since = day
        for on, to in self.transitions:
            if on > day:
                break
            if to == ProblemState.PENDING_REVIEW:
                since = on
        return since


def light_as_of(history: ProblemHistory, day: datetime.date) -> str:
    """The problem's light on `day`: "red", "yellow", "green", or "" (closed or not yet found).
    The same rule as the watch (`problems.watch.light_for`): a problem waiting for review keeps
    the light of the day its close-out was submitted, with its part done (100 %)."""
    state = history.state_on(day)
    if state not in UNFINISHED_STATES:
        return ""
    watched = history.watched_on(day)
    if state == ProblemState.PENDING_REVIEW:
        today, percent = history.pending_since(day), 100
    else:
        today, percent = day, history.percent_on(day)
    try:
        return traffic_light(
            deadline=watched,
            today=today,
            progress_percent=percent,
            started_on=history.found_on,
            warn_workdays=history.warn_workdays,
        ).value
    except CalendarError:  # no calendar for the year: only red is certain, and it was checked
        return Light.GREEN.value


_FIELDS = ("pk", "found_on", "term", "deadline", "next_checkpoint")


def problem_histories(ids=None, *, rows=None) -> dict[int, ProblemHistory]:
    """The histories of the problems `ids` (or of `rows`, their `_FIELDS` values already
    read): three queries, four with `ids`."""
    from shigan.problems.models import DeadlineExtension, Problem, ProblemTransition, ProgressReport
    from shigan.problems.watch import warn_workdays

    if rows is None:
        rows = list(Problem.objects.filter(pk__in=list(ids)).values_list(*_FIELDS))
    ids = [row[0] for row in rows]
    transitions, extensions, progress = defaultdict(list), defaultdict(list), defaultdict(list)
    changes = ProblemTransition.objects.filter(problem_id__in=ids).order_by("day", "pk")
    for pk, day, to in changes.values_list("problem_id", "day", "to_state"):
        transitions[pk].append((day, to))
    moved = DeadlineExtension.objects.filter(problem_id__in=ids, state=ExtensionState.APPROVED)
    moved = moved.order_by("decided_on", "pk")
    for pk, decided_on, old in moved.values_list("problem_id", "decided_on", "old_deadline"):
        if decided_on is not None:  # always, once approved (the column is for pending ones too)
            extensions[pk].append((decided_on, old))
    reports = ProgressReport.objects.filter(problem_id__in=ids).order_by("reported_on", "pk")
    for pk, day, percent in reports.values_list("problem_id", "reported_on", "percent"):
        progress[pk].append((day, percent))
    warn = warn_workdays()
    out = {}
    for pk, found_on, term, deadline, checkpoint in rows:
        watched = checkpoint if term == ProblemTerm.LONG_TERM and checkpoint else deadline
        out[pk] = ProblemHistory(
            found_on=found_on,
            watched_now=watched,
            transitions=tuple(transitions[pk]),
            extensions=tuple(extensions[pk]),
            progress=tuple(progress[pk]),
            warn_workdays=warn,
        )
    return out


def _may_be_red(records: QuerySet, day: datetime.date) -> QuerySet:
    """Those of `records` whose date watched can have passed by `day`: today's date watched,
    or one an extension decided after `day` replaced, is before it."""
    from shigan.problems.models import DeadlineExtension

    moved = DeadlineExtension.objects.filter(
        state=ExtensionState.APPROVED, decided_on__gt=day, old_deadline__lt=day
    ).values("problem_id")
    return records.filter(Q(deadline__lt=day) | Q(next_checkpoint__lt=day) | Q(pk__in=moved))


def problems_lit_as_of(records: QuerySet, day: datetime.date, light: str = Light.RED) -> list[int]:
    """The ids of those of the problems `records` whose light on `day` was `light`, in the
    order of `records`."""
    return list(problems_lit_with_history(records, day, light))


def problems_lit_with_history(
    records: QuerySet, day: datetime.date, light: str = Light.RED
) -> dict[int, ProblemHistory]:
    """{id: history} of those of the problems `records` whose light on `day` was `light`."""
    candidates = _may_be_red(records, day) if light == Light.RED else records
    histories = problem_histories(rows=list(candidates.values_list(*_FIELDS)))
    return {pk: h for pk, h in histories.items() if light_as_of(h, day) == light}
