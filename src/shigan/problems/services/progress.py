"""Progress reports (整改进展): one with its evidence files, or many at once."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from shigan.audit.services import AuditItem, audit_record, audit_record_many
from shigan.core import uploads
from shigan.core.bulk import bulk_insert, reserve_ids
from shigan.metrics.engine import metric_changes
from shigan.problems.choices import ProblemState
from shigan.problems.errors import ErrorCode
from shigan.problems.models import Problem, ProgressReport
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
    bulk_transition,
    db_day,
    lock_problems,
    pk_of,
    refresh_lights,
    update_grouped,
)
from shigan.problems.services.evidence import store_all_evidence
from shigan.problems.watch import light_refresh


def clean_progress(text, percent) -> tuple[str, int]:
    """A progress report's text and percent, checked (for the single and the bulk form)."""
    text = required_text(text, field="text", message=_lazy("整改进展不能为空。"))
    try:
        percent = int(percent)
    except (TypeError, ValueError):
        percent = -1
    if not 0 <= percent <= 100:
        raise ProblemError(
            _("整改进度须是 0 到 100 之间的整数。"), code=ErrorCode.BAD_PERCENT, field="percent"
        )
    return text, percent


def check_progress(actor, problem: Problem, reported_on) -> None:
    require_record(actor, problem, _lazy("您没有为该问题报告整改进展的权限。"))
    refuse_closed(problem)
    not_before(
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
    problem = lock_problem(problem)
    check_progress(actor, problem, reported_on)
    checked = uploads.check_all(files)
    with metric_changes(Problem, [problem.pk]):
        report = ProgressReport.objects.create(
            problem=problem, text=text, percent=percent, reported_on=reported_on, created_by=actor
        )
        # The report just made, unless one of a later day was made before it.
        latest = problem.reports.order_by("-reported_on", "-pk").first() or report
        problem.progress_percent = latest.percent
        problem.save(update_fields=["progress_percent"])
        start_problem(problem, actor=actor, day=reported_on, why=_("报告整改进展"))
        light_refresh(problem)
    audit_record(
        actor=actor,
        action="problems.progress.reported",
        target=report,
        after={"problem": problem.pk, "percent": percent, "reported_on": reported_on},
    )
    store_all_evidence(checked, actor=actor, problem=problem, progress_report=report)
    return report


@dataclass
class ProgressDraft:
    problem: ProblemRef
    text: str
    percent: int
    reported_on: datetime.date


@transaction.atomic
def progress_report_bulk_add(*, actor, drafts: Sequence[ProgressDraft]) -> list[int]:
    """Many `progress_report_add`s (without files) at once, checked as the single one checks
    them; each problem takes its latest report's percent, starts if open, and gets its light."""
    drafts = list(drafts)
    if not drafts:
        return []
    locked = lock_problems(drafts)
    checks = BulkChecks(actor)

    def check(d: ProgressDraft) -> None:
        d.text, d.percent = clean_progress(d.text, d.percent)
        check_progress(actor, locked[d.problem.pk], d.reported_on)

    checks.run(drafts, check)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    ids = reserve_ids(ProgressReport, len(drafts))
    with metric_changes(Problem, list(locked)):
        bulk_insert(
            ProgressReport,
            ("id", "problem", "text", "percent", "reported_on", "created_by", "created_at"),
            (
                (pk, d.problem.pk, d.text, d.percent, db_day(d.reported_on), pk_of(actor), now)
                for pk, d in zip(ids, drafts, strict=True)
            ),
        )
        _take_latest_percents(locked)
        _start_opened(locked, drafts, actor=actor)
        refresh_lights(locked.values())
    audit_record_many(
        actor=actor,
        action="problems.progress.reported",
        items=(
            AuditItem(
                "problems.progressreport",
                str(pk),
                d.text[:60],
                None,
                {"problem": d.problem.pk, "percent": d.percent, "reported_on": d.reported_on},
            )
            for pk, d in zip(ids, drafts, strict=True)
        ),
    )
    return ids


def _take_latest_percents(locked: dict[int, Problem]) -> None:
    """Each problem's progress becomes its latest report's percent."""
    latest = {}
    reports = ProgressReport.objects.filter(problem_id__in=list(locked)).order_by(
        "problem_id", "reported_on", "pk"
    )
    for problem_id, percent in reports.values_list("problem_id", "percent"):
        latest[problem_id] = percent
    for pk, problem in locked.items():
        problem.progress_percent = latest.get(pk, problem.progress_percent)
    update_grouped(list(locked.values()), ("progress_percent",))


def _start_opened(locked: dict[int, Problem], drafts, *, actor) -> None:
    """Open problems start (in_progress) on the day of their first report in draft order."""
    first_day: dict[int, datetime.date] = {}
    for d in drafts:
        first_day.setdefault(d.problem.pk, d.reported_on)
    opened = [p for p in locked.values() if p.state == ProblemState.OPEN]
    why = _("报告整改进展")
    bulk_transition(
        opened,
        actor=actor,
        to=ProblemState.IN_PROGRESS,
        days={p.pk: first_day[p.pk] for p in opened},
        comments={p.pk: why for p in opened},
    )
