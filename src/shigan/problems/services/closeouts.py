"""Close-outs (销号): submitted with evidence and decided by a reviewer above, one by one or
for a whole ledger."""

import datetime
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from shigan.audit.services import AuditItem, audit_record, audit_record_many
from shigan.core import uploads
from shigan.metrics.engine import metric_changes
from shigan.problems.choices import CloseOutState, MeasureState, ProblemState, ProblemTerm
from shigan.problems.errors import ErrorCode
from shigan.problems.models import CloseOut, Measure, Problem
from shigan.problems.services.base import (
    ProblemError,
    lock_problem,
    move_problem,
    not_before,
    refuse_closed,
    require_record,
    require_reviewer,
    required_text,
)
from shigan.problems.services.evidence import store_all_evidence
from shigan.problems.services.measures import check_measure_complete, measure_bulk_complete
from shigan.problems.services.notices import inbox_link, notify, notify_reviewers, problem_link
from shigan.problems.watch import light_refresh


def check_closeout(actor, problem: Problem, submitted_on, *, has_files: bool) -> None:
    """What `closeout_submit` and its bulk form refuse (the problem locked)."""
    require_record(actor, problem, _lazy("您没有为该问题申请销号的权限。"))
    if problem.state == ProblemState.PENDING_REVIEW:
        raise ProblemError(
            _("该问题已提交销号申请，正在等待审核。"), code=ErrorCode.ALREADY_PENDING
        )
    refuse_closed(problem)
    if problem.state == ProblemState.OPEN:
        raise ProblemError(
            _("该问题尚未开始整改：请先登记整改措施或报告整改进展，再申请销号。"),
            code=ErrorCode.NOT_STARTED,
        )
    not_before(
        submitted_on,
        problem.found_on,
        field="submitted_on",
        message=_lazy("申请日期不能早于发现日期。"),
    )
    if not has_files and not problem.evidence.exists():
        raise ProblemError(
            _("申请销号须提供佐证材料：请随申请上传，或在整改进展中上传。"),
            code=ErrorCode.NO_EVIDENCE,
            field="files",
        )


def check_unfinished(
    measures: Iterable[Measure], *, finish: Iterable, reasons: dict, other_reason: str = ""
) -> tuple[list[Measure], list[tuple[Measure, str]]]:
    """A close-out tells the truth about the problem's measures: each one still unfinished is
    either marked done with the request (`finish`: measure ids) or given a reason (`reasons`:
    {measure id: text}; `other_reason` for all the rest — a ledger's claim that the problem is
    finished; else the reason stored with an earlier request). Returns (to finish,
    [(measure, reason)]); the first measure with neither is refused by name. Shared by
    `closeout_submit` and `closeout_bulk_submit`."""
    finish = {int(pk) for pk in finish}
    unfinished = [m for m in measures if m.state != MeasureState.DONE]
    to_finish, explained = [], []
    for measure in unfinished:
        # A reason given with an earlier (sent back) request stands until replaced.
        reason = (reasons.get(measure.pk) or other_reason or measure.open_reason or "").strip()
        if measure.pk in finish:
            to_finish.append(measure)
        elif reason:
            explained.append((measure, reason))
        else:
            raise ProblemError(
                _("整改措施“%(text)s”尚未完成：请标记为已完成，或填写未完成的原因。")
                % {"text": measure.text[:40]},
                code=ErrorCode.MEASURE_UNFINISHED,
                field="measures",
            )
    return to_finish, explained


def settle_measures(actor, to_finish, explained, day: datetime.date) -> None:
    """Write what `check_unfinished` decided: the measures done (as `measure_bulk_complete`
    does) and the reasons of those left unfinished, each audited."""
    if to_finish:
        measure_bulk_complete(actor=actor, measures=[(m, day) for m in to_finish])
    if not explained:
        return
    by_reason: dict[str, list[int]] = {}
    for measure, reason in explained:
        by_reason.setdefault(reason, []).append(measure.pk)
    for reason, ids in by_reason.items():
        Measure.objects.filter(pk__in=ids).update(open_reason=reason)
    audit_record_many(
        actor=actor,
        action="problems.measure.left_open",
        items=(
            AuditItem("problems.measure", str(m.pk), m.text[:60], None, {"open_reason": reason})
            for m, reason in explained
        ),
    )


def _closeout_notice(problems: Sequence[Problem]) -> str:
    if len(problems) == 1:
        return _("%(unit)s提交了问题“%(title)s”的销号申请，请审核。") % {
            "unit": problems[0].unit.name,
            "title": problems[0].title,
        }
    units = sorted({p.unit.name for p in problems})
    return _("%(units)s提交了 %(n)d 件销号申请（如“%(title)s”），请审核。") % {
        "units": "、".join(units[:3]) + (_("等") if len(units) > 3 else ""),
        "n": len(problems),
        "title": problems[0].title,
    }


def notify_closeouts_submitted(problems: Sequence[Problem]) -> None:
    """The reviewers' notice of close-outs submitted (one request, or a ledger's many)."""
    notify_reviewers(
        problems,
        kind="problems.closeout.submitted",
        text=_closeout_notice,
        link=lambda ps: problem_link(ps[0]) if len(ps) == 1 else inbox_link(),
    )


@transaction.atomic
def closeout_submit(
    *,
    actor,
    problem: Problem,
    summary: str,
    submitted_on: datetime.date,
    files: Sequence = (),
    next_checkpoint: datetime.date | None = None,
    finish: Iterable = (),
    reasons: dict | None = None,
) -> CloseOut:
    """The unit asks to close the problem (a long-term one: its current stage), with evidence.
    `next_checkpoint` proposes a long-term problem's next checkpoint to the reviewer. Every
    unfinished measure is marked done now (`finish`) or explained (`reasons`), see
    `check_unfinished`. The reviewers are told."""
    summary = required_text(summary, field="summary", message=_lazy("请填写整改完成情况。"))
    checked = uploads.check_all(files)
    problem = lock_problem(problem)
    check_closeout(actor, problem, submitted_on, has_files=bool(checked))
    to_finish, explained = check_unfinished(
        problem.measures.all(), finish=finish, reasons=reasons or {}
    )
    for measure in to_finish:
        check_measure_complete(actor, problem, measure, submitted_on)
    settle_measures(actor, to_finish, explained, submitted_on)
    if next_checkpoint is not None:
        not_before(
            next_checkpoint,
            submitted_on,
            field="next_checkpoint",
            message=_lazy("下一检查节点不能早于申请日期。"),
        )
    with metric_changes(Problem, [problem.pk]):
        closeout = CloseOut.objects.create(
            problem=problem, summary=summary, submitted_by=actor, submitted_on=submitted_on
        )
        if next_checkpoint is not None:
            problem.next_checkpoint = next_checkpoint
            problem.save(update_fields=["next_checkpoint"])
        move_problem(
            problem, actor=actor, to=ProblemState.PENDING_REVIEW, day=submitted_on, comment=summary
        )
        light_refresh(problem, today=submitted_on)
    audit_record(
        actor=actor,
        action="problems.closeout.submitted",
        target=closeout,
        after={"problem": problem.pk, "summary": summary, "submitted_on": submitted_on},
    )
    store_all_evidence(checked, actor=actor, problem=problem, closeout=closeout)
    notify_closeouts_submitted([problem])
    return closeout


def _already_decided(closeout: CloseOut) -> ProblemError:
    who = closeout.decided_by.get_username() if closeout.decided_by else _("系统")
    return ProblemError(
        _("该销号申请已由 %(who)s 于 %(day)s 审核（%(verdict)s），无需重复审核。")
        % {"who": who, "day": closeout.decided_on, "verdict": closeout.get_state_display()},
        code=ErrorCode.ALREADY_DECIDED,
    )


@transaction.atomic
def closeout_decide(
    *,
    actor,
    closeout: CloseOut,
    accept: bool,
    decided_on: datetime.date,
    reason: str = "",
    next_checkpoint: datetime.date | None = None,
) -> CloseOut:
    """A reviewer above accepts the close-out (the problem is closed; a long-term one closes
    its stage and stays in progress until `next_checkpoint`) or rejects it with a reason (the
    problem is reopened). Of two reviewers deciding at once, the second is refused."""
    # Lock order: the problem, then the close-out (as closeout_submit does).
    problem = lock_problem(closeout.problem)
    closeout = (
        CloseOut.objects.select_for_update(of=("self",))
        .select_related("decided_by")
        .get(pk=closeout.pk)
    )
    reason = _check_decision(actor, problem, closeout, accept=accept, reason=reason, day=decided_on)
    checkpoint = _next_stage(problem, accept=accept, proposed=next_checkpoint, day=decided_on)
    with metric_changes(Problem, [problem.pk]):
        closeout.state = CloseOutState.ACCEPTED if accept else CloseOutState.REJECTED
        closeout.decided_by, closeout.decided_on, closeout.reason = actor, decided_on, reason
        closeout.save(update_fields=["state", "decided_by", "decided_on", "reason"])
        to = _move_decided(
            problem,
            actor=actor,
            accept=accept,
            checkpoint=checkpoint,
            day=decided_on,
            reason=reason,
        )
    audit_record(
        actor=actor,
        action="problems.closeout.accepted" if accept else "problems.closeout.rejected",
        target=closeout,
        before={"state": CloseOutState.PENDING},
        after={
            "state": closeout.state,
            "decided_on": decided_on,
            "reason": reason,
            "problem_state": to,
            "next_checkpoint": checkpoint,
        },
    )
    verdict = _("同意销号") if accept else _("退回重改")
    notify(
        [closeout.submitted_by],
        kind="problems.closeout",
        text=_("问题“%(title)s”的销号申请：%(verdict)s。%(reason)s")
        % {"title": problem.title, "verdict": verdict, "reason": reason},
        link=problem_link(problem),
    )
    return closeout


def _check_decision(actor, problem: Problem, closeout: CloseOut, *, accept, reason, day) -> str:
    """What `closeout_decide` refuses (the problem and close-out locked); returns the reason,
    stripped."""
    require_reviewer(actor, problem, closeout.submitted_by, own_code=ErrorCode.OWN_CLOSEOUT)
    if closeout.state != CloseOutState.PENDING:
        raise _already_decided(closeout)
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ProblemError(
            _("退回销号申请时，请写明理由。"), code=ErrorCode.REASON_REQUIRED, field="reason"
        )
    not_before(
        day,
        closeout.submitted_on,
        field="decided_on",
        message=_lazy("审核日期不能早于申请日期。"),
    )
    return reason


def _next_stage(problem: Problem, *, accept: bool, proposed, day) -> datetime.date | None:
    """The next checkpoint of a long-term problem whose stage is accepted (None otherwise):
    the one proposed, else the problem's own, and later than the decision."""
    if not accept or problem.term != ProblemTerm.LONG_TERM:
        return None
    checkpoint = proposed or problem.next_checkpoint
    if checkpoint is None or checkpoint <= day:
        raise ProblemError(
            _("长期坚持的问题阶段销号后仍在台账上，请填写晚于审核日期的下一检查节点。"),
            code=ErrorCode.NEXT_CHECKPOINT_REQUIRED,
            field="next_checkpoint",
        )
    return checkpoint


def _move_decided(problem: Problem, *, actor, accept: bool, checkpoint, day, reason) -> str:
    """Move the decided problem: closed, reopened, or (a long-term stage accepted) back in
    progress until its next checkpoint; returns the state it moved to."""
    if checkpoint is not None:
        problem.next_checkpoint = checkpoint
        problem.save(update_fields=["next_checkpoint"])
        to, comment = (
            ProblemState.IN_PROGRESS,
            _("阶段销号，下一检查节点 %(day)s") % {"day": checkpoint},
        )
    elif accept:
        to, comment = ProblemState.CLOSED, reason
    else:
        to, comment = ProblemState.REOPENED, reason
    move_problem(problem, actor=actor, to=to, day=day, comment=comment)
    light_refresh(problem, today=day if to == ProblemState.CLOSED else None)
    return to


def closeout_decide_many(
    *, actor, closeouts: Iterable[CloseOut], accept: bool, decided_on: datetime.date, reason=""
) -> tuple[list[CloseOut], dict[int, ProblemError]]:
    """One reviewer's decision on many close-outs at once (one opinion, one click): each is
    decided by `closeout_decide`, with its own checks, transition and audit entry. One that
    is refused (decided meanwhile by another reviewer, out of the reviewer's reach …) does not
    stop the others; returns (the decided, {close-out id: why refused})."""
    decided, refused = [], {}
    for closeout in closeouts:
        try:
            decided.append(
                closeout_decide(
                    actor=actor,
                    closeout=closeout,
                    accept=accept,
                    decided_on=decided_on,
                    reason=reason,
                )
            )
        except ProblemError as error:
            refused[closeout.pk] = error
    return decided, refused
