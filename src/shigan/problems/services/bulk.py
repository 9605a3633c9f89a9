"""The machinery of the bulk services (importers, the demo loader): the same rules as the
single services, checked for every draft first (all or nothing: a refused draft is reported
by its index and nothing is written), then written with bulk inserts, one `metric_changes`
per model and one `audit_record_many` per action."""

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.accounts.models import User
from shigan.audit.services import AuditItem, audit_record_many
from shigan.core.bulk import bulk_insert, chunks, reserve_ids
from shigan.core.errors import RowsRejected
from shigan.orgs.models import Unit
from shigan.orgs.permissions import user_can
from shigan.problems.choices import ProblemState
from shigan.problems.errors import ErrorCode
from shigan.problems.models import Problem, ProblemTransition
from shigan.problems.services.base import ProblemError
from shigan.problems.watch import light_for

if TYPE_CHECKING:  # a stub-only type: django-stubs-ext is not installed in production
    from django_stubs_ext import StrOrPromise


class ProblemBulkRejected(RowsRejected):
    def __init__(self, errors: dict):
        super().__init__(
            _("有 %(n)d 条记录不符合要求，全部未写入。") % {"n": len(errors)}, errors=errors
        )


@dataclass
class BulkChecks:
    """Every draft checked, each refusal kept by the draft's index; then all or nothing.
    `record` asks the actor's right to record in a unit once per unit."""

    actor: User
    allowed: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)

    def record(self, unit: Unit, message: "StrOrPromise") -> None:
        if unit.pk not in self.allowed:
            self.allowed[unit.pk] = user_can(self.actor, "record", unit)
        if not self.allowed[unit.pk]:
            raise ProblemError(message, code=ErrorCode.FORBIDDEN)

    def run(self, drafts, check) -> None:
        for index, draft in enumerate(drafts):
            try:
                check(draft)
            except ProblemError as error:
                self.errors[index] = error
        if self.errors:
            raise ProblemBulkRejected(self.errors)


def db_day(day):
    return connection.ops.adapt_datefield_value(day)


def pk_of(obj):
    return getattr(obj, "pk", None)


def audit_started(actor, started: list[tuple[int, datetime.date]]) -> None:
    """The state-change entries of the problems a bulk write started ((id, day) pairs)."""
    if not started:
        return
    titles = dict(
        Problem.objects.filter(pk__in=[pk for pk, _day in started]).values_list("pk", "title")
    )
    audit_record_many(
        actor=actor,
        action="problems.problem.state_changed",
        items=(
            AuditItem(
                "problems.problem",
                str(pk),
                titles[pk],
                {"state": ProblemState.OPEN},
                {"state": ProblemState.IN_PROGRESS, "day": day, "comment": _("登记整改措施")},
            )
            for pk, day in started
        ),
    )


def lock_problems(drafts=(), ids=()) -> dict[int, Problem]:
    ids = sorted({d.problem.pk for d in drafts} | set(ids))
    # Only what the checks, the lights and the audit read: a ledger locks thousands at once.
    fields = ("unit__path", "unit__active", "unit__name", "campaign", "state", "title",
              "found_on", "term", "deadline", "next_checkpoint", "progress_percent", "light",
              "light_on")  # fmt: skip
    return {
        p.pk: p
        for p in Problem.objects.select_for_update(of=("self",))
        .select_related("unit", "carried_to")  # refuse_closed reads the carry-over link
        .only(*fields, "carried_to__id")
        .filter(pk__in=ids)
        .order_by("pk")
    }


def refresh_lights(problems, today=None) -> None:
    """Recompute the lights of problems changed in bulk (under their `metric_changes`)."""
    today = today or timezone.localdate()
    changed = []
    for problem in problems:
        light = light_for(problem, today)
        if light != problem.light:
            problem.light, problem.light_on = light, today
            changed.append(problem)
    update_grouped(changed, ("light", "light_on"))


def update_grouped(objects, fields: tuple[str, ...]) -> None:
    """Save `fields` of many records with one UPDATE per distinct set of values (a handful:
    lights, percents, days) rather than Django's bulk_update CASE over every row."""
    groups: dict[tuple, list] = {}
    for obj in objects:
        groups.setdefault(tuple(getattr(obj, f) for f in fields), []).append(obj.pk)
    if not objects:
        return
    model = type(objects[0])
    for values, ids in groups.items():
        for chunk in chunks(ids, 5000):
            model.objects.filter(pk__in=chunk).update(**dict(zip(fields, values, strict=True)))


def bulk_transition(problems, *, actor, to: str, days: dict, comments: dict) -> None:
    """Move the (locked) problems to `to` with their transition rows and audit entries."""
    if not problems:
        return
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    ids = reserve_ids(ProblemTransition, len(problems))
    before = {p.pk: p.state for p in problems}
    bulk_insert(
        ProblemTransition,
        ("id", "problem", "from_state", "to_state", "day", "at", "actor", "comment"),
        (
            (tid, p.pk, p.state, to, db_day(days[p.pk]), now, pk_of(actor), comments[p.pk])
            for tid, p in zip(ids, problems, strict=True)
        ),
    )
    for problem in problems:
        problem.state = to
    Problem.objects.filter(pk__in=[p.pk for p in problems]).update(state=to)
    audit_record_many(
        actor=actor,
        action="problems.problem.state_changed",
        items=(
            AuditItem(
                "problems.problem",
                str(p.pk),
                p.title,
                {"state": before[p.pk]},
                {"state": to, "day": days[p.pk], "comment": comments[p.pk]},
            )
            for p in problems
        ),
    )
