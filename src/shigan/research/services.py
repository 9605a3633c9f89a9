"""Writes on research topics. Every state change goes through one of these services, writes a
`TopicTransition` row (who, when, from, to, comment) and its audit entry in one transaction."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.audit.services import AuditItem, audit_record, audit_record_many
from shigan.campaigns.choices import AspectKind, VisitPurpose
from shigan.campaigns.models import Aspect, Campaign, GuidanceGroup, GuidanceVisit
from shigan.campaigns.selectors import guidance_members
from shigan.campaigns.services import guidance_visit_log, is_group_member_for
from shigan.core.bulk import bulk_insert, reserve_ids
from shigan.core.errors import DomainError, RowsRejected
from shigan.metrics.engine import metric_changes
from shigan.notifications.rules import Role as NoticeRole
from shigan.notifications.services import notification_send
from shigan.orgs.choices import UnitKind
from shigan.orgs.models import Person, Unit
from shigan.orgs.permissions import user_can
from shigan.orgs.scoping import subtree_q
from shigan.problems.choices import ProblemSource
from shigan.problems.models import Problem
from shigan.problems.services import problem_create
from shigan.research.choices import AdoptionState, ResultKind, ResultState, TopicState, Verdict
from shigan.research.models import (
    PlanReview,
    PromotionTarget,
    ResearchPlan,
    ResearchReport,
    ResearchResult,
    ResearchTopic,
    ResearchTrip,
    ResultPromotion,
    TargetTransition,
    TopicTransition,
)

__all__ = [
    "ResearchError",
    "topic_create",
    "topic_plan_submit",
    "topic_plan_review",
    "topic_trip_log",
    "topic_report_submit",
    "topic_conclude",
    "topic_problem_create",
    "result_create",
    "result_adopt",
    "research_visit_log",
    "result_promote",
    "promotion_report",
    "ResearchBulkRejected",
    "TopicDraft",
    "PlanDraft",
    "ReviewDraft",
    "TripDraft",
    "topic_bulk_create",
    "plan_bulk_submit",
    "plan_bulk_review",
    "trip_bulk_log",
]

MAX_ATTACHMENT = 20 * 2**20
ATTACHMENT_TYPES = {".pdf", ".doc", ".docx", ".wps", ".ofd", ".txt", ".jpg", ".jpeg", ".png"}


class ResearchError(DomainError):
    pass


def _require_record(actor, unit: Unit) -> None:
    if actor is not None and not user_can(actor, "record", unit):
        raise ResearchError(_("您没有在该单位登记调研的权限。"), code="forbidden")


def _clean_text(value: str, *, field: str, message: str, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise ResearchError(message, code=f"{field}_required", field=field)
    if max_length and len(value) > max_length:
        raise ResearchError(
            _("不能超过 %(n)d 个字。") % {"n": max_length}, code=f"{field}_too_long", field=field
        )
    return value


def _check_attachment(attachment) -> None:
    if not attachment:
        return
    name = getattr(attachment, "name", "") or ""
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if ext not in ATTACHMENT_TYPES:
        raise ResearchError(
            _("附件类型不支持，请上传 PDF、Word、WPS、OFD、文本或图片。"),
            code="bad_attachment",
            field="attachment",
        )
    if (getattr(attachment, "size", 0) or 0) > MAX_ATTACHMENT:
        raise ResearchError(
            _("附件不能超过 20 MB。"), code="attachment_too_big", field="attachment"
        )


def _transition(topic: ResearchTopic, *, actor, to: str, day: datetime.date, comment: str = ""):
    """Move the topic to `to`, with its transition row and audit entry."""
    before = topic.state
    with metric_changes(ResearchTopic, [topic.pk]):
        TopicTransition.objects.create(
            topic=topic, from_state=before, to_state=to, day=day, actor=actor, comment=comment
        )
        topic.state = to
        topic.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action="research.topic.transitioned",
        target=topic,
        before={"state": before},
        after={"state": to, "day": day, "comment": comment},
    )


def _locked(topic: ResearchTopic) -> ResearchTopic:
    return (
        ResearchTopic.objects.select_for_update()
        .select_related("unit", "campaign")
        .get(pk=topic.pk)
    )


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
    if not unit.path.startswith(campaign.root_unit.path):
        raise ResearchError(
            _("该单位不在这次主题教育的范围内。"), code="unit_outside_campaign", field="unit"
        )
    if aspect.campaign_id != campaign.pk or aspect.kind != AspectKind.RESEARCH:
        raise ResearchError(
            _("方面须是这次主题教育的调研方面。"), code="aspect_mismatch", field="aspect"
        )
    if lead is None:
        raise ResearchError(_("请选择牵头领导。"), code="lead_required", field="lead")
    if ResearchTopic.objects.filter(unit=unit, campaign=campaign, title=title).exists():
        raise ResearchError(
            _("本单位已有名为“%(title)s”的课题。") % {"title": title},
            code="duplicate_title",
            field="title",
        )
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
        after={
            "unit": unit.pk,
            "campaign": campaign.pk,
            "aspect": aspect.pk,
            "title": title,
            "lead": lead.pk,
            "participants": [p.pk for p in participants],
            "created_on": day,
        },
    )
    return topic


@transaction.atomic
def topic_plan_submit(
    *,
    actor,
    topic: ResearchTopic,
    text: str,
    attachment=None,
    day: datetime.date | None = None,
) -> ResearchPlan:
    """Submit the plan for review; after a "revise" verdict the plan comes back as a new
    version (all versions are kept)."""
    topic = _locked(topic)
    _require_record(actor, topic.unit)
    text = _clean_text(text, field="text", message=_("方案内容不能为空。"))
    _check_attachment(attachment)
    if topic.state != TopicState.DRAFTING:
        raise ResearchError(
            _("只有起草中的课题可以提交方案（当前：%(state)s）。")
            % {"state": topic.get_state_display()},
            code="not_drafting",
        )
    day = day or timezone.localdate()
    version = (topic.plans.aggregate(n=Max("version"))["n"] or 0) + 1
    plan = ResearchPlan.objects.create(
        topic=topic,
        version=version,
        text=text,
        attachment=attachment or "",
        submitted_by=actor,
        submitted_on=day,
    )
    audit_record(
        actor=actor,
        action="research.plan.submitted",
        target=plan,
        after={"topic": topic.pk, "version": version, "attachment": plan.attachment.name or ""},
    )
    _transition(topic, actor=actor, to=TopicState.PLAN_SUBMITTED, day=day)
    notify_plans_submitted([topic.pk])
    return plan


def notify_plans_submitted(topic_ids) -> None:
    """Tell the guidance-group members who review these topics' plans (a group of the topic's
    campaign assigned to its unit or an ancestor: who `inbox_plans` shows them to) that plans
    wait: one notice per member per submission, however many plans are theirs."""
    topics = list(ResearchTopic.objects.filter(pk__in=list(topic_ids)).select_related("unit"))
    guides = guidance_members(topics)
    mine: dict[int, list[ResearchTopic]] = {}
    for topic in topics:
        for user_id in guides[topic.pk]:
            mine.setdefault(user_id, []).append(topic)
    for user_id, theirs in mine.items():
        if len(theirs) == 1:
            text = _("%(unit)s提交了调研课题“%(title)s”的调研方案，请审核。") % {
                "unit": theirs[0].unit.name,
                "title": theirs[0].title,
            }
        else:
            text = _("有 %(n)d 个调研方案待您审核（如%(unit)s“%(title)s”）。") % {
                "n": len(theirs),
                "unit": theirs[0].unit.name,
                "title": theirs[0].title,
            }
        notification_send(
            recipients=[user_id],
            kind="research.plan",
            text=text,
            link=reverse("research:inbox"),
            role=NoticeRole.REVIEWER,
        )


@transaction.atomic
def topic_plan_review(
    *,
    actor,
    plan: ResearchPlan,
    verdict: str,
    comments: str = "",
    day: datetime.date | None = None,
) -> PlanReview:
    """A guidance-group member assigned to the topic's unit (or an ancestor) in the same
    campaign approves the plan or sends it back for revision."""
    topic = _locked(plan.topic)
    if verdict not in Verdict.values:
        raise ResearchError(_("审核意见无效。"), code="invalid_verdict", field="verdict")
    group = is_group_member_for(actor, topic.unit, topic.campaign)
    if group is None:
        raise ResearchError(
            _("只有联系该单位的巡回指导组成员可以审核调研方案。"), code="not_in_group"
        )
    latest = topic.plans.order_by("-version").first()
    if topic.state != TopicState.PLAN_SUBMITTED or latest is None or latest.pk != plan.pk:
        raise ResearchError(_("该方案不在待审核状态。"), code="not_submitted")
    comments = (comments or "").strip()
    if verdict == Verdict.REVISE and not comments:
        raise ResearchError(
            _("要求修改完善时，请写明具体意见。"), code="comments_required", field="comments"
        )
    day = day or timezone.localdate()
    review = PlanReview.objects.create(
        plan=plan, group=group, reviewer=actor, verdict=verdict, comments=comments, reviewed_on=day
    )
    audit_record(
        actor=actor,
        action="research.plan.reviewed",
        target=plan,
        after={"verdict": verdict, "group": group.pk, "comments": comments, "day": day},
    )
    to = TopicState.PLAN_APPROVED if verdict == Verdict.APPROVED else TopicState.DRAFTING
    _transition(topic, actor=actor, to=to, day=day, comment=comments)
    return review


@transaction.atomic
def topic_trip_log(
    *,
    actor,
    topic: ResearchTopic,
    visited_on: datetime.date,
    place: Unit,
    people: Sequence[Person] = (),
    findings: str = "",
) -> ResearchTrip:
    """Log a field trip; the first one after the plan is approved starts the research."""
    topic = _locked(topic)
    _require_record(actor, topic.unit)
    if topic.state == TopicState.CONCLUDED:
        raise ResearchError(_("课题已结题，不能再登记调研。"), code="concluded")
    if not topic.takes_trips():
        raise ResearchError(
            _("调研方案审核通过后才能登记调研。"), code="plan_not_approved", field="topic"
        )
    if place is None or not place.path.startswith(topic.campaign.root_unit.path):
        raise ResearchError(
            _("调研地点须在这次主题教育的范围内。"), code="place_outside_campaign", field="place"
        )
    with metric_changes(ResearchTrip) as changes:
        trip = ResearchTrip.objects.create(
            topic=topic,
            unit_id=topic.unit_id,
            campaign_id=topic.campaign_id,
            visited_on=visited_on,
            place=place,
            findings=(findings or "").strip(),
            created_by=actor,
        )
        changes.created([trip.pk])
    if people:
        trip.people.set(people)
    audit_record(
        actor=actor,
        action="research.trip.logged",
        target=trip,
        after={
            "topic": topic.pk,
            "visited_on": visited_on,
            "place": place.pk,
            "people": [p.pk for p in people],
        },
    )
    if topic.state == TopicState.PLAN_APPROVED:
        # The research starts with the first trip, never before the plan was approved.
        approved_on = topic.transitions.order_by("-day", "-pk").values_list("day", flat=True)[0]
        _transition(topic, actor=actor, to=TopicState.RESEARCHING, day=max(visited_on, approved_on))
    return trip


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
        raise ResearchError(_("开展调研后、结题前才能提交调研报告。"), code="not_researching")
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
        raise ResearchError(_("提交调研报告后才能结题。"), code="not_reported")
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
        raise ResearchError(_("开展调研后才能登记发现的问题。"), code="not_started")
    if aspect is not None and aspect.kind != AspectKind.PROBLEM:
        raise ResearchError(_("请选择问题方面。"), code="aspect_mismatch", field="aspect")
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


@transaction.atomic
def result_create(
    *,
    actor,
    topic: ResearchTopic,
    kind: str,
    title: str,
    recorded_on: datetime.date | None = None,
    state: str = ResultState.DRAFTING,
    adopted_on: datetime.date | None = None,
) -> ResearchResult:
    topic = _locked(topic)
    _require_record(actor, topic.unit)
    title = _clean_text(title, field="title", message=_("成果名称不能为空。"), max_length=200)
    if kind not in ResultKind.values:
        raise ResearchError(_("成果类型无效。"), code="invalid_kind", field="kind")
    if state not in ResultState.values:
        raise ResearchError(_("采纳状态无效。"), code="invalid_state", field="state")
    if not topic.takes_findings():
        raise ResearchError(_("开展调研后才能登记调研成果。"), code="not_started")
    if state == ResultState.ADOPTED and adopted_on is None:
        raise ResearchError(
            _("已采纳的成果须填写采纳日期。"), code="adopted_on_required", field="adopted_on"
        )
    if state == ResultState.DRAFTING:
        adopted_on = None
    with metric_changes(ResearchResult) as changes:
        result = ResearchResult.objects.create(
            topic=topic,
            unit_id=topic.unit_id,
            campaign_id=topic.campaign_id,
            kind=kind,
            title=title,
            state=state,
            recorded_on=recorded_on or timezone.localdate(),
            adopted_on=adopted_on,
            created_by=actor,
        )
        changes.created([result.pk])
    audit_record(
        actor=actor,
        action="research.result.created",
        target=result,
        after={
            "topic": topic.pk,
            "kind": kind,
            "title": title,
            "state": state,
            "adopted_on": adopted_on,
        },
    )
    return result


@transaction.atomic
def result_adopt(
    *, actor, result: ResearchResult, adopted_on: datetime.date | None = None
) -> ResearchResult:
    result = ResearchResult.objects.select_for_update().select_related("unit").get(pk=result.pk)
    _require_record(actor, result.unit)
    if result.state == ResultState.ADOPTED:
        raise ResearchError(_("该成果已采纳。"), code="already_adopted")
    adopted_on = adopted_on or timezone.localdate()
    with metric_changes(ResearchResult, [result.pk]):
        result.state = ResultState.ADOPTED
        result.adopted_on = adopted_on
        result.save(update_fields=["state", "adopted_on"])
    audit_record(
        actor=actor,
        action="research.result.adopted",
        target=result,
        before={"state": ResultState.DRAFTING},
        after={"state": ResultState.ADOPTED, "adopted_on": adopted_on},
    )
    return result


@transaction.atomic
def research_visit_log(
    *,
    actor,
    group: GuidanceGroup,
    unit: Unit,
    visited_on: datetime.date,
    notes: str = "",
) -> GuidanceVisit:
    """A guidance visit about research (指导调查研究); the campaigns service keeps the figures."""
    return guidance_visit_log(
        actor=actor,
        group=group,
        unit=unit,
        visited_on=visited_on,
        purpose=VisitPurpose.RESEARCH,
        notes=notes,
    )


# -- promotion (推广) ---------------------------------------------------------------------------
# An adopted result is promoted to units — the units of one kind in a subtree (a banner's
# gacha/villages), a list, or both — with a deadline; each unit answers adopted or not
# applicable. Figures count the promoted units and those that adopted, by the units' subtrees.

PROMOTION_MAX_TARGETS = 20000
ANSWERS = (AdoptionState.ADOPTED, AdoptionState.NOT_APPLICABLE)


def _promotion_units(
    *, campaign: Campaign, scopes: Sequence[Unit], target_kind: str, units: Sequence[Unit]
) -> list[Unit]:
    """The units a promotion reaches, in tree order; each inside the campaign."""
    root = campaign.root_unit
    found: dict[int, Unit] = {}
    for scope in scopes:
        if not scope.path.startswith(root.path):
            raise ResearchError(
                _("“%(unit)s”不在这次主题教育的范围内。") % {"unit": scope},
                code="scope_outside",
                field="scopes",
            )
    if scopes:
        if target_kind not in UnitKind.values:
            raise ResearchError(_("请选择推广到哪一级单位。"), code="bad_kind", field="target_kind")
        below = Unit.objects.filter(
            subtree_q([s.path for s in scopes]), kind=target_kind, active=True
        ).exclude(pk__in=[s.pk for s in scopes])
        found.update((u.pk, u) for u in below.order_by("path")[: PROMOTION_MAX_TARGETS + 1])
    for unit in units:
        if not unit.active or not unit.path.startswith(root.path):
            raise ResearchError(
                _("“%(unit)s”不在这次主题教育的范围内。") % {"unit": unit},
                code="unit_outside",
                field="units",
            )
        found.setdefault(unit.pk, unit)
    if not found:
        raise ResearchError(
            _("推广范围内没有可推广的单位，请选择推广范围或单位。"),
            code="no_targets",
            field="scopes",
        )
    if len(found) > PROMOTION_MAX_TARGETS:
        raise ResearchError(
            _("一次最多推广到 %(n)d 个单位。") % {"n": PROMOTION_MAX_TARGETS},
            code="too_many_targets",
            field="scopes",
        )
    return sorted(found.values(), key=lambda u: u.path)


@transaction.atomic
def result_promote(
    *,
    actor,
    result: ResearchResult,
    deadline: datetime.date,
    scopes: Sequence[Unit] = (),
    target_kind: str = UnitKind.VILLAGE,
    units: Sequence[Unit] = (),
    promoted_on: datetime.date | None = None,
    note: str = "",
) -> ResultPromotion:
    """Promote an adopted result (成果推广) to units, who each answer by `deadline`."""
    result = (
        ResearchResult.objects.select_for_update()
        .select_related("unit", "campaign__root_unit")
        .get(pk=result.pk)
    )
    _require_record(actor, result.unit)
    if result.state != ResultState.ADOPTED:
        raise ResearchError(_("成果采纳后才能推广。"), code="not_adopted")
    promoted_on = promoted_on or timezone.localdate()
    if result.adopted_on and promoted_on < result.adopted_on:
        raise ResearchError(
            _("推广日期不能早于成果采纳日期。"), code="promoted_too_early", field="promoted_on"
        )
    if deadline is None or deadline <= promoted_on:
        raise ResearchError(_("反馈期限须晚于推广日期。"), code="bad_deadline", field="deadline")
    scopes = list({s.pk: s for s in scopes}.values())
    targets = _promotion_units(
        campaign=result.campaign, scopes=scopes, target_kind=target_kind, units=units
    )
    note = (note or "").strip()
    promotion = ResultPromotion.objects.create(
        result=result,
        unit_id=result.unit_id,
        campaign_id=result.campaign_id,
        target_kind=target_kind if scopes else "",
        promoted_on=promoted_on,
        deadline=deadline,
        note=note,
        created_by=actor,
    )
    promotion.scopes.set(scopes)
    with metric_changes(PromotionTarget) as changes:
        made = PromotionTarget.objects.bulk_create(
            PromotionTarget(
                promotion=promotion,
                unit=unit,
                campaign_id=result.campaign_id,
                promoted_on=promoted_on,
            )
            for unit in targets
        )
        TargetTransition.objects.bulk_create(
            TargetTransition(target=t, to_state=AdoptionState.PENDING, day=promoted_on, actor=actor)
            for t in made
        )
        changes.created([t.pk for t in made])
    audit_record(
        actor=actor,
        action="research.result.promoted",
        target=promotion,
        after={
            "result": result.pk,
            "scopes": [s.pk for s in scopes],
            "target_kind": promotion.target_kind,
            "units": [u.pk for u in targets],
            "promoted_on": promoted_on,
            "deadline": deadline,
            "note": note,
        },
    )
    return promotion


@transaction.atomic
def promotion_report(
    *,
    actor,
    target: PromotionTarget,
    state: str,
    note: str = "",
    day: datetime.date | None = None,
) -> PromotionTarget:
    """A promoted unit answers: adopted (已采用) or not applicable (不适用, with the reason).
    A later answer replaces the earlier one; both stay in the history."""
    target = (
        PromotionTarget.objects.select_for_update()
        .select_related("unit", "promotion")
        .get(pk=target.pk)
    )
    if actor is not None and not user_can(actor, "record", target.unit):
        raise ResearchError(_("您没有为该单位反馈采用情况的权限。"), code="forbidden")
    if state not in ANSWERS:
        raise ResearchError(_("请选择已采用或不适用。"), code="bad_state", field="state")
    note = (note or "").strip()
    if len(note) > 2000:
        raise ResearchError(
            _("不能超过 %(n)d 个字。") % {"n": 2000}, code="note_too_long", field="note"
        )
    if state == AdoptionState.NOT_APPLICABLE and not note:
        raise ResearchError(_("不适用时请说明理由。"), code="note_required", field="note")
    day = day or timezone.localdate()
    if day < target.promoted_on or day > timezone.localdate():
        raise ResearchError(_("反馈日期须在推广日期和今天之间。"), code="bad_day", field="day")
    if state == target.state and note == target.note:
        raise ResearchError(_("采用情况没有变化。"), code="unchanged", field="state")
    before = {"state": target.state, "note": target.note, "reported_on": target.reported_on}
    with metric_changes(PromotionTarget, [target.pk]):
        TargetTransition.objects.create(
            target=target,
            from_state=target.state,
            to_state=state,
            day=day,
            actor=actor,
            comment=note,
        )
        target.state, target.note, target.reported_on = state, note, day
        target.save(update_fields=["state", "note", "reported_on"])
    audit_record(
        actor=actor,
        action="research.promotion.reported",
        target=target,
        before=before,
        after={"state": state, "note": note, "reported_on": day},
    )
    return target


# ---------------------------------------------------------------------------------------------
# Bulk writes (the demo scenario, large imports): each checks its drafts with the rules of the
# one-by-one service above, in draft order, then writes all of them with one insert per table,
# their transitions and audit entries, the metric facts kept in step. Any invalid draft
# refuses the whole call (`ResearchBulkRejected`) before anything is written.


class ResearchBulkRejected(RowsRejected, ResearchError):
    def __init__(self, errors: dict[int, ResearchError]):
        super().__init__(
            _("有 %(n)d 条记录不符合要求，全部未保存。") % {"n": len(errors)}, errors=errors
        )


@dataclass
class TopicDraft:
    unit: Unit
    campaign: Campaign
    aspect: Aspect
    title: str
    lead: Person
    created_on: datetime.date
    participants: Sequence[Person] = ()


@dataclass
class PlanDraft:
    topic: ResearchTopic
    text: str
    day: datetime.date


@dataclass
class ReviewDraft:
    plan: ResearchPlan
    verdict: str
    day: datetime.date
    comments: str = ""


@dataclass
class TripDraft:
    topic: ResearchTopic
    visited_on: datetime.date
    place: Unit
    people: Sequence[Person] = ()
    findings: str = ""


@dataclass
class _Move:
    topic_id: int
    from_state: str
    to_state: str
    day: datetime.date
    comment: str = ""


class _Checks:
    """Per-call caches of what the rules look up, and the refused drafts."""

    def __init__(self, actor):
        self.actor = actor
        self.allowed: dict[int, bool] = {}
        self.errors: dict[int, ResearchError] = {}

    def record(self, unit: Unit) -> None:
        if unit.pk not in self.allowed:
            self.allowed[unit.pk] = self.actor is None or user_can(self.actor, "record", unit)
        if not self.allowed[unit.pk]:
            raise ResearchError(_("您没有在该单位登记调研的权限。"), code="forbidden")

    def run(self, drafts, check) -> list[int]:
        """The indexes of the drafts `check` accepts; raises if any is refused."""
        accepted = []
        for index, draft in enumerate(drafts):
            try:
                check(draft)
            except ResearchError as error:
                self.errors[index] = error
                continue
            accepted.append(index)
        if self.errors:
            raise ResearchBulkRejected(self.errors)
        return accepted


def _now_db():
    return connection.ops.adapt_datetimefield_value(timezone.now())


def _day_db(day):
    return connection.ops.adapt_datefield_value(day)


def _bulk_moves(actor, moves: list[_Move]) -> None:
    """Transition rows, topic states, their facts and audit entries, for many topics."""
    if not moves:
        return
    topic_ids = list(dict.fromkeys(m.topic_id for m in moves))
    final = {m.topic_id: m.to_state for m in moves}
    now, actor_id = _now_db(), getattr(actor, "pk", None)
    ids = reserve_ids(TopicTransition, len(moves))
    with metric_changes(ResearchTopic, topic_ids):
        bulk_insert(
            TopicTransition,
            ("id", "topic", "from_state", "to_state", "day", "at", "actor", "comment"),
            (
                (pk, m.topic_id, m.from_state, m.to_state, _day_db(m.day), now, actor_id, m.comment)
                for pk, m in zip(ids, moves, strict=True)
            ),
        )
        by_state: dict[str, list[int]] = {}
        for topic_id, state in final.items():
            by_state.setdefault(state, []).append(topic_id)
        for state, pks in by_state.items():
            for i in range(0, len(pks), 2000):
                ResearchTopic.objects.filter(pk__in=pks[i : i + 2000]).update(state=state)
    titles: dict[int, str] = {}
    for i in range(0, len(topic_ids), 2000):
        chunk = topic_ids[i : i + 2000]
        titles.update(ResearchTopic.objects.filter(pk__in=chunk).values_list("pk", "title"))
    audit_record_many(
        actor=actor,
        action="research.topic.transitioned",
        items=(
            AuditItem(
                "research.researchtopic",
                str(m.topic_id),
                titles[m.topic_id],
                {"state": m.from_state},
                {"state": m.to_state, "day": m.day, "comment": m.comment},
            )
            for m in moves
        ),
    )


def _topics_info(topic_ids) -> dict[int, dict]:
    """State, unit, campaign root path and last transition day of each topic."""
    info: dict[int, dict] = {}
    ids = sorted(set(topic_ids))
    for i in range(0, len(ids), 2000):
        rows = ResearchTopic.objects.filter(pk__in=ids[i : i + 2000]).values(
            "pk", "state", "unit_id", "campaign_id", "campaign__root_unit__path", "title"
        )
        info.update({row["pk"]: row for row in rows})
        last = (
            TopicTransition.objects.filter(topic__in=ids[i : i + 2000])
            .values("topic")
            .annotate(day=Max("day"))
            .values_list("topic", "day")
        )
        for pk, day in last:
            info[pk]["last_day"] = day
    return info


@transaction.atomic
def topic_bulk_create(*, actor, drafts: Sequence[TopicDraft]) -> list[int]:
    """Many `topic_create`s at once; returns the new topics' ids in draft order."""
    checks = _Checks(actor)
    taken = set(
        ResearchTopic.objects.filter(unit__in={d.unit.pk for d in drafts}).values_list(
            "unit_id", "campaign_id", "title"
        )
    )

    def check(d: TopicDraft) -> None:
        d.title = _clean_text(
            d.title, field="title", message=_("课题名称不能为空。"), max_length=200
        )
        checks.record(d.unit)
        if not d.unit.path.startswith(d.campaign.root_unit.path):
            raise ResearchError(
                _("该单位不在这次主题教育的范围内。"), code="unit_outside_campaign", field="unit"
            )
        if d.aspect.campaign_id != d.campaign.pk or d.aspect.kind != AspectKind.RESEARCH:
            raise ResearchError(
                _("方面须是这次主题教育的调研方面。"), code="aspect_mismatch", field="aspect"
            )
        if d.lead is None:
            raise ResearchError(_("请选择牵头领导。"), code="lead_required", field="lead")
        key = (d.unit.pk, d.campaign.pk, d.title)
        if key in taken:
            raise ResearchError(
                _("本单位已有名为“%(title)s”的课题。") % {"title": d.title},
                code="duplicate_title",
                field="title",
            )
        taken.add(key)

    checks.run(drafts, check)
    ids = reserve_ids(ResearchTopic, len(drafts))
    now, actor_id = _now_db(), getattr(actor, "pk", None)
    columns = ("id", "unit", "campaign", "aspect", "title", "lead", "state", "created_on")
    columns += ("created_by", "created_at")
    transition_ids = reserve_ids(TopicTransition, len(drafts))
    with metric_changes(ResearchTopic) as changes:
        bulk_insert(
            ResearchTopic,
            columns,
            (
                (pk, d.unit.pk, d.campaign.pk, d.aspect.pk, d.title, d.lead.pk,
                 TopicState.DRAFTING, _day_db(d.created_on), actor_id, now)
                for pk, d in zip(ids, drafts, strict=True)
            ),
        )  # fmt: skip
        bulk_insert(
            TopicTransition,
            ("id", "topic", "from_state", "to_state", "day", "at", "actor", "comment"),
            (
                (t, pk, "", TopicState.DRAFTING, _day_db(d.created_on), now, actor_id, "")
                for t, pk, d in zip(transition_ids, ids, drafts, strict=True)
            ),
        )
        changes.created(ids)
    through = ResearchTopic.participants.through
    through.objects.bulk_create(
        [
            through(researchtopic_id=pk, person_id=p.pk)
            for pk, d in zip(ids, drafts, strict=True)
            for p in dict.fromkeys(d.participants)
        ],
        batch_size=500,
    )
    audit_record_many(
        actor=actor,
        action="research.topic.created",
        items=(
            AuditItem(
                "research.researchtopic",
                str(pk),
                d.title,
                None,
                {
                    "unit": d.unit.pk,
                    "campaign": d.campaign.pk,
                    "aspect": d.aspect.pk,
                    "title": d.title,
                    "lead": d.lead.pk,
                    "participants": [p.pk for p in d.participants],
                    "created_on": d.created_on,
                },
            )
            for pk, d in zip(ids, drafts, strict=True)
        ),
    )
    return ids


@transaction.atomic
def plan_bulk_submit(*, actor, drafts: Sequence[PlanDraft]) -> list[int]:
    """Many `topic_plan_submit`s at once (no attachments); returns the plans' ids."""
    checks = _Checks(actor)
    info = _topics_info(d.topic.pk for d in drafts)
    versions = dict(
        ResearchPlan.objects.filter(topic__in=list(info))
        .values("topic")
        .annotate(n=Max("version"))
        .values_list("topic", "n")
    )
    planned: list[tuple[int, int]] = []  # (topic id, version)

    def check(d: PlanDraft) -> None:
        topic = info[d.topic.pk]
        checks.record(d.topic.unit)
        d.text = _clean_text(d.text, field="text", message=_("方案内容不能为空。"))
        if topic["state"] != TopicState.DRAFTING:
            raise ResearchError(
                _("只有起草中的课题可以提交方案（当前：%(state)s）。")
                % {"state": TopicState(topic["state"]).label},
                code="not_drafting",
            )
        topic["state"] = TopicState.PLAN_SUBMITTED
        versions[d.topic.pk] = versions.get(d.topic.pk, 0) + 1
        planned.append((d.topic.pk, versions[d.topic.pk]))

    checks.run(drafts, check)
    ids = reserve_ids(ResearchPlan, len(drafts))
    now, actor_id = _now_db(), getattr(actor, "pk", None)
    bulk_insert(
        ResearchPlan,
        ("id", "topic", "version", "text", "attachment", "submitted_by", "submitted_on")
        + ("submitted_at",),
        (
            (pk, topic_id, version, d.text, "", actor_id, _day_db(d.day), now)
            for pk, (topic_id, version), d in zip(ids, planned, drafts, strict=True)
        ),
    )
    audit_record_many(
        actor=actor,
        action="research.plan.submitted",
        items=(
            AuditItem(
                "research.researchplan",
                str(pk),
                f"v{version}",
                None,
                {"topic": topic_id, "version": version, "attachment": ""},
            )
            for pk, (topic_id, version) in zip(ids, planned, strict=True)
        ),
    )
    _bulk_moves(
        actor,
        [_Move(d.topic.pk, TopicState.DRAFTING, TopicState.PLAN_SUBMITTED, d.day) for d in drafts],
    )
    notify_plans_submitted([d.topic.pk for d in drafts])
    return ids


@transaction.atomic
def plan_bulk_review(*, actor, drafts: Sequence[ReviewDraft]) -> list[int]:
    """Many `topic_plan_review`s by one guidance-group member; returns the reviews' ids."""
    checks = _Checks(actor)
    plans = {
        p.pk: p
        for p in ResearchPlan.objects.filter(pk__in=[d.plan.pk for d in drafts]).select_related(
            "topic", "topic__unit", "topic__campaign"
        )
    }
    latest = dict(
        ResearchPlan.objects.filter(topic__in={p.topic_id for p in plans.values()})
        .values("topic")
        .annotate(n=Max("version"))
        .values_list("topic", "n")
    )
    states = {p.topic_id: p.topic.state for p in plans.values()}
    groups: dict[tuple[int, int], GuidanceGroup | None] = {}
    accepted: list[tuple[ResearchPlan, GuidanceGroup]] = []

    def check(d: ReviewDraft) -> None:
        plan = plans[d.plan.pk]
        topic = plan.topic
        if d.verdict not in Verdict.values:
            raise ResearchError(_("审核意见无效。"), code="invalid_verdict", field="verdict")
        key = (topic.unit_id, topic.campaign_id)
        if key not in groups:
            groups[key] = is_group_member_for(actor, topic.unit, topic.campaign)
        if groups[key] is None:
            raise ResearchError(
                _("只有联系该单位的巡回指导组成员可以审核调研方案。"), code="not_in_group"
            )
        if states[topic.pk] != TopicState.PLAN_SUBMITTED or latest[topic.pk] != plan.version:
            raise ResearchError(_("该方案不在待审核状态。"), code="not_submitted")
        d.comments = (d.comments or "").strip()
        if d.verdict == Verdict.REVISE and not d.comments:
            raise ResearchError(
                _("要求修改完善时，请写明具体意见。"), code="comments_required", field="comments"
            )
        approved = d.verdict == Verdict.APPROVED
        states[topic.pk] = TopicState.PLAN_APPROVED if approved else TopicState.DRAFTING
        accepted.append((plan, groups[key]))

    checks.run(drafts, check)
    ids = reserve_ids(PlanReview, len(drafts))
    now = _now_db()
    bulk_insert(
        PlanReview,
        ("id", "plan", "group", "reviewer", "verdict", "comments", "reviewed_on", "reviewed_at"),
        (
            (pk, plan.pk, group.pk, actor.pk, d.verdict, d.comments, _day_db(d.day), now)
            for pk, (plan, group), d in zip(ids, accepted, drafts, strict=True)
        ),
    )
    audit_record_many(
        actor=actor,
        action="research.plan.reviewed",
        items=(
            AuditItem(
                "research.researchplan",
                str(plan.pk),
                str(plan),
                None,
                {"verdict": d.verdict, "group": group.pk, "comments": d.comments, "day": d.day},
            )
            for (plan, group), d in zip(accepted, drafts, strict=True)
        ),
    )
    to = {Verdict.APPROVED: TopicState.PLAN_APPROVED, Verdict.REVISE: TopicState.DRAFTING}
    _bulk_moves(
        actor,
        [
            _Move(plan.topic_id, TopicState.PLAN_SUBMITTED, to[d.verdict], d.day, d.comments)
            for (plan, _group), d in zip(accepted, drafts, strict=True)
        ],
    )
    return ids


@transaction.atomic
def trip_bulk_log(*, actor, drafts: Sequence[TripDraft]) -> list[int]:
    """Many `topic_trip_log`s at once; the first trip of a topic whose plan was approved
    starts its research, as one by one. Returns the trips' ids in draft order."""
    checks = _Checks(actor)
    info = _topics_info(d.topic.pk for d in drafts)
    moves: list[_Move] = []

    def check(d: TripDraft) -> None:
        topic = info[d.topic.pk]
        checks.record(d.topic.unit)
        if topic["state"] == TopicState.CONCLUDED:
            raise ResearchError(_("课题已结题，不能再登记调研。"), code="concluded")
        if topic["state"] not in (TopicState.PLAN_APPROVED, TopicState.RESEARCHING):
            raise ResearchError(
                _("调研方案审核通过后才能登记调研。"), code="plan_not_approved", field="topic"
            )
        if d.place is None or not d.place.path.startswith(topic["campaign__root_unit__path"]):
            raise ResearchError(
                _("调研地点须在这次主题教育的范围内。"),
                code="place_outside_campaign",
                field="place",
            )
        d.findings = (d.findings or "").strip()
        if topic["state"] == TopicState.PLAN_APPROVED:
            day = max(d.visited_on, topic["last_day"])
            moves.append(_Move(d.topic.pk, TopicState.PLAN_APPROVED, TopicState.RESEARCHING, day))
            topic["state"] = TopicState.RESEARCHING

    checks.run(drafts, check)
    ids = reserve_ids(ResearchTrip, len(drafts))
    now, actor_id = _now_db(), getattr(actor, "pk", None)
    columns = ("id", "topic", "unit", "campaign", "visited_on", "place", "findings")
    with metric_changes(ResearchTrip) as changes:
        bulk_insert(
            ResearchTrip,
            columns + ("created_by", "created_at"),
            (
                (pk, d.topic.pk, info[d.topic.pk]["unit_id"], info[d.topic.pk]["campaign_id"],
                 _day_db(d.visited_on), d.place.pk, d.findings, actor_id, now)
                for pk, d in zip(ids, drafts, strict=True)
            ),
        )  # fmt: skip
        changes.created(ids)
    through = ResearchTrip.people.through
    through.objects.bulk_create(
        [
            through(researchtrip_id=pk, person_id=p.pk)
            for pk, d in zip(ids, drafts, strict=True)
            for p in dict.fromkeys(d.people)
        ],
        batch_size=500,
    )
    audit_record_many(
        actor=actor,
        action="research.trip.logged",
        items=(
            AuditItem(
                "research.researchtrip",
                str(pk),
                f"{info[d.topic.pk]['title']} · {d.place} · {d.visited_on}",
                None,
                {
                    "topic": d.topic.pk,
                    "visited_on": d.visited_on,
                    "place": d.place.pk,
                    "people": [p.pk for p in d.people],
                },
            )
            for pk, d in zip(ids, drafts, strict=True)
        ),
    )
    _bulk_moves(actor, moves)
    return ids
