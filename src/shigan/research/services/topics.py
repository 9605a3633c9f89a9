"""Research topics (调研课题): created, reported on, concluded; and a problem the research found,
written into the rectification ledger with the source "research"."""

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.audit.services import audit_record
from shigan.campaigns.choices import AspectKind
from shigan.campaigns.models import Aspect, Campaign
from shigan.metrics.engine import metric_changes
from shigan.orgs.models import Person, Unit
from shigan.problems.choices import ProblemSource
from shigan.problems.models import Problem
from shigan.problems.services import problem_create
from shigan.research.choices import TopicState
from shigan.research.errors import ErrorCode
from shigan.research.models import ResearchReport, ResearchTopic, TopicTransition
from shigan.research.services.base import (
    ResearchError,
    _check_attachment,
    _clean_text,
    _locked,
    _require_record,
    _transition,
)

__all__ = ["topic_create", "topic_report_submit", "topic_conclude", "topic_problem_create"]


def _check_topic(*, unit: Unit, campaign: Campaign, aspect: Aspect, lead: Person | None) -> None:
    """A topic's unit is inside its campaign, its aspect a research aspect of that campaign, and
    it has a lead (one by one and in bulk alike)."""
    if not unit.path.startswith(campaign.root_unit.path):
        raise ResearchError(
            _("该单位不在这次主题教育的范围内。"),
            code=ErrorCode.UNIT_OUTSIDE_CAMPAIGN,
            field="unit",
        )
    if aspect.campaign_id != campaign.pk or aspect.kind != AspectKind.RESEARCH:
        raise ResearchError(
            _("方面须是这次主题教育的调研方面。"), code=ErrorCode.ASPECT_MISMATCH, field="aspect"
        )
    if lead is None:
        raise ResearchError(_("请选择牵头领导。"), code=ErrorCode.LEAD_REQUIRED, field="lead")


def _duplicate_title(title: str) -> ResearchError:
    return ResearchError(
        _("本单位已有名为“%(title)s”的课题。") % {"title": title},
        code=ErrorCode.DUPLICATE_TITLE,
        field="title",
    )


def _created_entry(unit, campaign, aspect, title, lead, participants, day) -> dict:
    """What the audit entry of a created topic keeps."""
    return {
        "unit": unit.pk,
        "campaign": campaign.pk,
        "aspect": aspect.pk,
        "title": title,
        "lead": lead.pk,
        "participants": [p.pk for p in participants],
        "created_on": day,
    }


@transaction.atomic
def topic_create(
    *,
    actor,
    unit: Unit,
    campaign: Campaign,
    aspect: Aspect,
    title: str,
    lead: Person,
    participants: Sequence[Person] = (),
    created_on: datetime.date | None = None,
) -> ResearchTopic:
    title = _clean_text(title, field="title", message=_("课题名称不能为空。"), max_length=200)
    _require_record(actor, unit)
    _check_topic(unit=unit, campaign=campaign, aspect=aspect, lead=lead)
    if ResearchTopic.objects.filter(unit=unit, campaign=campaign, title=title).exists():
        raise _duplicate_title(title)
    day = created_on or timezone.localdate()
    with metric_changes(ResearchTopic) as changes:
        topic = ResearchTopic.objects.create(
            unit=unit,
            campaign=campaign,
            aspect=aspect,
            title=title,
            lead=lead,
            created_on=day,
            created_by=actor,
        )
        TopicTransition.objects.create(
            topic=topic, to_state=TopicState.DRAFTING, day=day, actor=actor
        )
        changes.created([topic.pk])
    if participants:
        topic.participants.set(participants)
    audit_record(
        actor=actor,
        action="research.topic.created",
        target=topic,
        after=_created_entry(unit, campaign, aspect, title, lead, participants, day),
    )
    return topic


@transaction.atomic
def topic_report_submit(
    *,
    actor,
    topic: ResearchTopic,
    text: str,
    attachment=None,
    day: datetime.date | None = None,
) -> ResearchReport:
    topic = _locked(topic)
    _require_record(actor, topic.unit)
    text = _clean_text(text, field="text", message=_("报告内容不能为空。"))
    _check_attachment(attachment)
    if topic.state != TopicState.RESEARCHING:
        raise ResearchError(
            _("开展调研后、结题前才能提交调研报告。"), code=ErrorCode.NOT_RESEARCHING
        )
    day = day or timezone.localdate()
    report = ResearchReport.objects.create(
        topic=topic, text=text, attachment=attachment or "", submitted_by=actor, submitted_on=day
    )
    audit_record(
        actor=actor,
        action="research.report.submitted",
        target=report,
        after={"topic": topic.pk, "day": day, "attachment": report.attachment.name or ""},
    )
    _transition(topic, actor=actor, to=TopicState.REPORTED, day=day)
    return report


@transaction.atomic
def topic_conclude(
    *, actor, topic: ResearchTopic, comment: str = "", day: datetime.date | None = None
) -> ResearchTopic:
    topic = _locked(topic)
    _require_record(actor, topic.unit)
    if topic.state != TopicState.REPORTED:
        raise ResearchError(_("提交调研报告后才能结题。"), code=ErrorCode.NOT_REPORTED)
    _transition(
        topic,
        actor=actor,
        to=TopicState.CONCLUDED,
        day=day or timezone.localdate(),
        comment=(comment or "").strip(),
    )
    return topic


@transaction.atomic
def topic_problem_create(
    *,
    actor,
    topic: ResearchTopic,
    title: str,
    found_on: datetime.date,
    aspect: Aspect | None = None,
) -> Problem:
    """A problem found by the research: a `Problem` with source "research" linked to it."""
    topic = _locked(topic)
    _require_record(actor, topic.unit)
    if not topic.takes_findings():
        raise ResearchError(_("开展调研后才能登记发现的问题。"), code=ErrorCode.NOT_STARTED)
    if aspect is not None and aspect.kind != AspectKind.PROBLEM:
        raise ResearchError(_("请选择问题方面。"), code=ErrorCode.ASPECT_MISMATCH, field="aspect")
    problem = problem_create(
        actor=actor,
        unit=topic.unit,
        title=title,
        source=ProblemSource.RESEARCH,
        found_on=found_on,
        campaign=topic.campaign,
        aspect=aspect,
        research_topic=topic,
    )
    return problem
