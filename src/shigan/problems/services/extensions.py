"""Deadline extensions (延期): requested by the unit, approved or refused by a reviewer
above."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from shigan.audit.services import audit_record
from shigan.metrics.engine import metric_changes
from shigan.problems.choices import ExtensionState, ProblemTerm
from shigan.problems.errors import ErrorCode
from shigan.problems.models import DeadlineExtension, Problem
from shigan.problems.services.base import (
    ProblemError,
    lock_problem,
    not_before,
    refuse_closed,
    require_record,
    require_reviewer,
    required_text,
)
from shigan.problems.services.notices import notify, notify_reviewers, problem_link
from shigan.problems.watch import light_refresh


@transaction.atomic
def extension_request(
    *,
    actor,
    problem: Problem,
    new_deadline: datetime.date,
    reason: str,
    requested_on: datetime.date,
) -> DeadlineExtension:
    reason = required_text(reason, field="reason", message=_lazy("请写明延期理由。"))
    problem = lock_problem(problem)
    require_record(actor, problem, _lazy("您没有为该问题申请延期的权限。"))
    refuse_closed(problem)
    if problem.extensions.filter(state=ExtensionState.PENDING).exists():
        raise ProblemError(_("该问题已有待审批的延期申请。"), code=ErrorCode.EXTENSION_PENDING)
    current = problem.watched_deadline
    if new_deadline is None or (current is not None and new_deadline <= current):
        raise ProblemError(
            _("申请延至的日期须晚于现在的整改时限（%(day)s）。") % {"day": current},
            code=ErrorCode.NOT_LATER,
            field="new_deadline",
        )
    not_before(
        new_deadline,
        requested_on,
        field="new_deadline",
        message=_lazy("申请延至的日期不能早于申请日期。"),
    )
    extension = DeadlineExtension.objects.create(
        problem=problem,
        requested_by=actor,
        requested_on=requested_on,
        old_deadline=current,
        new_deadline=new_deadline,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action="problems.extension.requested",
        target=extension,
        after={
            "problem": problem.pk,
            "old_deadline": current,
            "new_deadline": new_deadline,
            "reason": reason,
            "requested_on": requested_on,
        },
    )
    notify_reviewers(
        [problem],
        kind="problems.extension.requested",
        text=lambda ps: (
            _("%(unit)s申请将问题“%(title)s”的整改时限延至 %(day)s，请审批。")
            % {"unit": ps[0].unit.name, "title": ps[0].title, "day": new_deadline.isoformat()}
        ),
        link=lambda ps: problem_link(ps[0]) and problem_link(ps[0]) + "#extensions",
    )
    return extension


@transaction.atomic
def extension_decide(
    *,
    actor,
    extension: DeadlineExtension,
    approve: bool,
    decided_on: datetime.date,
    note: str = "",
) -> DeadlineExtension:
    """A reviewer above approves (the problem's deadline — a long-term one's next checkpoint —
    moves to the requested date) or refuses, with a note."""
    problem = lock_problem(extension.problem)
    extension = (
        DeadlineExtension.objects.select_for_update(of=("self",))
        .select_related("decided_by")
        .get(pk=extension.pk)
    )
    note = _check_decision(actor, problem, extension, approve=approve, note=note, day=decided_on)
    before = {"deadline": problem.deadline, "next_checkpoint": problem.next_checkpoint}
    with metric_changes(Problem, [problem.pk]):
        extension.state = ExtensionState.APPROVED if approve else ExtensionState.REFUSED
        extension.decided_by, extension.decided_on = actor, decided_on
        extension.decision_note = note
        extension.save(update_fields=["state", "decided_by", "decided_on", "decision_note"])
        if approve:
            _move_deadline(problem, extension.new_deadline)
    audit_record(
        actor=actor,
        action="problems.extension.approved" if approve else "problems.extension.refused",
        target=extension,
        before=before,
        after={
            "deadline": problem.deadline,
            "next_checkpoint": problem.next_checkpoint,
            "decided_on": decided_on,
            "note": note,
        },
    )
    notify(
        [extension.requested_by],
        kind="problems.extension",
        text=_("问题“%(title)s”的延期申请：%(verdict)s。%(note)s")
        % {
            "title": problem.title,
            "verdict": _("同意延期") if approve else _("不同意延期"),
            "note": note,
        },
        link=problem_link(problem),
    )
    return extension


def _check_decision(actor, problem: Problem, extension: DeadlineExtension, *, approve, note, day):
    """What `extension_decide` refuses (the problem and extension locked); returns the note,
    stripped."""
    require_reviewer(actor, problem, extension.requested_by, own_code=ErrorCode.OWN_EXTENSION)
    if extension.state != ExtensionState.PENDING:
        raise ProblemError(
            _("该延期申请已审批（%(state)s），无需重复审批。")
            % {"state": extension.get_state_display()},
            code=ErrorCode.ALREADY_DECIDED,
        )
    note = (note or "").strip()
    if not approve and not note:
        raise ProblemError(
            _("不同意延期时，请写明意见。"), code=ErrorCode.NOTE_REQUIRED, field="note"
        )
    not_before(
        day,
        extension.requested_on,
        field="decided_on",
        message=_lazy("审批日期不能早于申请日期。"),
    )
    return note


def _move_deadline(problem: Problem, new_deadline: datetime.date) -> None:
    """The approved date becomes the problem's deadline (a long-term one's next checkpoint)."""
    if problem.term == ProblemTerm.LONG_TERM and problem.next_checkpoint:
        problem.next_checkpoint = new_deadline
    else:
        problem.deadline, problem.deadline_workdays = new_deadline, None
    problem.save(update_fields=["deadline", "deadline_workdays", "next_checkpoint"])
    light_refresh(problem)
