"""Bulk writes (the demo scenario, large imports): each checks its drafts with the rules of the
one-by-one service, in draft order, then writes all of them with one insert per table, their
transitions and audit entries, the metric facts kept in step. Any invalid draft refuses the
whole call (`ResearchBulkRejected`) before anything is written."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.audit.services import AuditItem, audit_record_many
from shigan.campaigns.models import Aspect, Campaign, GuidanceGroup
from shigan.campaigns.services import is_group_member_for
from shigan.core.bulk import bulk_insert, reserve_ids
from shigan.core.errors import RowsRejected
from shigan.metrics.engine import metric_changes
from shigan.orgs.models import Person, Unit
from shigan.orgs.permissions import user_can
from shigan.research.choices import TopicState, Verdict
from shigan.research.errors import ErrorCode
from shigan.research.models import (
    PlanReview,
    ResearchPlan,
    ResearchTopic,
    ResearchTrip,
    TopicTransition,
)
from shigan.research.services.base import ResearchError, _clean_text
from shigan.research.services.plans import notify_plans_submitted
from shigan.research.services.topics import _check_topic, _created_entry, _duplicate_title
from shigan.research.services.trips import _check_place

__all__ = [
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


class ResearchBulkRejected(RowsRejected):
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
            self.allowed[unit.pk] = user_can(self.actor, "record", unit)
        if not self.allowed[unit.pk]:
            raise ResearchError(_("您没有在该单位登记调研的权限。"), code=ErrorCode.FORBIDDEN)

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
        info.update({row["pk"]: dict(row) for row in rows})
        last = (
            TopicTransition.objects.filter(topic__in=ids[i : i + 2000])
            .values("topic")
            .annotate(day=Max("day"))
            .values_list("topic", "day")
        )
        for pk, day in last:
            info[pk]["last_day"] = day
    return info


def _link_people(relation, owner: str, ids: list[int], people_of) -> None:
    """The many-to-many rows between each new row (`owner`: its column) and its people."""
    through = relation.through
    through.objects.bulk_create(
        [
            through(**{owner: pk, "person_id": p.pk})
            for pk, people in zip(ids, people_of, strict=True)
            for p in dict.fromkeys(people)
        ],
        batch_size=500,
    )


def _check_topic_draft(checks: _Checks, taken: set, d: TopicDraft) -> None:
    """`topic_create`'s rules; `taken` holds the (unit, campaign, title) already in use."""
    d.title = _clean_text(d.title, field="title", message=_("课题名称不能为空。"), max_length=200)
    checks.record(d.unit)
    _check_topic(unit=d.unit, campaign=d.campaign, aspect=d.aspect, lead=d.lead)
    key = (d.unit.pk, d.campaign.pk, d.title)
    if key in taken:
        raise _duplicate_title(d.title)
    taken.add(key)


def _insert_topics(actor, drafts: Sequence[TopicDraft]) -> list[int]:
    """The topics' rows and their first transitions (to drafting), in draft order."""
    ids = reserve_ids(ResearchTopic, len(drafts))
    now, actor_id = _now_db(), getattr(actor, "pk", None)
    columns: tuple[str, ...] = ("id", "unit", "campaign", "aspect", "title", "lead", "state")
    columns += ("created_on", "created_by", "created_at")
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
    return ids


@transaction.atomic
def topic_bulk_create(*, actor, drafts: Sequence[TopicDraft]) -> list[int]:
    """Many `topic_create`s at once; returns the new topics' ids in draft order."""
    checks = _Checks(actor)
    taken = set(
        ResearchTopic.objects.filter(unit__in={d.unit.pk for d in drafts}).values_list(
            "unit_id", "campaign_id", "title"
        )
    )
    checks.run(drafts, partial(_check_topic_draft, checks, taken))
    ids = _insert_topics(actor, drafts)
    _link_people(
        ResearchTopic.participants, "researchtopic_id", ids, [d.participants for d in drafts]
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
                _created_entry(
                    d.unit, d.campaign, d.aspect, d.title, d.lead, d.participants, d.created_on
                ),
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
                code=ErrorCode.NOT_DRAFTING,
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


class _ReviewRules:
    """`topic_plan_review`'s rules for a batch of reviews by one member: what they look up,
    and the plans accepted so far with the group the member reviews each for."""

    def __init__(self, actor, drafts: Sequence[ReviewDraft]):
        self.actor = actor
        self.plans = {
            p.pk: p
            for p in ResearchPlan.objects.filter(pk__in=[d.plan.pk for d in drafts]).select_related(
                "topic", "topic__unit", "topic__campaign"
            )
        }
        self.latest = dict(
            ResearchPlan.objects.filter(topic__in={p.topic_id for p in self.plans.values()})
            .values("topic")
            .annotate(n=Max("version"))
            .values_list("topic", "n")
        )
        self.states = {p.topic_id: p.topic.state for p in self.plans.values()}
        self.groups: dict[tuple[int, int], GuidanceGroup | None] = {}
        self.accepted: list[tuple[ResearchPlan, GuidanceGroup]] = []

    def group(self, topic: ResearchTopic) -> GuidanceGroup | None:
        key = (topic.unit_id, topic.campaign_id)
        if key not in self.groups:
            self.groups[key] = is_group_member_for(self.actor, topic.unit, topic.campaign)
        return self.groups[key]

    def check(self, d: ReviewDraft) -> None:
        plan = self.plans[d.plan.pk]
        topic = plan.topic
        if d.verdict not in Verdict.values:
            raise ResearchError(
                _("审核意见无效。"), code=ErrorCode.INVALID_VERDICT, field="verdict"
            )
        group = self.group(topic)
        if group is None:
            raise ResearchError(
                _("只有联系该单位的巡回指导组成员可以审核调研方案。"), code=ErrorCode.NOT_IN_GROUP
            )
        if (
            self.states[topic.pk] != TopicState.PLAN_SUBMITTED
            or self.latest[topic.pk] != plan.version
        ):
            raise ResearchError(_("该方案不在待审核状态。"), code=ErrorCode.NOT_SUBMITTED)
        d.comments = (d.comments or "").strip()
        if d.verdict == Verdict.REVISE and not d.comments:
            raise ResearchError(
                _("要求修改完善时，请写明具体意见。"),
                code=ErrorCode.COMMENTS_REQUIRED,
                field="comments",
            )
        approved = d.verdict == Verdict.APPROVED
        self.states[topic.pk] = TopicState.PLAN_APPROVED if approved else TopicState.DRAFTING
        self.accepted.append((plan, group))


@transaction.atomic
def plan_bulk_review(*, actor, drafts: Sequence[ReviewDraft]) -> list[int]:
    """Many `topic_plan_review`s by one guidance-group member; returns the reviews' ids."""
    checks = _Checks(actor)
    rules = _ReviewRules(actor, drafts)
    accepted = rules.accepted
    checks.run(drafts, rules.check)
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
    to: dict[str, TopicState] = {
        Verdict.APPROVED: TopicState.PLAN_APPROVED,
        Verdict.REVISE: TopicState.DRAFTING,
    }
    _bulk_moves(
        actor,
        [
            _Move(plan.topic_id, TopicState.PLAN_SUBMITTED, to[d.verdict], d.day, d.comments)
            for (plan, _group), d in zip(accepted, drafts, strict=True)
        ],
    )
    return ids


def _check_trip_draft(checks: _Checks, info: dict, moves: list[_Move], d: TripDraft) -> None:
    """`topic_trip_log`'s rules; the first trip of a topic whose plan was approved adds the
    move that starts its research (never before the plan's approval)."""
    topic = info[d.topic.pk]
    checks.record(d.topic.unit)
    if topic["state"] == TopicState.CONCLUDED:
        raise ResearchError(_("课题已结题，不能再登记调研。"), code=ErrorCode.CONCLUDED)
    if topic["state"] not in (TopicState.PLAN_APPROVED, TopicState.RESEARCHING):
        raise ResearchError(
            _("调研方案审核通过后才能登记调研。"), code=ErrorCode.PLAN_NOT_APPROVED, field="topic"
        )
    _check_place(d.place, topic["campaign__root_unit__path"])
    d.findings = (d.findings or "").strip()
    if topic["state"] == TopicState.PLAN_APPROVED:
        day = max(d.visited_on, topic["last_day"])
        moves.append(_Move(d.topic.pk, TopicState.PLAN_APPROVED, TopicState.RESEARCHING, day))
        topic["state"] = TopicState.RESEARCHING


@transaction.atomic
def trip_bulk_log(*, actor, drafts: Sequence[TripDraft]) -> list[int]:
    """Many `topic_trip_log`s at once; the first trip of a topic whose plan was approved
    starts its research, as one by one. Returns the trips' ids in draft order."""
    checks = _Checks(actor)
    info = _topics_info(d.topic.pk for d in drafts)
    moves: list[_Move] = []
    checks.run(drafts, partial(_check_trip_draft, checks, info, moves))
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
    _link_people(ResearchTrip.people, "researchtrip_id", ids, [d.people for d in drafts])
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
