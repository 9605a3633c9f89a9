"""Writes on problems. Minimal for now: enter a problem and change its state; the rectification
issue adds measures, close-out review, deadlines and evidence on top of these."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.audit.services import audit_record
from shigan.core.errors import DomainError
from shigan.metrics.engine import metric_changes
from shigan.orgs.models import Unit
from shigan.orgs.services import user_can
from shigan.problems.choices import ProblemSource, ProblemState
from shigan.problems.models import Measure, Problem, ProblemTransition

__all__ = ["ProblemError", "problem_create", "problem_set_state", "measure_add"]


class ProblemError(DomainError):
    pass


@transaction.atomic
def problem_create(
    *,
    actor,
    unit: Unit,
    title: str,
    source: str,
    found_on: datetime.date,
    campaign=None,
    aspect=None,
    research_topic=None,
) -> Problem:
    title = (title or "").strip()
    if not title:
        raise ProblemError(_("问题不能为空。"), code="title_required", field="title")
    if source not in ProblemSource.values:
        raise ProblemError(_("问题来源无效。"), code="invalid_source", field="source")
    if actor is not None and not user_can(actor, "record", unit):
        raise ProblemError(_("您没有在该单位登记问题的权限。"), code="forbidden")
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
    with metric_changes(Problem) as changes:
        problem = Problem.objects.create(
            unit=unit,
            campaign=campaign,
            aspect=aspect,
            research_topic=research_topic,
            title=title,
            source=source,
            found_on=found_on,
        )
        ProblemTransition.objects.create(
            problem=problem, to_state=ProblemState.OPEN, day=found_on, actor=actor
        )
        changes.created([problem.pk])
    audit_record(
        actor=actor,
        action="problems.problem.created",
        target=problem,
        after={
            "unit": unit.pk,
            "campaign": getattr(campaign, "pk", None),
            "aspect": getattr(aspect, "pk", None),
            "research_topic": getattr(research_topic, "pk", None),
            "title": title,
            "source": source,
            "found_on": found_on,
        },
    )
    return problem


@transaction.atomic
def problem_set_state(
    *, actor, problem: Problem, state: str, day: datetime.date | None = None, comment: str = ""
) -> Problem:
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if state not in ProblemState.values:
        raise ProblemError(_("状态无效。"), code="invalid_state", field="state")
    if actor is not None and not user_can(actor, "record", problem.unit):
        raise ProblemError(_("您没有修改该问题的权限。"), code="forbidden")
    if state == problem.state:
        raise ProblemError(_("问题已是该状态。"), code="same_state", field="state")
    day = day or timezone.localdate()
    before = problem.state
    with metric_changes(Problem, [problem.pk]):
        ProblemTransition.objects.create(
            problem=problem,
            from_state=before,
            to_state=state,
            day=day,
            actor=actor,
            comment=comment,
        )
        problem.state = state
        problem.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action="problems.problem.state_changed",
        target=problem,
        before={"state": before},
        after={"state": state, "day": day},
    )
    return problem


@transaction.atomic
def measure_add(
    *,
    actor,
    problem: Problem,
    text: str,
    added_on: datetime.date,
    owner=None,
    deadline: datetime.date | None = None,
) -> Measure:
    text = (text or "").strip()
    if not text:
        raise ProblemError(_("整改措施不能为空。"), code="text_required", field="text")
    if actor is not None and not user_can(actor, "record", problem.unit):
        raise ProblemError(_("您没有为该问题登记整改措施的权限。"), code="forbidden")
    if deadline is not None and deadline < added_on:
        raise ProblemError(
            _("完成时限不能早于提出日期。"), code="deadline_before_added", field="deadline"
        )
    with metric_changes(Measure) as changes:
        measure = Measure.objects.create(
            problem=problem,
            text=text,
            owner=owner,
            deadline=deadline,
            added_on=added_on,
            created_by=actor,
        )
        changes.created([measure.pk])
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
