"""Close-outs for a whole ledger at once: requested, or recorded as already accepted by the
reviewer whose own ledger it is. The same checks as `closeouts`, all or nothing."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from shigan.audit.services import AuditItem, audit_record_many
from shigan.core.bulk import bulk_insert, reserve_ids
from shigan.metrics.engine import metric_changes
from shigan.problems.choices import CloseOutState, MeasureState, ProblemState, ProblemTerm
from shigan.problems.errors import ErrorCode
from shigan.problems.models import CloseOut, Evidence, Measure, Problem
from shigan.problems.permissions import can_review
from shigan.problems.services.base import ProblemError, ProblemRef, required_text
from shigan.problems.services.bulk import (
    BulkChecks,
    bulk_transition,
    db_day,
    lock_problems,
    pk_of,
    refresh_lights,
)
from shigan.problems.services.closeouts import (
    check_closeout,
    check_unfinished,
    notify_closeouts_submitted,
    settle_measures,
)
from shigan.problems.services.evidence import attach_shared_evidence
from shigan.problems.services.measures import check_measure_complete


@dataclass
class CloseOutDraft:
    """`closeout_submit`'s arguments; `other_reason` explains every measure still unfinished
    that `finish` and `reasons` do not settle (see `closeouts.check_unfinished`)."""

    problem: ProblemRef
    summary: str
    submitted_on: datetime.date
    finish: list = field(default_factory=list)
    reasons: dict = field(default_factory=dict)
    other_reason: str = ""


@transaction.atomic
def closeout_bulk_submit(
    *, actor, drafts: Sequence[CloseOutDraft], ledger=None, notify: bool = True
) -> list[int]:
    """Many `closeout_submit`s at once, checked as the single one checks them. `ledger` (a
    checked file: the imported ledger that claims the problems finished) is stored once and
    attached to every request as its evidence. Each reviewer gets ONE notice for all the
    requests that are theirs (not one per row); `notify=False` when they are decided at once."""
    drafts = list(drafts)
    if not drafts:
        return []
    locked = lock_problems(drafts)
    settled = _check_submissions(actor, drafts, locked, has_files=ledger is not None)
    for to_finish, explained, day in settled.values():
        if to_finish or explained:
            settle_measures(actor, to_finish, explained, day)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    ids = reserve_ids(CloseOut, len(drafts))
    problems = [locked[d.problem.pk] for d in drafts]
    with metric_changes(Problem, list(locked)):
        bulk_insert(
            CloseOut,
            ("id", "problem", "summary", "submitted_by", "submitted_on", "state", "reason",
             "created_at"),
            (
                (pk, d.problem.pk, d.summary, pk_of(actor), db_day(d.submitted_on),
                 CloseOutState.PENDING, "", now)
                for pk, d in zip(ids, drafts, strict=True)
            ),
        )  # fmt: skip
        bulk_transition(
            problems,
            actor=actor,
            to=ProblemState.PENDING_REVIEW,
            days={d.problem.pk: d.submitted_on for d in drafts},
            comments={d.problem.pk: d.summary for d in drafts},
        )
        refresh_lights(problems)
    _audit_submitted(actor, ids, drafts, locked)
    if ledger is not None:
        pairs = [(d.problem.pk, pk) for pk, d in zip(ids, drafts, strict=True)]
        attach_shared_evidence(ledger, actor=actor, pairs=pairs, model=Evidence)
    if notify:
        notify_closeouts_submitted(problems)
    return ids


def _unfinished_by_problem(locked: dict[int, Problem]) -> dict[int, list[Measure]]:
    measures: dict[int, list[Measure]] = {}
    unfinished = Measure.objects.filter(problem_id__in=list(locked)).exclude(
        state=MeasureState.DONE
    )
    for measure in unfinished.order_by("pk"):
        measures.setdefault(measure.problem_id, []).append(measure)
    return measures


def _check_submissions(actor, drafts, locked, *, has_files: bool) -> dict[int, tuple]:
    """Check every draft as `closeout_submit` checks its request (all or nothing); returns
    {problem id: (measures to finish, [(measure, reason)], day)}."""
    measures = _unfinished_by_problem(locked)
    settled: dict[int, tuple] = {}

    def check(d: CloseOutDraft) -> None:
        d.summary = required_text(d.summary, field="summary", message=_lazy("请填写整改完成情况。"))
        problem = locked[d.problem.pk]
        check_closeout(actor, problem, d.submitted_on, has_files=has_files)
        to_finish, explained = check_unfinished(
            measures.get(problem.pk, []),
            finish=d.finish,
            reasons=d.reasons,
            other_reason=d.other_reason,
        )
        for measure in to_finish:
            check_measure_complete(actor, problem, measure, d.submitted_on)
        settled[problem.pk] = (to_finish, explained, d.submitted_on)

    BulkChecks(actor).run(drafts, check)
    return settled


def _audit_submitted(actor, ids, drafts, locked) -> None:
    audit_record_many(
        actor=actor,
        action="problems.closeout.submitted",
        items=(
            AuditItem(
                "problems.closeout",
                str(pk),
                locked[d.problem.pk].title,
                None,
                {"problem": d.problem.pk, "summary": d.summary, "submitted_on": d.submitted_on},
            )
            for pk, d in zip(ids, drafts, strict=True)
        ),
    )


@transaction.atomic
def closeout_bulk_record_accepted(*, actor, drafts: Sequence[CloseOutDraft], ledger) -> list[int]:
    """Close-outs already decided offline, as a reviewer's own ledger records them ("按台账直接
    销号（已审核）"): each is submitted and accepted by `actor`, who must hold review rights
    over its problem; long-term problems are refused (each stage's next checkpoint is decided
    one by one). The ledger is the evidence; every step is audited as the single ones are."""
    drafts = list(drafts)
    if not drafts:
        return []
    _check_may_record_accepted(actor, drafts, lock_problems(drafts))
    ids = closeout_bulk_submit(actor=actor, drafts=drafts, ledger=ledger, notify=False)
    reason = _("按台账直接销号（已审核）")
    pending = lock_problems(drafts)  # as the submission left them
    problems = [pending[d.problem.pk] for d in drafts]
    with metric_changes(Problem, list(pending)):
        for pk, d in zip(ids, drafts, strict=True):
            CloseOut.objects.filter(pk=pk).update(
                state=CloseOutState.ACCEPTED,
                decided_by=actor,
                decided_on=d.submitted_on,
                reason=reason,
            )
        bulk_transition(
            problems,
            actor=actor,
            to=ProblemState.CLOSED,
            days={d.problem.pk: d.submitted_on for d in drafts},
            comments={d.problem.pk: reason for d in drafts},
        )
        refresh_lights(problems)
    _audit_accepted(actor, ids, drafts, pending, reason)
    return ids


def _check_may_record_accepted(actor, drafts, locked) -> None:
    """The actor reviews every draft's problem, and none is long-term (all or nothing)."""
    reviews = {}
    not_reviewer = _lazy("您对该问题的单位没有审核权限，不能按台账直接销号。")
    long_term = _lazy("长期坚持的问题须逐件审核（确定下一检查节点），不能按台账直接销号。")

    def check(d: CloseOutDraft) -> None:
        problem = locked[d.problem.pk]
        if problem.unit_id not in reviews:
            reviews[problem.unit_id] = can_review(actor, problem)
        if not reviews[problem.unit_id]:
            raise ProblemError(not_reviewer, code=ErrorCode.NOT_REVIEWER)
        if problem.term == ProblemTerm.LONG_TERM:
            raise ProblemError(long_term, code=ErrorCode.LONG_TERM_NEEDS_REVIEW, field="term")

    BulkChecks(actor).run(drafts, check)


def _audit_accepted(actor, ids, drafts, pending, reason: str) -> None:
    audit_record_many(
        actor=actor,
        action="problems.closeout.accepted",
        items=(
            AuditItem(
                "problems.closeout",
                str(pk),
                pending[d.problem.pk].title,
                {"state": CloseOutState.PENDING},
                {"state": CloseOutState.ACCEPTED, "decided_on": d.submitted_on, "reason": reason,
                 "problem_state": ProblemState.CLOSED, "next_checkpoint": None},
            )
            for pk, d in zip(ids, drafts, strict=True)
        ),
    )  # fmt: skip
