"""Reads on study sessions; each starts from `restrict(user, action)`: the system passes
`accounts.system_actor(reason)`, and None (like a visitor not signed in) sees nothing.

The metrics engine sums rows per unit, campaign, day and one dimension; it cannot count
DISTINCT people nor filter by batch. Those figures are computed here from the records, and each
returns the records behind its number.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from shigan.campaigns.models import Batch, Campaign, Participation
from shigan.core.actors import is_system_actor
from shigan.orgs.models import Person, Unit
from shigan.orgs.scoping import path_upper
from shigan.orgs.selectors import unit_get
from shigan.study.choices import LEADER_RANKS
from shigan.study.models import StudyActivity, StudyParticipant

__all__ = [
    "activity_get",
    "activity_list",
    "study_leaders",
    "study_coverage",
    "study_sessions_of_batch",
    "leader_candidates",
    "Coverage",
]


def _scoped(model, user, action: str = "view") -> QuerySet:
    return model.objects.restrict(user, action)


def _under(unit: Unit, field: str = "unit__path") -> Q:
    return Q(**{f"{field}__gte": unit.path, f"{field}__lt": path_upper(unit.path)})


def activity_get(*, user, pk, action: str = "view") -> StudyActivity:
    """The activity if the user may `action` on its unit; 404 otherwise."""
    return get_object_or_404(
        _scoped(StudyActivity, user, action).select_related("unit", "campaign", "created_by"),
        pk=pk,
    )


def activity_list(
    *,
    user,
    unit: Unit,
    campaign=None,
    kind: str | None = None,
    held_from: datetime.date | None = None,
    held_to: datetime.date | None = None,
    subtree: bool = True,
) -> QuerySet[StudyActivity]:
    """The unit's sessions (with its subtree's unless `subtree` is False), newest first."""
    activities = _scoped(StudyActivity, user)
    activities = activities.filter(_under(unit)) if subtree else activities.filter(unit=unit)
    if campaign is not None:
        activities = activities.filter(campaign=campaign)
    if kind:
        activities = activities.filter(kind=kind)
    if held_from:
        activities = activities.filter(held_on__gte=held_from)
    if held_to:
        activities = activities.filter(held_on__lte=held_to)
    return activities.select_related("unit").order_by("-held_on", "-pk")


def study_leaders(
    *,
    user,
    unit: Unit,
    campaign=None,
    as_of: datetime.date | None = None,
    ranks=LEADER_RANKS,
) -> tuple[int, QuerySet[Person]]:
    """FIGURES row 1: distinct people of these ranks (county level and above by default) who
    took part in a study session of `campaign` held by `unit` or a unit below it, on or before
    `as_of`. Each person counts once however many sessions they attended. Returns the count and
    the people (ordered for a records page)."""
    if not is_system_actor(user):  # the system sees every unit: no read to check it
        unit = unit_get(user=user, pk=unit.pk)
    rows = _scoped(StudyParticipant, user).filter(_under(unit))
    if campaign is not None:
        rows = rows.filter(campaign=campaign)
    if as_of is not None:
        rows = rows.filter(held_on__lte=as_of)
    # IN (subquery), not a correlated EXISTS: SQLite runs the EXISTS once per person (54 s
    # for the demo's 15,000 leaders), the IN list once (0.04 s).
    people = Person.objects.filter(
        pk__in=rows.order_by().values("person"), rank__in=list(ranks)
    ).select_related("unit")
    return people.count(), people.order_by("unit__path", "name", "pk")


@dataclass
class Coverage:
    covered: int
    enrolled: int
    covered_units: QuerySet  # enrolled units with at least one session of the kind
    enrolled_units: QuerySet  # every unit enrolled in the batch
    missing_units: QuerySet  # enrolled units without one


def study_coverage(
    *, user, campaign, batch: Batch, kind: str, as_of: datetime.date | None = None
) -> Coverage:
    """FIGURES row 5 ("161 of 161 batch-1 units held a reading class"): how many DISTINCT units
    enrolled in `batch` (by `as_of`) recorded at least one session of `kind` of `campaign`
    themselves (a unit's own record, not one of a unit below: enrolling does not take the
    subtree), and out of how many."""
    if batch.campaign_id != getattr(campaign, "pk", campaign):
        raise ValueError("the batch is not of this campaign")
    enrolled = _scoped(Participation, user).filter(batch=batch)
    if as_of is not None:
        enrolled = enrolled.filter(enrolled_on__lte=as_of)
    sessions = StudyActivity.objects.filter(
        unit=OuterRef("pk"), campaign=campaign, kind=kind
    ).order_by()
    if as_of is not None:
        sessions = sessions.filter(held_on__lte=as_of)
    units = Unit.objects.filter(pk__in=enrolled.values("unit")).order_by("path")
    covered = units.filter(Exists(sessions))
    missing = units.exclude(Exists(sessions))
    return Coverage(
        covered=covered.count(),
        enrolled=units.count(),
        covered_units=covered,
        enrolled_units=units,
        missing_units=missing,
    )


def study_sessions_of_batch(
    *, user, campaign, batch: Batch, kind: str | None = None, as_of: datetime.date | None = None
) -> QuerySet[StudyActivity]:
    """FIGURES row 6 ("792 central-group sessions of batch-1 units"): the sessions of
    `campaign` recorded by the units enrolled in `batch` themselves. `.count()` is the figure.
    (The metric engine keeps figures per unit subtree, not per batch, hence a selector.)"""
    enrolled = _scoped(Participation, user).filter(batch=batch)
    if as_of is not None:
        enrolled = enrolled.filter(enrolled_on__lte=as_of)
    sessions = _scoped(StudyActivity, user).filter(
        campaign=campaign, unit__in=enrolled.values("unit")
    )
    if kind:
        sessions = sessions.filter(kind=kind)
    if as_of is not None:
        sessions = sessions.filter(held_on__lte=as_of)
    return sessions.select_related("unit").order_by("-held_on", "-pk")


def leader_candidates(
    *, user, unit: Unit, query: str = "", limit: int | None = 30
) -> QuerySet[Person]:
    """People who may be recorded as leaders of a session of `unit`: its own and its subtree's
    people that the user sees, found by name or post."""
    people = _scoped(Person, user).filter(_under(unit)).select_related("unit")
    query = (query or "").strip()
    if query:
        people = people.filter(Q(name__contains=query) | Q(post__contains=query))
    return people.order_by("unit__path", "name", "pk")[:limit]


PICKER_SIZE = 30  # as many others as the leader picker lists before it asks for a search


@dataclass(frozen=True)
class LeaderPicker:
    """What the leader picker lists: the ticked people, then up to PICKER_SIZE others (matching
    the search, if any); `more` others match too and are found by searching further."""

    ticked: list[Person]
    people: list[Person]
    more: int
    query: str


def leader_picker(*, user, unit: Unit, ticked_ids: list[int], query: str = "") -> LeaderPicker:
    """The picker of a session's leaders. A league has thousands of candidates, so it lists
    the ticked ones and a page of others; every candidate stays valid on the form."""
    query = (query or "").strip()
    ticked = leader_candidates(user=user, unit=unit, limit=None).filter(pk__in=ticked_ids)
    others = leader_candidates(user=user, unit=unit, query=query, limit=None)
    others = others.exclude(pk__in=ticked_ids)
    return LeaderPicker(
        ticked=list(ticked),
        people=list(others[:PICKER_SIZE]),
        more=max(others.count() - PICKER_SIZE, 0),
        query=query,
    )


__all__ += ["LeaderPicker", "leader_picker"]


def campaign_for_unit(*, pk, unit: Unit):
    """The campaign `pk` if `unit` lies within it (a campaign is seen through its units); 404."""
    campaign = get_object_or_404(Campaign.objects.select_related("root_unit"), pk=pk)
    if not unit.path.startswith(campaign.root_unit.path):
        raise Http404
    return campaign


__all__ += ["campaign_for_unit"]
