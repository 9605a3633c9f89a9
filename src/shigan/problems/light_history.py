"""The history of each problem's light (`ProblemLightChange`), kept from the records.

A problem's light changes with its inputs (state, deadline, progress) and with the passing of
days (the date watched comes near, then passes). The history is what `light_as_of` gives day
by day, written as changes: the day a light took effect and the light. It is rewritten from
the records inside every write that touches a problem — every such write holds
`metric_changes(Problem, ids)`, which calls `light_history_sync` before it computes the facts
— so the light metrics (`problems.overdue`, `problems.yellow`, `problems.green`) are daily
facts per unit like every other figure, and counts by light as of any day are sums over them.

The history follows the records up to the day the stored light is as of (the later of
`light_on` and `light_checked_on`, set by the services and the daily watch); from that day it
holds the stored light. Between the watch's runs the light changes only when the watch next
looks: as it is stored, so is it counted.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shigan.accounts.system import system_actor
from shigan.audit.registry import register_action
from shigan.audit.services import audit_record
from shigan.core.bulk import chunks
from shigan.metrics.engine import metric_rebuild
from shigan.problems.choices import UNFINISHED_STATES
from shigan.problems.lights import ProblemHistory, light_as_of, problem_histories
from shigan.problems.metrics import LIGHT_METRICS
from shigan.problems.models import Problem, ProblemLightChange

__all__ = [
    "light_timeline",
    "light_history_sync",
    "light_history_rebuild",
    "light_history_after_migrate",
    "lit_until",
]

REBUILT = register_action("problems.lights.rebuilt", _("重建红黄绿灯历史"))

_ONE_DAY = datetime.timedelta(days=1)
_FIELDS = (
    "pk", "found_on", "term", "deadline", "next_checkpoint", "light", "light_on",
    "light_checked_on",
)  # fmt: skip


def _window(warn_workdays: int) -> datetime.timedelta:
    """Calendar days that surely hold `warn_workdays` working days, even across the Spring
    Festival week (wider than the watch's horizon)."""
    return datetime.timedelta(days=3 * warn_workdays + 21)


def _days_to_check(history: ProblemHistory, first: datetime.date, until: datetime.date) -> list:
    """The days on which the light can differ from the day before: those of the records
    (transitions, extensions decided, progress reported), and each day near a date watched
    (the current one and those the extensions replaced). Between them the light stays green
    (far from the date) or red (past it)."""
    days = {first}
    days.update(day for day, _ in history.transitions)
    days.update(day for day, _ in history.extensions)
    days.update(day for day, _ in history.progress)
    window = _window(history.warn_workdays)
    dates = (history.watched_now, *(old for _, old in history.extensions))
    watched = {date for date in dates if date is not None}
    for date in watched:
        day, last = max(date - window, first), min(date + _ONE_DAY, until)
        while day <= last:
            days.add(day)
            day += _ONE_DAY
    return sorted(day for day in days if first <= day <= until)


def light_timeline(history: ProblemHistory, until: datetime.date) -> list[tuple]:
    """[(day, light)]: each day up to `until` on which `light_as_of` differs from the day
    before ("" before the problem entered the ledger and once it is closed)."""
    if not history.transitions:
        return []
    out, last = [], ""
    for day in _days_to_check(history, history.transitions[0][0], until):
        light = light_as_of(history, day)
        if light != last:
            out.append((day, light))
            last = light
    return out


def lit_until(light_on, checked_on, history: ProblemHistory) -> datetime.date:
    """The day the stored light is as of: the later of the day it was lit and the day it was
    last checked, and not before the problem entered the ledger."""
    days = [d for d in (light_on, checked_on) if d is not None] or [timezone.localdate()]
    return max(*days, history.transitions[0][0])


def _wanted(history: ProblemHistory, light: str, light_on, checked_on) -> list[tuple]:
    """The history a problem should have: the records' timeline up to the day before its
    stored light is as of, then the stored light."""
    if not history.transitions:
        return []
    lit_on = lit_until(light_on, checked_on, history)
    if history.state_on(lit_on) not in UNFINISHED_STATES:
        light = ""  # a closed problem has no light, whatever the column holds
    rows = light_timeline(history, lit_on - _ONE_DAY)
    if (rows[-1][1] if rows else "") != light:
        rows.append((lit_on, light))
    return rows


def _stored(ids: list) -> dict[int, list[tuple]]:
    out = defaultdict(list)
    changes = ProblemLightChange.objects.filter(problem_id__in=ids).order_by("problem", "day", "pk")
    for pk, day, light in changes.values_list("problem_id", "day", "to_light"):
        out[pk].append((day, light))
    return out


def _rows(pk: int, changes: list[tuple]) -> list[ProblemLightChange]:
    before = [""] + [light for _, light in changes]
    return [
        ProblemLightChange(problem_id=pk, day=day, from_light=old, to_light=light)
        for (day, light), old in zip(changes, before, strict=False)
    ]


def light_history_sync(ids: Iterable) -> int:
    """Rewrites the light history of the problems `ids` where it differs from their records
    (the caller holds `metric_changes(Problem, ids)`, which counts the change). Returns how
    many problems' histories were rewritten."""
    rewritten = 0
    for chunk in chunks(sorted(set(ids))):
        rows = list(Problem._base_manager.filter(pk__in=chunk).values_list(*_FIELDS))
        histories = problem_histories(rows=[row[:5] for row in rows])
        stored = _stored(chunk)
        wanted = {row[0]: _wanted(histories[row[0]], *row[5:]) for row in rows}
        stale = [pk for pk, changes in wanted.items() if changes != stored.get(pk, [])]
        if not stale:
            continue
        ProblemLightChange.objects.filter(problem_id__in=stale).delete()
        ProblemLightChange.objects.bulk_create(
            [row for pk in stale for row in _rows(pk, wanted[pk])], batch_size=2000
        )
        rewritten += len(stale)
    return rewritten


# The migration that brought the light history: a ledger that had problems before it needs
# the history built once the whole migrate is done.
HISTORY_MIGRATION = ("problems", "0012_build_light_history")


def light_history_after_migrate(*, plan=None, using: str = "default", **kwargs) -> None:
    """post_migrate: builds the light history when this `migrate` applied HISTORY_MIGRATION
    to a ledger with problems. After every migration has run, the live code meets the schema
    it was written for."""
    applied = {(m.app_label, m.name) for m, backwards in plan or () if not backwards}
    if HISTORY_MIGRATION in applied and Problem._base_manager.using(using).exists():
        light_history_rebuild(actor=system_actor("migration problems 0012"))


@transaction.atomic
def light_history_rebuild(*, actor) -> int:
    """Builds the light history of every problem from its records, then the light facts from
    it (existing data, or a repair). Returns how many histories were rewritten."""
    ids = list(Problem._base_manager.order_by("pk").values_list("pk", flat=True))
    rewritten = sum(light_history_sync(chunk) for chunk in chunks(ids, 20000))
    facts = {metric.key: metric_rebuild(metric) for metric in LIGHT_METRICS}
    audit_record(
        actor=actor,
        action=REBUILT,
        target_type="problems.problem",
        after={"problems": len(ids), "rewritten": rewritten, "facts": facts},
    )
    return rewritten
