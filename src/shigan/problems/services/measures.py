"""Measures (整改措施): added and completed, one by one or in bulk."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from shigan.audit.services import AuditItem, audit_record, audit_record_many
from shigan.core.bulk import bulk_insert, reserve_ids
from shigan.metrics.engine import metric_changes
from shigan.problems.choices import MeasureState, ProblemState
from shigan.problems.errors import ErrorCode
from shigan.problems.models import Measure, Problem, ProblemTransition
from shigan.problems.services.base import (
    ProblemError,
    ProblemRef,
    lock_problem,
    not_before,
    refuse_closed,
    require_record,
    required_text,
    start_problem,
)
from shigan.problems.services.bulk import (
    BulkChecks,
    audit_started,
    db_day,
    lock_problems,
    pk_of,
    update_grouped,
)
from shigan.problems.versions import problems_touch_units


@transaction.atomic
def measure_add(
    *,
    actor,
    problem: Problem,
    text: str,
    added_on: datetime.date,
    owner=None,
    deadline: datetime.date | None = None,
    start: bool = True,
) -> Measure:
    """Add a measure; the first one starts an open problem's rectification unless `start` is
    False (a planned measure in a ledger that says the problem is not started)."""
    text = required_text(text, field="text", message=_lazy("整改措施不能为空。"))
    problem = lock_problem(problem)
    require_record(actor, problem, _lazy("您没有为该问题登记整改措施的权限。"))
    refuse_closed(problem)
    # Only the first measure moves the problem (open → in progress); a later one leaves every
    # problem figure as it stands, so the problem's are read before and after only then.
    starts = start and problem.state == ProblemState.OPEN
    with (
        metric_changes(Measure) as changes,
        metric_changes(Problem, [problem.pk] if starts else []),
    ):
        measure = Measure.objects.create(
            problem=problem,
            text=text,
            owner=owner,
            deadline=deadline,
            added_on=added_on,
            created_by=actor,
        )
        changes.created([measure.pk])
        if starts:
            start_problem(problem, actor=actor, day=added_on, why=_("登记整改措施"))
    if not starts:  # its ledger rows still change (searched by 措施包含)
        problems_touch_units([problem.unit.path])
    audit_record(
        actor=actor,
        action="problems.measure.added",
        target=measure,
        after={
            "problem": problem.pk,
            "text": text,
            "owner": getattr(owner, "pk", None),
            "deadline": deadline,
            "added_on": added_on,
        },
    )
    return measure


def check_measure_complete(actor, problem: Problem, measure: Measure, done_on) -> None:
    """What `measure_complete` and its bulk form refuse (the problem and measure locked)."""
    require_record(actor, problem, _lazy("您没有修改该整改措施的权限。"))
    refuse_closed(problem)
    if measure.state == MeasureState.DONE:
        raise ProblemError(_("该整改措施已完成。"), code=ErrorCode.ALREADY_DONE)
    not_before(
        done_on, measure.added_on, field="done_on", message=_lazy("完成日期不能早于提出日期。")
    )


@transaction.atomic
def measure_complete(*, actor, measure: Measure, done_on: datetime.date) -> Measure:
    problem = lock_problem(measure.problem)
    measure = Measure.objects.select_for_update(of=("self",)).get(pk=measure.pk)
    check_measure_complete(actor, problem, measure, done_on)
    with metric_changes(Measure, [measure.pk]):
        measure.state, measure.done_on = MeasureState.DONE, done_on
        measure.save(update_fields=["state", "done_on"])
    audit_record(
        actor=actor,
        action="problems.measure.completed",
        target=measure,
        before={"state": MeasureState.PLANNED},
        after={"state": MeasureState.DONE, "done_on": done_on},
    )
    return measure


@dataclass
class MeasureDraft:
    problem: ProblemRef
    text: str
    added_on: datetime.date
    owner: object = None
    deadline: datetime.date | None = None


MEASURE_COLUMNS = (
    "id", "problem", "text", "owner", "deadline", "state", "done_on", "added_on",
    "created_by", "created_at",
)  # fmt: skip


def measure_rows(measure_ids, pairs, actor_id, now):
    """(measure id, (problem id, {"text", "owner", "deadline", "added_on"})) → rows."""
    for mid, (problem_id, m) in zip(measure_ids, pairs, strict=True):
        yield (
            mid, problem_id, m["text"], pk_of(m.get("owner")), db_day(m.get("deadline")),
            MeasureState.PLANNED, None, db_day(m["added_on"]), actor_id, now,
        )  # fmt: skip


def audit_measures_added(actor, measure_ids, pairs) -> None:
    audit_record_many(
        actor=actor,
        action="problems.measure.added",
        items=(
            AuditItem(
                "problems.measure",
                str(mid),
                m["text"][:60],
                None,
                {
                    "problem": problem_id,
                    "text": m["text"],
                    "owner": pk_of(m.get("owner")),
                    "deadline": m.get("deadline"),
                    "added_on": m["added_on"],
                },
            )
            for mid, (problem_id, m) in zip(measure_ids, pairs, strict=True)
        ),
    )


@transaction.atomic
def measure_bulk_add(*, actor, drafts: Sequence[MeasureDraft], start: bool = True) -> list[int]:
    """Many `measure_add`s at once; an open problem starts (in_progress) on the day of its
    first measure in draft order (unless `start` is False). Returns the measures' ids in draft
    order."""
    drafts = list(drafts)
    problem_ids = sorted({d.problem.pk for d in drafts})
    locked = {
        p.pk: p
        for p in Problem.objects.select_for_update(of=("self",))
        .select_related("unit", "carried_to")  # refuse_closed reads the carry-over link
        .filter(pk__in=problem_ids)
        .order_by("pk")
    }
    checks = BulkChecks(actor)
    starts: dict[int, datetime.date] = {}

    def check(d: MeasureDraft) -> None:
        problem = locked[d.problem.pk]
        d.text = required_text(d.text, field="text", message=_lazy("整改措施不能为空。"))
        checks.record(problem.unit, _lazy("您没有为该问题登记整改措施的权限。"))
        refuse_closed(problem)
        if start and problem.state == ProblemState.OPEN:
            starts.setdefault(problem.pk, d.added_on)

    checks.run(drafts, check)
    if not drafts:
        return []
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    actor_id = pk_of(actor)
    ids = reserve_ids(Measure, len(drafts))
    pairs = [
        (d.problem.pk, {"text": d.text, "owner": d.owner, "deadline": d.deadline,
                        "added_on": d.added_on})
        for d in drafts
    ]  # fmt: skip
    with metric_changes(Measure) as measures, metric_changes(Problem, list(starts)):
        bulk_insert(Measure, MEASURE_COLUMNS, measure_rows(ids, pairs, actor_id, now))
        measures.created(ids)
        transition_ids = reserve_ids(ProblemTransition, len(starts))
        bulk_insert(
            ProblemTransition,
            ("id", "problem", "from_state", "to_state", "day", "at", "actor", "comment"),
            (
                (tid, pk, ProblemState.OPEN, ProblemState.IN_PROGRESS, db_day(day), now,
                 actor_id, _("登记整改措施"))
                for tid, (pk, day) in zip(transition_ids, starts.items(), strict=True)
            ),
        )  # fmt: skip
        Problem.objects.filter(pk__in=list(starts)).update(state=ProblemState.IN_PROGRESS)
    audit_measures_added(actor, ids, pairs)
    audit_started(actor, list(starts.items()))
    return ids


@transaction.atomic
def measure_bulk_complete(*, actor, measures: Sequence[tuple[Measure, datetime.date]]) -> int:
    """Many `measure_complete`s at once: (measure, done_on) pairs, checked as the single one
    checks them (all or nothing)."""
    pairs = list(measures)
    if not pairs:
        return 0
    problem_ids = Measure.objects.filter(pk__in=[m.pk for m, _day in pairs]).values_list(
        "problem_id", flat=True
    )
    locked = lock_problems(ids=set(problem_ids))
    current = {
        m.pk: m
        for m in Measure.objects.select_for_update(of=("self",)).filter(
            pk__in=[m.pk for m, _day in pairs]
        )
    }
    checks = BulkChecks(actor)
    checks.run(
        pairs,
        lambda pair: check_measure_complete(
            actor, locked[current[pair[0].pk].problem_id], current[pair[0].pk], pair[1]
        ),
    )
    done = [(current[m.pk], day) for m, day in pairs]
    with metric_changes(Measure, [m.pk for m, _day in done]):
        for measure, day in done:
            measure.state, measure.done_on = MeasureState.DONE, day
        update_grouped([m for m, _d in done], ("state", "done_on"))
    audit_record_many(
        actor=actor,
        action="problems.measure.completed",
        items=(
            AuditItem(
                "problems.measure",
                str(m.pk),
                m.text[:60],
                {"state": MeasureState.PLANNED},
                {"state": MeasureState.DONE, "done_on": day},
            )
            for m, day in done
        ),
    )
    return len(done)
