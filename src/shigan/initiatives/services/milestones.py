"""Writes on the milestones of a key task's timetable (时间节点): added, re-planned, completed,
reopened, each with its transition row."""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.audit.services import audit_record
from shigan.core.calendar import is_workday
from shigan.core.edits import refuse_edited_elsewhere
from shigan.initiatives.choices import MilestoneState
from shigan.initiatives.errors import ErrorCode
from shigan.initiatives.models import KeyTask, Milestone, MilestoneTransition
from shigan.initiatives.services.common import (
    InitiativeError,
    check_attachment,
    not_future,
    require_run,
    required_text,
)
from shigan.initiatives.services.key_tasks import lock_key_task

__all__ = [
    "milestone_add",
    "milestone_update",
    "milestone_complete",
    "milestone_reopen",
]


def _workday_due(due_on, key_task: KeyTask) -> None:
    """A due date is a working day of the statutory calendar, not before the task starts."""
    if due_on is None:
        return
    if due_on < key_task.starts_on:
        raise InitiativeError(
            _("完成时限不能早于任务开始日期（%(d)s）。") % {"d": key_task.starts_on},
            code=ErrorCode.DUE_BEFORE_START,
            field="due_on",
        )
    if not is_workday(due_on):
        raise InitiativeError(
            _("完成时限 %(d)s 不是工作日，请选择工作日。") % {"d": due_on},
            code=ErrorCode.DUE_ON_REST_DAY,
            field="due_on",
        )


@transaction.atomic
def milestone_add(
    *,
    actor,
    key_task: KeyTask,
    title: str,
    due_on: datetime.date | None = None,
    weight: int = 1,
    ordinal: int | None = None,
) -> Milestone:
    """A node of the key task's timetable. The due date (optional: 时限未定) must be a working
    day of the statutory calendar."""
    task = lock_key_task(key_task)
    require_run(actor, task)
    title = required_text(title, field="title", message=_("节点名称不能为空。"), max_length=200)
    weight = _weight(weight)
    _workday_due(due_on, task)
    if task.milestones.filter(title=title).exists():
        raise InitiativeError(
            _("该任务已有名为“%(title)s”的节点。") % {"title": title},
            code=ErrorCode.DUPLICATE_TITLE,
            field="title",
        )
    last = task.milestones.aggregate(n=Max("ordinal"))["n"] or 0
    milestone = Milestone.objects.create(
        key_task=task, ordinal=ordinal or last + 1, title=title, due_on=due_on, weight=weight
    )
    MilestoneTransition.objects.create(
        milestone=milestone,
        to_state=MilestoneState.PENDING,
        day=timezone.localdate(),
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="initiatives.milestone.added",
        target=milestone,
        after={"key_task": task.pk, "title": title, "due_on": due_on, "weight": weight},
    )
    return milestone


def _weight(weight) -> int:
    if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 1000:
        raise InitiativeError(
            _("权重应为 1 到 1000 的整数。"), code=ErrorCode.INVALID_WEIGHT, field="weight"
        )
    return weight


def _locked_milestone(milestone: Milestone) -> Milestone:
    return (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("key_task", "key_task__unit", "key_task__owner_unit")
        .get(pk=milestone.pk)
    )


@transaction.atomic
def milestone_update(
    *, actor, milestone: Milestone, title=None, due_on=..., weight=None, seen=None
) -> Milestone:
    """Re-plan a node: its title, due date (None: 时限未定) or weight. `seen`: as in
    core.edits."""
    milestone = _locked_milestone(milestone)
    require_run(actor, milestone.key_task)
    refuse_edited_elsewhere(milestone, seen)
    before = {"title": milestone.title, "due_on": milestone.due_on, "weight": milestone.weight}
    if title is not None:
        milestone.title = required_text(
            title, field="title", message=_("节点名称不能为空。"), max_length=200
        )
    if due_on is not ...:
        _workday_due(due_on, milestone.key_task)
        milestone.due_on = due_on
    if weight is not None:
        milestone.weight = _weight(weight)
    milestone.save(update_fields=["title", "due_on", "weight"])
    audit_record(
        actor=actor,
        action="initiatives.milestone.updated",
        target=milestone,
        before=before,
        after={"title": milestone.title, "due_on": milestone.due_on, "weight": milestone.weight},
    )
    return milestone


@transaction.atomic
def milestone_complete(
    *,
    actor,
    milestone: Milestone,
    done_on: datetime.date | None = None,
    note: str = "",
    file=None,
) -> Milestone:
    """Mark a node done on `done_on` (not in the future), with what shows it (note, file).
    Done after its due date it counts as done late (逾期完成)."""
    milestone = _locked_milestone(milestone)
    require_run(actor, milestone.key_task)
    if milestone.state == MilestoneState.DONE:
        raise InitiativeError(_("该节点已完成。"), code=ErrorCode.ALREADY_DONE)
    done_on = done_on or timezone.localdate()
    not_future(done_on, "done_on")
    if done_on < milestone.key_task.starts_on:
        raise InitiativeError(
            _("完成日期不能早于任务开始日期。"), code=ErrorCode.DONE_BEFORE_START, field="done_on"
        )
    check_attachment(file, "evidence_file")
    milestone.state = MilestoneState.DONE
    milestone.done_on = done_on
    milestone.evidence_note = (note or "").strip()
    if file:
        milestone.evidence_file = file
    milestone.save(update_fields=["state", "done_on", "evidence_note", "evidence_file"])
    late = milestone.is_late()
    MilestoneTransition.objects.create(
        milestone=milestone,
        from_state=MilestoneState.PENDING,
        to_state=MilestoneState.DONE,
        day=done_on,
        actor=actor,
        comment=_("逾期完成") if late else "",
    )
    audit_record(
        actor=actor,
        action="initiatives.milestone.completed",
        target=milestone,
        before={"state": MilestoneState.PENDING},
        after={
            "state": MilestoneState.DONE,
            "done_on": done_on,
            "late": late,
            "note": milestone.evidence_note,
            "file": milestone.evidence_file.name or "",
        },
    )
    return milestone


@transaction.atomic
def milestone_reopen(*, actor, milestone: Milestone, reason: str, day=None) -> Milestone:
    """Undo a completion recorded by mistake; the reason is kept in the history."""
    milestone = _locked_milestone(milestone)
    require_run(actor, milestone.key_task)
    if milestone.state != MilestoneState.DONE:
        raise InitiativeError(_("该节点尚未完成。"), code=ErrorCode.NOT_DONE)
    reason = required_text(reason, field="reason", message=_("请说明重新打开的原因。"))
    before = {"state": milestone.state, "done_on": milestone.done_on}
    milestone.state, milestone.done_on = MilestoneState.PENDING, None
    milestone.save(update_fields=["state", "done_on"])
    MilestoneTransition.objects.create(
        milestone=milestone,
        from_state=MilestoneState.DONE,
        to_state=MilestoneState.PENDING,
        day=day or timezone.localdate(),
        actor=actor,
        comment=reason,
    )
    audit_record(
        actor=actor,
        action="initiatives.milestone.reopened",
        target=milestone,
        before=before,
        after={"state": MilestoneState.PENDING, "reason": reason},
    )
    return milestone
