"""Field trips (调研) of a topic, the first of which starts the research; and guidance visits about
research (指导调查研究)."""

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from shigan.audit.services import audit_record
from shigan.campaigns.choices import VisitPurpose
from shigan.campaigns.models import GuidanceGroup, GuidanceVisit
from shigan.campaigns.services import guidance_visit_log
from shigan.core.changes import create_tracked
from shigan.orgs.models import Person, Unit
from shigan.research.choices import TopicState
from shigan.research.errors import ErrorCode
from shigan.research.models import ResearchTopic, ResearchTrip
from shigan.research.services.base import ResearchError, _locked, _require_record, _transition

__all__ = ["topic_trip_log", "research_visit_log"]


def _check_place(place: Unit | None, campaign_root_path: str) -> None:
    if place is None or not place.path.startswith(campaign_root_path):
        raise ResearchError(
            _("调研地点须在这次主题教育的范围内。"),
            code=ErrorCode.PLACE_OUTSIDE_CAMPAIGN,
            field="place",
        )


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
        raise ResearchError(_("课题已结题，不能再登记调研。"), code=ErrorCode.CONCLUDED)
    if not topic.takes_trips():
        raise ResearchError(
            _("调研方案审核通过后才能登记调研。"), code=ErrorCode.PLAN_NOT_APPROVED, field="topic"
        )
    _check_place(place, topic.campaign.root_unit.path)
    trip = create_tracked(
        ResearchTrip,
        topic=topic,
        unit_id=topic.unit_id,
        campaign_id=topic.campaign_id,
        visited_on=visited_on,
        place=place,
        findings=(findings or "").strip(),
        created_by=actor,
    )
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
