"""A topic's plan (调研方案): submitted, version after version, and reviewed by the guidance-group
members who review it, who are told when plans wait."""

import datetime

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.audit.services import audit_record
from shigan.campaigns.selectors import guidance_members
from shigan.campaigns.services import is_group_member_for
from shigan.notifications.rules import Role as NoticeRole
from shigan.notifications.services import notification_send
from shigan.research.choices import TopicState, Verdict
from shigan.research.errors import ErrorCode
from shigan.research.models import PlanReview, ResearchPlan, ResearchTopic
from shigan.research.services.base import (
    ResearchError,
    _check_attachment,
    _clean_text,
    _locked,
    _require_record,
    _transition,
)

__all__ = ["topic_plan_submit", "notify_plans_submitted", "topic_plan_review"]


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
            code=ErrorCode.NOT_DRAFTING,
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
        raise ResearchError(_("审核意见无效。"), code=ErrorCode.INVALID_VERDICT, field="verdict")
    group = is_group_member_for(actor, topic.unit, topic.campaign)
    if group is None:
        raise ResearchError(
            _("只有联系该单位的巡回指导组成员可以审核调研方案。"), code=ErrorCode.NOT_IN_GROUP
        )
    latest = topic.plans.order_by("-version").first()
    if topic.state != TopicState.PLAN_SUBMITTED or latest is None or latest.pk != plan.pk:
        raise ResearchError(_("该方案不在待审核状态。"), code=ErrorCode.NOT_SUBMITTED)
    comments = (comments or "").strip()
    if verdict == Verdict.REVISE and not comments:
        raise ResearchError(
            _("要求修改完善时，请写明具体意见。"),
            code=ErrorCode.COMMENTS_REQUIRED,
            field="comments",
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
