"""Writes on the problem ledger. Every step of a problem's life is one of these services: it
locks the problem row, checks the state and the actor's right, writes the transition row, the
audit entry and the metric facts in one transaction, or raises a coded `ProblemError` and
writes nothing.

Lifecycle (问题整改):
  open ──(first measure or progress report)──▶ in_progress
  in_progress / reopened ──closeout_submit (needs evidence)──▶ pending_review
  pending_review ──closeout_decide(accept)──▶ closed
                                 (a long-term problem: back to in_progress with its next checkpoint)
  pending_review ──closeout_decide(reject, reason)──▶ reopened
Deadlines move only by an extension request that a reviewer above approves.

Evidence rule for a close-out: the problem must have at least one evidence file — uploaded
with the close-out itself, with one of its progress reports, or on its own.
"""

import datetime
from collections.abc import Iterable, Sequence

from django.core.files.base import File
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from shigan.audit.services import AuditItem, audit_record, audit_record_many
from shigan.campaigns.models import Campaign
from shigan.core.calendar import add_workdays
from shigan.core.errors import DomainError
from shigan.metrics.engine import metric_changes
from shigan.notifications.rules import Role as NoticeRole
from shigan.notifications.services import notification_send
from shigan.orgs.models import Unit
from shigan.orgs.permissions import user_can
from shigan.problems import evidence_types
from shigan.problems.choices import (
    CloseOutState,
    ExtensionState,
    MeasureState,
    ProblemSource,
    ProblemState,
    ProblemTerm,
    RuleKind,
    RuleState,
)
from shigan.problems.models import (
    CloseOut,
    DeadlineExtension,
    Evidence,
    Measure,
    Problem,
    ProblemTransition,
    ProgressReport,
    Rule,
    SpecialProgram,
)
from shigan.problems.permissions import can_record, can_review, reviewers_of
from shigan.problems.watch import light_for, light_refresh, problems_watch

__all__ = [
    "ProblemError",
    "problem_create",
    "problem_update",
    "problem_set_state",
    "measure_add",
    "measure_complete",
    "progress_report_add",
    "evidence_add",
    "evidence_add_many",
    "closeout_submit",
    "check_unfinished",
    "notify_closeouts_submitted",
    "closeout_decide",
    "extension_request",
    "extension_decide",
    "special_program_create",
    "special_program_assign",
    "rule_create",
    "rule_issue",
    "rule_link_problems",
    "problems_watch",
    "ProblemDraft",
    "MeasureDraft",
    "ProblemBulkRejected",
    "problem_bulk_create",
    "measure_bulk_add",
    "measure_bulk_complete",
    "progress_report_bulk_add",
    "closeout_bulk_submit",
    "closeout_decide_many",
    "closeout_bulk_record_accepted",
    "ProgressDraft",
    "CloseOutDraft",
]


class ProblemError(DomainError):
    pass


# ---------------------------------------------------------------------------------------------
# helpers


def _text(value, *, field: str, message: str, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise ProblemError(message, code=f"{field}_required", field=field)
    if max_length and len(value) > max_length:
        raise ProblemError(
            _("不能超过 %(n)d 个字。") % {"n": max_length}, code=f"{field}_too_long", field=field
        )
    return value


def _require_record(actor, problem: Problem, message: str) -> None:
    if actor is not None and not can_record(actor, problem):
        raise ProblemError(message, code="forbidden")


def _locked(problem: Problem) -> Problem:
    """The problem row, locked for the rest of the transaction: concurrent steps on one
    problem queue here and each sees the state the previous one left."""
    return (
        Problem.objects.select_for_update(of=("self",))
        .select_related("unit", "campaign", "carried_to")
        .get(pk=problem.pk)
    )


def _carried_away(problem: Problem) -> bool:
    try:
        return problem.carried_to is not None
    except Problem.carried_to.RelatedObjectDoesNotExist:
        return False


def _refuse_closed(problem: Problem) -> None:
    if problem.state == ProblemState.CLOSED:
        raise ProblemError(_("该问题已销号，不能再修改。"), code="closed")
    # Carried over to a later campaign: it stays as it stood that day (see carryover.py).
    # Read through the reverse link, which `_locked` (and the bulk checks) select along.
    if _carried_away(problem):
        raise ProblemError(
            _("该问题已转入下一次主题教育，请在转入后的问题上继续整改。"), code="carried_over"
        )


def _not_before(day, earliest, *, field: str, message: str) -> None:
    if day is not None and earliest is not None and day < earliest:
        raise ProblemError(message, code=f"{field}_too_early", field=field)


def _transition(problem: Problem, *, actor, to: str, day: datetime.date, comment: str = ""):
    """Move the (locked) problem to `to` with its transition row and audit entry; the caller
    holds `metric_changes(Problem, [pk])` around it."""
    before = problem.state
    ProblemTransition.objects.create(
        problem=problem, from_state=before, to_state=to, day=day, actor=actor, comment=comment
    )
    problem.state = to
    problem.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action="problems.problem.state_changed",
        target=problem,
        before={"state": before},
        after={"state": to, "day": day, "comment": comment},
    )


def _start(problem: Problem, *, actor, day: datetime.date, why: str) -> None:
    """open → in_progress on the first measure or progress report."""
    if problem.state == ProblemState.OPEN:
        _transition(problem, actor=actor, to=ProblemState.IN_PROGRESS, day=day, comment=why)


def _deadline_from(found_on: datetime.date, deadline, workdays) -> datetime.date | None:
    if deadline is not None and workdays is not None:
        raise ProblemError(
            _("整改时限请填写日期或工作日天数，不要同时填写。"),
            code="deadline_twice",
            field="deadline",
        )
    if workdays is not None:
        if workdays <= 0:
            raise ProblemError(
                _("整改时限的工作日天数须大于 0。"), code="bad_workdays", field="deadline_workdays"
            )
        return add_workdays(found_on, workdays)
    # A deadline before the found date is accepted: a ledger brought in late lists items that
    # were already overdue when entered, and they must show red, not be refused.
    return deadline


def _check_links(*, unit: Unit, campaign, aspect, research_topic, special_program) -> None:
    if aspect is not None and (campaign is None or aspect.campaign_id != campaign.pk):
        raise ProblemError(_("方面不属于该主题教育。"), code="aspect_mismatch", field="aspect")
    if campaign is not None and not unit.path.startswith(campaign.root_unit.path):
        raise ProblemError(_("该单位不在这次主题教育的范围内。"), code="unit_outside_campaign")
    if research_topic is not None and (
        research_topic.unit_id != unit.pk
        or research_topic.campaign_id != getattr(campaign, "pk", None)
    ):
        raise ProblemError(
            _("问题须与调研课题属于同一单位和主题教育。"),
            code="topic_mismatch",
            field="research_topic",
        )
    if special_program is not None and special_program.campaign_id != getattr(campaign, "pk", None):
        raise ProblemError(
            _("专项整治不属于该问题的主题教育。"),
            code="program_mismatch",
            field="special_program",
        )


def _snapshot(problem: Problem) -> dict:
    return {
        "unit": problem.unit_id,
        "campaign": problem.campaign_id,
        "aspect": problem.aspect_id,
        "research_topic": problem.research_topic_id,
        "special_program": problem.special_program_id,
        "source": problem.source,
        "title": problem.title,
        "description": problem.description,
        "responsible": problem.responsible_id,
        "co_responsible": sorted(p.pk for p in problem.co_responsible.all()) if problem.pk else [],
        "found_on": problem.found_on,
        "term": problem.term,
        "deadline": problem.deadline,
        "deadline_workdays": problem.deadline_workdays,
        "next_checkpoint": problem.next_checkpoint,
    }


def _notify(recipients, *, kind: str, text: str, link: str = "") -> None:
    recipients = [u for u in recipients if u is not None and getattr(u, "pk", None)]
    if recipients:
        notification_send(recipients=recipients, kind=kind, text=text, link=link)


def _problem_link(problem: Problem) -> str:
    try:
        return problem.get_absolute_url()
    except NoReverseMatch:  # the ledger pages are not mounted (e.g. a headless deployment)
        return ""


# ---------------------------------------------------------------------------------------------
# problems


@transaction.atomic
def problem_create(
    *,
    actor,
    unit: Unit,
    title: str,
    source: str,
    found_on: datetime.date,
    campaign: Campaign | None = None,
    aspect=None,
    research_topic=None,
    description: str = "",
    responsible=None,
    term: str = ProblemTerm.TIME_BOUND,
    deadline: datetime.date | None = None,
    deadline_workdays: int | None = None,
    special_program: SpecialProgram | None = None,
    first_measure: dict | None = None,
    co_responsible: Sequence = (),
    start: bool = True,
) -> Problem:
    """Enter a problem on the ledger; with `first_measure` ({"text", "owner", "deadline"}) its
    first measure too, which starts the rectification (in_progress) unless `start` is False
    (a ledger's planned measures of a problem not yet started)."""
    title = _text(title, field="title", message=_lazy("问题不能为空。"), max_length=300)
    if source not in ProblemSource.values:
        raise ProblemError(_("问题来源无效。"), code="invalid_source", field="source")
    if term not in ProblemTerm.values:
        raise ProblemError(_("整改类型无效。"), code="invalid_term", field="term")
    if actor is not None and not user_can(actor, "record", unit):
        raise ProblemError(_("您没有在该单位登记问题的权限。"), code="forbidden")
    _check_links(
        unit=unit,
        campaign=campaign,
        aspect=aspect,
        research_topic=research_topic,
        special_program=special_program,
    )
    deadline = _deadline_from(found_on, deadline, deadline_workdays)
    problem = Problem(
        unit=unit,
        campaign=campaign,
        aspect=aspect,
        research_topic=research_topic,
        special_program=special_program,
        title=title,
        description=(description or "").strip(),
        responsible=responsible,
        source=source,
        found_on=found_on,
        term=term,
        deadline=deadline,
        deadline_workdays=deadline_workdays,
    )
    # The light as of today, set before the insert (an import enters thousands of rows).
    problem.light, problem.light_on = light_for(problem, timezone.localdate()), timezone.localdate()
    with metric_changes(Problem) as changes:
        problem.save(force_insert=True)
        ProblemTransition.objects.create(
            problem=problem, to_state=ProblemState.OPEN, day=found_on, actor=actor
        )
        changes.created([problem.pk])
    if co_responsible:
        problem.co_responsible.set(co_responsible)
    audit_record(
        actor=actor, action="problems.problem.created", target=problem, after=_snapshot(problem)
    )
    if first_measure:
        measure_add(
            actor=actor,
            problem=problem,
            text=first_measure.get("text", ""),
            added_on=first_measure.get("added_on") or found_on,
            owner=first_measure.get("owner"),
            deadline=first_measure.get("deadline"),
            start=start,
        )
        problem.refresh_from_db()
    return problem


# Fields `problem_update` may change. The deadline is not among them: it moves only by an
# approved extension (extension_request / extension_decide), so its history is kept.
_UPDATABLE = (
    "title",
    "description",
    "aspect",
    "source",
    "responsible",
    "term",
    "special_program",
    "next_checkpoint",
)


@transaction.atomic
def problem_update(*, actor, problem: Problem, **changes) -> Problem:
    """Correct a problem's particulars: any of title, description, aspect, source, responsible,
    term, special_program, next_checkpoint."""
    unknown = set(changes) - set(_UPDATABLE)
    if unknown:
        field = sorted(unknown)[0]
        if field in ("deadline", "deadline_workdays"):
            raise ProblemError(
                _("整改时限须通过延期申请调整，由上级审批。"),
                code="deadline_needs_extension",
                field="deadline",
            )
        raise ProblemError(_("不能修改该项。"), code="not_updatable", field=field)
    problem = _locked(problem)
    _require_record(actor, problem, _lazy("您没有修改该问题的权限。"))
    _refuse_closed(problem)
    before = _snapshot(problem)
    if "title" in changes:
        changes["title"] = _text(
            changes["title"], field="title", message=_lazy("问题不能为空。"), max_length=300
        )
    if "description" in changes:
        changes["description"] = (changes["description"] or "").strip()
    if "source" in changes and changes["source"] not in ProblemSource.values:
        raise ProblemError(_("问题来源无效。"), code="invalid_source", field="source")
    if "term" in changes and changes["term"] not in ProblemTerm.values:
        raise ProblemError(_("整改类型无效。"), code="invalid_term", field="term")
    _check_links(
        unit=problem.unit,
        campaign=problem.campaign,
        aspect=changes.get("aspect", problem.aspect),
        research_topic=problem.research_topic,
        special_program=changes.get("special_program", problem.special_program),
    )
    _not_before(
        changes.get("next_checkpoint"),
        problem.found_on,
        field="next_checkpoint",
        message=_lazy("下一检查节点不能早于发现日期。"),
    )
    with metric_changes(Problem, [problem.pk]):
        for name, value in changes.items():
            setattr(problem, name, value)
        problem.save(update_fields=list(changes) or ["title"])
        light_refresh(problem)
    audit_record(
        actor=actor,
        action="problems.problem.updated",
        target=problem,
        before=before,
        after=_snapshot(problem),
    )
    return problem


@transaction.atomic
def problem_set_state(
    *, actor, problem: Problem, state: str, day: datetime.date | None = None, comment: str = ""
) -> Problem:
    """Low-level state change without the lifecycle's checks, for the system itself (demo
    loader, metric tests). People go through the lifecycle services; a user is refused."""
    if actor is not None:
        raise ProblemError(
            _("问题状态须通过整改、销号申请和审核改变。"), code="use_lifecycle", field="state"
        )
    problem = _locked(problem)
    if state not in ProblemState.values:
        raise ProblemError(_("状态无效。"), code="invalid_state", field="state")
    if state == problem.state:
        raise ProblemError(_("问题已是该状态。"), code="same_state", field="state")
    day = day or timezone.localdate()
    with metric_changes(Problem, [problem.pk]):
        _transition(problem, actor=actor, to=state, day=day, comment=comment)
        light_refresh(problem, today=day)
    return problem


# ---------------------------------------------------------------------------------------------
# measures and progress


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
    text = _text(text, field="text", message=_lazy("整改措施不能为空。"))
    problem = _locked(problem)
    _require_record(actor, problem, _lazy("您没有为该问题登记整改措施的权限。"))
    _refuse_closed(problem)
    with metric_changes(Measure) as changes, metric_changes(Problem, [problem.pk]):
        measure = Measure.objects.create(
            problem=problem,
            text=text,
            owner=owner,
            deadline=deadline,
            added_on=added_on,
            created_by=actor,
        )
        changes.created([measure.pk])
        if start:
            _start(problem, actor=actor, day=added_on, why=_("登记整改措施"))
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
    _require_record(actor, problem, _lazy("您没有修改该整改措施的权限。"))
    _refuse_closed(problem)
    if measure.state == MeasureState.DONE:
        raise ProblemError(_("该整改措施已完成。"), code="already_done")
    _not_before(
        done_on, measure.added_on, field="done_on", message=_lazy("完成日期不能早于提出日期。")
    )


@transaction.atomic
def measure_complete(*, actor, measure: Measure, done_on: datetime.date) -> Measure:
    problem = _locked(measure.problem)
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


def clean_progress(text, percent) -> tuple[str, int]:
    """A progress report's text and percent, checked (for the single and the bulk form)."""
    text = _text(text, field="text", message=_lazy("整改进展不能为空。"))
    try:
        percent = int(percent)
    except (TypeError, ValueError):
        percent = -1
    if not 0 <= percent <= 100:
        raise ProblemError(
            _("整改进度须是 0 到 100 之间的整数。"), code="bad_percent", field="percent"
        )
    return text, percent


def check_progress(actor, problem: Problem, reported_on) -> None:
    _require_record(actor, problem, _lazy("您没有为该问题报告整改进展的权限。"))
    _refuse_closed(problem)
    _not_before(
        reported_on,
        problem.found_on,
        field="reported_on",
        message=_lazy("报告日期不能早于发现日期。"),
    )


@transaction.atomic
def progress_report_add(
    *,
    actor,
    problem: Problem,
    text: str,
    percent: int,
    reported_on: datetime.date,
    files: Sequence = (),
) -> ProgressReport:
    """Report progress (with evidence files); the problem's progress becomes the latest
    report's percent, and its light is recomputed."""
    text, percent = clean_progress(text, percent)
    problem = _locked(problem)
    check_progress(actor, problem, reported_on)
    checked = evidence_types.check_all(files)
    with metric_changes(Problem, [problem.pk]):
        report = ProgressReport.objects.create(
            problem=problem, text=text, percent=percent, reported_on=reported_on, created_by=actor
        )
        latest = problem.reports.order_by("-reported_on", "-pk").first()
        problem.progress_percent = latest.percent
        problem.save(update_fields=["progress_percent"])
        _start(problem, actor=actor, day=reported_on, why=_("报告整改进展"))
        light_refresh(problem)
    audit_record(
        actor=actor,
        action="problems.progress.reported",
        target=report,
        after={"problem": problem.pk, "percent": percent, "reported_on": reported_on},
    )
    _store_all(checked, actor=actor, problem=problem, progress_report=report)
    return report


# ---------------------------------------------------------------------------------------------
# evidence


def _store(checked, *, actor, problem, progress_report=None, closeout=None) -> Evidence:
    evidence = Evidence(
        problem=problem,
        progress_report=progress_report,
        closeout=closeout,
        original_name=checked.name,
        content_type=checked.mime,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    # The stored name is random (storage.evidence_path); only its extension comes from the
    # content check, never from the uploaded name.
    evidence.file.save(f"evidence.{checked.extension}", File(checked.file), save=False)
    try:
        evidence.save()
        audit_record(
            actor=actor,
            action="problems.evidence.added",
            target=evidence,
            after={
                "problem": problem.pk,
                "progress_report": getattr(progress_report, "pk", None),
                "closeout": getattr(closeout, "pk", None),
                "name": checked.name,
                "content_type": checked.mime,
                "size": checked.size,
                "sha256": checked.sha256,
            },
        )
    except BaseException:
        # The row is rolled back; do not leave its file behind. (A rollback of an enclosing
        # transaction after this service returned can still leave an unreferenced file in the
        # private directory: never served, as no row names it.)
        evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


def _store_all(checked: Iterable, **kwargs) -> list[Evidence]:
    return [_store(c, **kwargs) for c in checked]


@transaction.atomic
def evidence_add(*, actor, problem: Problem, file, progress_report=None) -> Evidence:
    """Attach one evidence file to a problem (or to one of its progress reports)."""
    checked = evidence_types.check(file)
    problem = _locked(problem)
    _require_record(actor, problem, _lazy("您没有为该问题上传佐证材料的权限。"))
    _refuse_closed(problem)
    if progress_report is not None and progress_report.problem_id != problem.pk:
        raise ProblemError(
            _("该整改进展不属于这个问题。"), code="report_mismatch", field="progress_report"
        )
    return _store(checked, actor=actor, problem=problem, progress_report=progress_report)


@transaction.atomic
def evidence_add_many(
    *, actor, problem: Problem, files: Sequence, progress_report=None
) -> list[Evidence]:
    """Attach several files at once: every file is checked before any is stored, and one bad
    file refuses them all."""
    checked = evidence_types.check_all(files)
    if not checked:
        raise ProblemError(_("请选择要上传的文件。"), code="files_required", field="files")
    problem = _locked(problem)
    _require_record(actor, problem, _lazy("您没有为该问题上传佐证材料的权限。"))
    _refuse_closed(problem)
    if progress_report is not None and progress_report.problem_id != problem.pk:
        raise ProblemError(
            _("该整改进展不属于这个问题。"), code="report_mismatch", field="progress_report"
        )
    return _store_all(checked, actor=actor, problem=problem, progress_report=progress_report)


# ---------------------------------------------------------------------------------------------
# close-out (销号)


def check_closeout(actor, problem: Problem, submitted_on, *, has_files: bool) -> None:
    """What `closeout_submit` and its bulk form refuse (the problem locked)."""
    _require_record(actor, problem, _lazy("您没有为该问题申请销号的权限。"))
    if problem.state == ProblemState.PENDING_REVIEW:
        raise ProblemError(_("该问题已提交销号申请，正在等待审核。"), code="already_pending")
    _refuse_closed(problem)
    if problem.state == ProblemState.OPEN:
        raise ProblemError(
            _("该问题尚未开始整改：请先登记整改措施或报告整改进展，再申请销号。"),
            code="not_started",
        )
    _not_before(
        submitted_on,
        problem.found_on,
        field="submitted_on",
        message=_lazy("申请日期不能早于发现日期。"),
    )
    if not has_files and not problem.evidence.exists():
        raise ProblemError(
            _("申请销号须提供佐证材料：请随申请上传，或在整改进展中上传。"),
            code="no_evidence",
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
                code="measure_unfinished",
                field="measures",
            )
    return to_finish, explained


def _settle_measures(actor, to_finish, explained, day: datetime.date) -> None:
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


def _notify_reviewers(problems: Sequence[Problem], *, kind: str, text, link) -> None:
    """Tell each problem's reviewers (`reviewers_of`) what waits for them: one notice per
    reviewer per call, however many of the problems are theirs. `text(problems)` and
    `link(problems)` word it for the reviewer's own problems."""
    mine: dict[int, list[int]] = {}
    for problem_id, users in reviewers_of(problems).items():
        for user_id in users:
            mine.setdefault(user_id, []).append(problem_id)
    by_pk = {p.pk: p for p in problems}
    for user_id, ids in mine.items():
        theirs = [by_pk[pk] for pk in ids]
        notification_send(
            recipients=[user_id],
            kind=kind,
            text=text(theirs),
            link=link(theirs),
            role=NoticeRole.REVIEWER,
        )


def _inbox_link() -> str:
    try:
        return reverse("problems:inbox")
    except NoReverseMatch:
        return ""


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
    _notify_reviewers(
        problems,
        kind="problems.closeout.submitted",
        text=_closeout_notice,
        link=lambda ps: _problem_link(ps[0]) if len(ps) == 1 else _inbox_link(),
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
    summary = _text(summary, field="summary", message=_lazy("请填写整改完成情况。"))
    checked = evidence_types.check_all(files)
    problem = _locked(problem)
    check_closeout(actor, problem, submitted_on, has_files=bool(checked))
    to_finish, explained = check_unfinished(
        problem.measures.all(), finish=finish, reasons=reasons or {}
    )
    for measure in to_finish:
        check_measure_complete(actor, problem, measure, submitted_on)
    _settle_measures(actor, to_finish, explained, submitted_on)
    if next_checkpoint is not None:
        _not_before(
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
        _transition(
            problem, actor=actor, to=ProblemState.PENDING_REVIEW, day=submitted_on, comment=summary
        )
        light_refresh(problem, today=submitted_on)
    audit_record(
        actor=actor,
        action="problems.closeout.submitted",
        target=closeout,
        after={"problem": problem.pk, "summary": summary, "submitted_on": submitted_on},
    )
    _store_all(checked, actor=actor, problem=problem, closeout=closeout)
    notify_closeouts_submitted([problem])
    return closeout


def _already_decided(closeout: CloseOut) -> ProblemError:
    who = closeout.decided_by.get_username() if closeout.decided_by else _("系统")
    return ProblemError(
        _("该销号申请已由 %(who)s 于 %(day)s 审核（%(verdict)s），无需重复审核。")
        % {"who": who, "day": closeout.decided_on, "verdict": closeout.get_state_display()},
        code="already_decided",
    )


def _require_reviewer(actor, problem: Problem, requested_by, *, own_code: str) -> None:
    if not can_review(actor, problem):
        raise ProblemError(
            _("只有上级单位或联系该单位的巡回指导组可以审核，本单位不能审核自己的问题。"),
            code="not_reviewer",
        )
    if actor is not None and requested_by is not None and actor.pk == requested_by.pk:
        raise ProblemError(_("不能审核自己提交的申请。"), code=own_code)


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
    problem = _locked(closeout.problem)
    closeout = (
        CloseOut.objects.select_for_update(of=("self",))
        .select_related("decided_by")
        .get(pk=closeout.pk)
    )
    _require_reviewer(actor, problem, closeout.submitted_by, own_code="own_closeout")
    if closeout.state != CloseOutState.PENDING:
        raise _already_decided(closeout)
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ProblemError(
            _("退回销号申请时，请写明理由。"), code="reason_required", field="reason"
        )
    _not_before(
        decided_on,
        closeout.submitted_on,
        field="decided_on",
        message=_lazy("审核日期不能早于申请日期。"),
    )
    checkpoint = None
    if accept and problem.term == ProblemTerm.LONG_TERM:
        checkpoint = next_checkpoint or problem.next_checkpoint
        if checkpoint is None or checkpoint <= decided_on:
            raise ProblemError(
                _("长期坚持的问题阶段销号后仍在台账上，请填写晚于审核日期的下一检查节点。"),
                code="next_checkpoint_required",
                field="next_checkpoint",
            )
    with metric_changes(Problem, [problem.pk]):
        closeout.state = CloseOutState.ACCEPTED if accept else CloseOutState.REJECTED
        closeout.decided_by, closeout.decided_on, closeout.reason = actor, decided_on, reason
        closeout.save(update_fields=["state", "decided_by", "decided_on", "reason"])
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
        _transition(problem, actor=actor, to=to, day=decided_on, comment=comment)
        light_refresh(problem, today=decided_on if to == ProblemState.CLOSED else None)
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
    _notify(
        [closeout.submitted_by],
        kind="problems.closeout",
        text=_("问题“%(title)s”的销号申请：%(verdict)s。%(reason)s")
        % {"title": problem.title, "verdict": verdict, "reason": reason},
        link=_problem_link(problem),
    )
    return closeout


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


# ---------------------------------------------------------------------------------------------
# deadline extensions (延期)


@transaction.atomic
def extension_request(
    *,
    actor,
    problem: Problem,
    new_deadline: datetime.date,
    reason: str,
    requested_on: datetime.date,
) -> DeadlineExtension:
    reason = _text(reason, field="reason", message=_lazy("请写明延期理由。"))
    problem = _locked(problem)
    _require_record(actor, problem, _lazy("您没有为该问题申请延期的权限。"))
    _refuse_closed(problem)
    if problem.extensions.filter(state=ExtensionState.PENDING).exists():
        raise ProblemError(_("该问题已有待审批的延期申请。"), code="extension_pending")
    current = problem.watched_deadline
    if new_deadline is None or (current is not None and new_deadline <= current):
        raise ProblemError(
            _("申请延至的日期须晚于现在的整改时限（%(day)s）。") % {"day": current},
            code="not_later",
            field="new_deadline",
        )
    _not_before(
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
    _notify_reviewers(
        [problem],
        kind="problems.extension.requested",
        text=lambda ps: (
            _("%(unit)s申请将问题“%(title)s”的整改时限延至 %(day)s，请审批。")
            % {"unit": ps[0].unit.name, "title": ps[0].title, "day": new_deadline.isoformat()}
        ),
        link=lambda ps: _problem_link(ps[0]) and _problem_link(ps[0]) + "#extensions",
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
    problem = _locked(extension.problem)
    extension = (
        DeadlineExtension.objects.select_for_update(of=("self",))
        .select_related("decided_by")
        .get(pk=extension.pk)
    )
    _require_reviewer(actor, problem, extension.requested_by, own_code="own_extension")
    if extension.state != ExtensionState.PENDING:
        raise ProblemError(
            _("该延期申请已审批（%(state)s），无需重复审批。")
            % {"state": extension.get_state_display()},
            code="already_decided",
        )
    note = (note or "").strip()
    if not approve and not note:
        raise ProblemError(_("不同意延期时，请写明意见。"), code="note_required", field="note")
    _not_before(
        decided_on,
        extension.requested_on,
        field="decided_on",
        message=_lazy("审批日期不能早于申请日期。"),
    )
    before = {"deadline": problem.deadline, "next_checkpoint": problem.next_checkpoint}
    with metric_changes(Problem, [problem.pk]):
        extension.state = ExtensionState.APPROVED if approve else ExtensionState.REFUSED
        extension.decided_by, extension.decided_on = actor, decided_on
        extension.decision_note = note
        extension.save(update_fields=["state", "decided_by", "decided_on", "decision_note"])
        if approve:
            if problem.term == ProblemTerm.LONG_TERM and problem.next_checkpoint:
                problem.next_checkpoint = extension.new_deadline
            else:
                problem.deadline, problem.deadline_workdays = extension.new_deadline, None
            problem.save(update_fields=["deadline", "deadline_workdays", "next_checkpoint"])
            light_refresh(problem)
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
    _notify(
        [extension.requested_by],
        kind="problems.extension",
        text=_("问题“%(title)s”的延期申请：%(verdict)s。%(note)s")
        % {
            "title": problem.title,
            "verdict": _("同意延期") if approve else _("不同意延期"),
            "note": note,
        },
        link=_problem_link(problem),
    )
    return extension


# ---------------------------------------------------------------------------------------------
# special programs and rules


@transaction.atomic
def special_program_create(
    *,
    actor,
    campaign: Campaign,
    name: str,
    lead_unit: Unit,
    plan: str = "",
    created_on: datetime.date | None = None,
) -> SpecialProgram:
    name = _text(name, field="name", message=_lazy("专项整治名称不能为空。"), max_length=200)
    if actor is not None and not user_can(actor, "record", lead_unit):
        raise ProblemError(_("您没有在该单位登记专项整治的权限。"), code="forbidden")
    if not lead_unit.path.startswith(campaign.root_unit.path):
        raise ProblemError(
            _("牵头单位不在这次主题教育的范围内。"), code="unit_outside_campaign", field="lead_unit"
        )
    if SpecialProgram.objects.filter(campaign=campaign, name=name).exists():
        raise ProblemError(
            _("这次主题教育已有名为“%(name)s”的专项整治。") % {"name": name},
            code="duplicate_name",
            field="name",
        )
    created_on = created_on or timezone.localdate()
    with metric_changes(SpecialProgram) as changes:
        program = SpecialProgram.objects.create(
            campaign=campaign,
            name=name,
            lead_unit=lead_unit,
            plan=(plan or "").strip(),
            created_on=created_on,
        )
        changes.created([program.pk])
    audit_record(
        actor=actor,
        action="problems.program.created",
        target=program,
        after={
            "campaign": campaign.pk,
            "name": name,
            "lead_unit": lead_unit.pk,
            "created_on": created_on,
        },
    )
    return program


@transaction.atomic
def special_program_assign(*, actor, program: SpecialProgram, problems: Iterable[Problem]) -> int:
    """Put problems under a special program (the ledger's bulk action): all or none. Returns
    how many changed (those already under it are left as they are)."""
    ids = sorted({p.pk for p in problems})
    locked = list(
        Problem.objects.select_for_update(of=("self",))
        .select_related("unit")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    for problem in locked:
        _require_record(
            actor,
            problem,
            _("您没有修改问题“%(title)s”的权限。") % {"title": problem.title},
        )
        if problem.campaign_id != program.campaign_id:
            raise ProblemError(
                _("问题“%(title)s”与专项整治不属于同一次主题教育。") % {"title": problem.title},
                code="program_mismatch",
                field="special_program",
            )
    changed = [p for p in locked if p.special_program_id != program.pk]
    if not changed:
        return 0
    items = [
        AuditItem(
            "problems.problem",
            str(p.pk),
            p.title,
            before={"special_program": p.special_program_id},
            after={"special_program": program.pk},
        )
        for p in changed
    ]
    changed_ids = [p.pk for p in changed]
    with metric_changes(Problem, changed_ids):
        Problem.objects.filter(pk__in=changed_ids).update(special_program=program)
    audit_record_many(actor=actor, action="problems.problem.updated", items=items)
    return len(changed)


def _check_rule_problems(rule_unit: Unit, problems: Iterable[Problem]) -> list[Problem]:
    problems = list(problems)
    for problem in problems:
        if not problem.unit.path.startswith(rule_unit.path):
            raise ProblemError(
                _("问题“%(title)s”不属于该单位及其下级单位。") % {"title": problem.title},
                code="problem_outside_unit",
                field="problems",
            )
    return problems


@transaction.atomic
def rule_create(
    *,
    actor,
    unit: Unit,
    title: str,
    kind: str,
    campaign: Campaign | None = None,
    problems: Iterable[Problem] = (),
    created_on: datetime.date | None = None,
) -> Rule:
    """Record a rule being drafted (建章立制), linked to the problems it fixes for good."""
    title = _text(title, field="title", message=_lazy("制度名称不能为空。"), max_length=300)
    if kind not in RuleKind.values:
        raise ProblemError(_("制度类别无效。"), code="invalid_kind", field="kind")
    if actor is not None and not user_can(actor, "record", unit):
        raise ProblemError(_("您没有在该单位登记制度机制的权限。"), code="forbidden")
    if campaign is not None and not unit.path.startswith(campaign.root_unit.path):
        raise ProblemError(_("该单位不在这次主题教育的范围内。"), code="unit_outside_campaign")
    problems = _check_rule_problems(unit, problems)
    created_on = created_on or timezone.localdate()
    with metric_changes(Rule) as changes:
        rule = Rule.objects.create(
            campaign=campaign,
            unit=unit,
            title=title,
            kind=kind,
            created_on=created_on,
            created_by=actor,
        )
        rule.problems.set(problems)
        changes.created([rule.pk])
    audit_record(
        actor=actor,
        action="problems.rule.created",
        target=rule,
        after={
            "unit": unit.pk,
            "campaign": getattr(campaign, "pk", None),
            "title": title,
            "kind": kind,
            "problems": sorted(p.pk for p in problems),
            "created_on": created_on,
        },
    )
    return rule


@transaction.atomic
def rule_issue(*, actor, rule: Rule, issued_on: datetime.date) -> Rule:
    rule = Rule.objects.select_for_update().select_related("unit").get(pk=rule.pk)
    if actor is not None and not user_can(actor, "record", rule.unit):
        raise ProblemError(_("您没有修改该制度机制的权限。"), code="forbidden")
    if rule.state == RuleState.ISSUED:
        raise ProblemError(_("该制度已印发。"), code="already_issued")
    if issued_on is None:
        raise ProblemError(_("请填写印发日期。"), code="issued_on_required", field="issued_on")
    with metric_changes(Rule, [rule.pk]):
        rule.state, rule.issued_on = RuleState.ISSUED, issued_on
        rule.save(update_fields=["state", "issued_on"])
    audit_record(
        actor=actor,
        action="problems.rule.issued",
        target=rule,
        before={"state": RuleState.DRAFTING},
        after={"state": RuleState.ISSUED, "issued_on": issued_on},
    )
    return rule


@transaction.atomic
def rule_link_problems(*, actor, rule: Rule, problems: Iterable[Problem]) -> Rule:
    """Set the problems a rule addresses (replacing the previous set)."""
    rule = Rule.objects.select_for_update().select_related("unit").get(pk=rule.pk)
    if actor is not None and not user_can(actor, "record", rule.unit):
        raise ProblemError(_("您没有修改该制度机制的权限。"), code="forbidden")
    problems = _check_rule_problems(rule.unit, problems)
    before = sorted(rule.problems.values_list("pk", flat=True))
    rule.problems.set(problems)
    audit_record(
        actor=actor,
        action="problems.rule.linked",
        target=rule,
        before={"problems": before},
        after={"problems": sorted(p.pk for p in problems)},
    )
    return rule


# The bulk forms of problem_create / measure_add (importers, the demo loader).
from shigan.problems.bulk import (  # noqa: E402
    CloseOutDraft,
    MeasureDraft,
    ProblemBulkRejected,
    ProblemDraft,
    ProgressDraft,
    closeout_bulk_record_accepted,
    closeout_bulk_submit,
    measure_bulk_add,
    measure_bulk_complete,
    problem_bulk_create,
    progress_report_bulk_add,
)
