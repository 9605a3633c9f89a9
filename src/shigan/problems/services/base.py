"""What every problem service shares: the coded error, the row lock, the state checks and
the transition that moves a problem with its audit entry."""

import datetime
from typing import TYPE_CHECKING, Protocol

from django.utils.translation import gettext as _

from shigan.audit.services import audit_record
from shigan.core.calendar import add_workdays
from shigan.core.errors import FieldCode
from shigan.orgs.models import Unit
from shigan.problems.choices import ProblemState
from shigan.problems.errors import ErrorCode, ProblemError
from shigan.problems.models import Problem, ProblemTransition
from shigan.problems.permissions import can_record, can_review

if TYPE_CHECKING:  # a stub-only type: django-stubs-ext is not installed in production
    from django_stubs_ext import StrOrPromise


class ProblemRef(Protocol):
    """What the bulk services read of a draft's problem: its id (a Problem, or the sheet
    import's bare id holder)."""

    @property
    def pk(self) -> int: ...


def required_text(
    value, *, field: str, message: "StrOrPromise", max_length: int | None = None
) -> str:
    value = (value or "").strip()
    if not value:
        raise ProblemError(message, code=FieldCode.required(field), field=field)
    if max_length and len(value) > max_length:
        raise ProblemError(
            _("不能超过 %(n)d 个字。") % {"n": max_length},
            code=FieldCode.too_long(field),
            field=field,
        )
    return value


def require_record(actor, problem: Problem, message: "StrOrPromise") -> None:
    if not can_record(actor, problem):
        raise ProblemError(message, code=ErrorCode.FORBIDDEN)


def lock_problem(problem: Problem) -> Problem:
    """The problem row, locked for the rest of the transaction: concurrent steps on one
    problem queue here and each sees the state the previous one left."""
    return (
        Problem.objects.select_for_update(of=("self",))
        .select_related("unit", "campaign", "carried_to")
        .get(pk=problem.pk)
    )


def carried_away(problem: Problem) -> bool:
    try:
        return problem.carried_to is not None
    except Problem.carried_to.RelatedObjectDoesNotExist:
        return False


def refuse_closed(problem: Problem) -> None:
    if problem.state == ProblemState.CLOSED:
        raise ProblemError(_("该问题已销号，不能再修改。"), code=ErrorCode.CLOSED)
    # Carried over to a later campaign: it stays as it stood that day (see carryover.py).
    # Read through the reverse link, which `lock_problem` (and the bulk checks) select along.
    if carried_away(problem):
        raise ProblemError(
            _("该问题已转入下一次主题教育，请在转入后的问题上继续整改。"),
            code=ErrorCode.CARRIED_OVER,
        )


def not_before(day, earliest, *, field: str, message: "StrOrPromise") -> None:
    if day is not None and earliest is not None and day < earliest:
        raise ProblemError(message, code=ErrorCode(f"{field}_too_early"), field=field)


def move_problem(problem: Problem, *, actor, to: str, day: datetime.date, comment: str = ""):
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


def start_problem(problem: Problem, *, actor, day: datetime.date, why: str) -> None:
    """open → in_progress on the first measure or progress report."""
    if problem.state == ProblemState.OPEN:
        move_problem(problem, actor=actor, to=ProblemState.IN_PROGRESS, day=day, comment=why)


def deadline_from(found_on: datetime.date, deadline, workdays) -> datetime.date | None:
    if deadline is not None and workdays is not None:
        raise ProblemError(
            _("整改时限请填写日期或工作日天数，不要同时填写。"),
            code=ErrorCode.DEADLINE_TWICE,
            field="deadline",
        )
    if workdays is not None:
        if workdays <= 0:
            raise ProblemError(
                _("整改时限的工作日天数须大于 0。"),
                code=ErrorCode.BAD_WORKDAYS,
                field="deadline_workdays",
            )
        return add_workdays(found_on, workdays)
    # A deadline before the found date is accepted: a ledger brought in late lists items that
    # were already overdue when entered, and they must show red, not be refused.
    return deadline


def check_links(*, unit: Unit, campaign, aspect, research_topic, special_program) -> None:
    if aspect is not None and (campaign is None or aspect.campaign_id != campaign.pk):
        raise ProblemError(
            _("方面不属于该主题教育。"), code=ErrorCode.ASPECT_MISMATCH, field="aspect"
        )
    if campaign is not None and not unit.path.startswith(campaign.root_unit.path):
        raise ProblemError(
            _("该单位不在这次主题教育的范围内。"), code=ErrorCode.UNIT_OUTSIDE_CAMPAIGN
        )
    if research_topic is not None and (
        research_topic.unit_id != unit.pk
        or research_topic.campaign_id != getattr(campaign, "pk", None)
    ):
        raise ProblemError(
            _("问题须与调研课题属于同一单位和主题教育。"),
            code=ErrorCode.TOPIC_MISMATCH,
            field="research_topic",
        )
    if special_program is not None and special_program.campaign_id != getattr(campaign, "pk", None):
        raise ProblemError(
            _("专项整治不属于该问题的主题教育。"),
            code=ErrorCode.PROGRAM_MISMATCH,
            field="special_program",
        )


def problem_snapshot(problem: Problem) -> dict:
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


def require_reviewer(actor, problem: Problem, requested_by, *, own_code: ErrorCode) -> None:
    if not can_review(actor, problem):
        raise ProblemError(
            _("只有上级单位或联系该单位的巡回指导组可以审核，本单位不能审核自己的问题。"),
            code=ErrorCode.NOT_REVIEWER,
        )
    if requested_by is not None and actor.pk == requested_by.pk:
        raise ProblemError(_("不能审核自己提交的申请。"), code=own_code)
