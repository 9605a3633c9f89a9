"""Reads on campaigns. Every read starts from the user's scope; out of scope is a 404."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from shigan.campaigns.models import (
    Aspect,
    Batch,
    Campaign,
    GuidanceGroup,
    GuidanceVisit,
    Participation,
)
from shigan.metrics.registry import get_metric
from shigan.metrics.selectors import metric_records
from shigan.orgs.models import Unit
from shigan.orgs.permissions import user_can
from shigan.orgs.scoping import ALL, path_upper, subtree_q, user_scope_paths
from shigan.orgs.selectors import unit_get, unit_scope_roots, unit_search

__all__ = [
    "campaign_workspaces",
    "enrolment_size",
    "campaign_list",
    "campaign_get",
    "campaign_named",
    "campaign_is_office",
    "campaign_units_of",
    "batch_get",
    "batch_list",
    "participation_list",
    "participation_counts",
    "participation_get",
    "unit_enrolments",
    "aspect_list",
    "aspect_get",
    "group_list",
    "group_get",
    "groups_of_member",
    "visit_list",
    "workspace_get",
    "picker_units",
    "guidance_members",
    "Figure",
    "batch_records",
]


def campaign_list(*, user) -> QuerySet[Campaign]:
    """Campaigns whose root unit the user sees, or whose guidance groups the user belongs to."""
    if user is None or not user.is_authenticated:
        return Campaign.objects.none()
    paths = user_scope_paths(user, "view")
    if paths is ALL:
        return Campaign.objects.select_related("root_unit")
    member_of = GuidanceGroup.objects.filter(members=user).values("campaign_id")
    return Campaign.objects.filter(
        subtree_q(paths, "root_unit__path") | Q(pk__in=member_of)
    ).select_related("root_unit")


def campaign_get(*, user, pk) -> Campaign:
    return get_object_or_404(campaign_list(user=user), pk=pk)


def campaign_named(pk) -> Campaign | None:
    """The campaign a figure's query names, unscoped (the figure itself is scoped): None when it
    names none or an unknown one. The metrics drill-down finds it through `metrics.registry`."""
    return Campaign.objects.filter(pk=pk).first() if pk else None


def campaign_is_office(*, user, campaign: Campaign) -> bool:
    """The campaign office: those who may change the campaign's root unit (its admins)."""
    return user_can(user, "change", campaign.root_unit)


def campaign_workspaces(*, user, limit: int = 50) -> list[tuple[Campaign, Unit]]:
    """(campaign, unit) for each top unit of the user's scope and each campaign covering it:
    the unit workspaces a leader, clerk or guidance member works in, though the campaign's own
    page (its root unit, often far above them) is not theirs to see."""
    pairs: list[tuple[Campaign, Unit]] = []
    for unit in unit_scope_roots(user=user).order_by("path")[:limit]:
        pairs.extend((campaign, unit) for campaign in campaign_units_of(unit=unit))
    return pairs


def campaign_units_of(*, unit: Unit) -> QuerySet[Campaign]:
    """Campaigns that cover `unit`: their root is the unit or an ancestor (the unit being seen)."""
    ancestors = [unit.path[:i] for i in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]
    return Campaign.objects.filter(root_unit__path__in=ancestors).select_related("root_unit")


def batch_list(*, campaign: Campaign) -> QuerySet[Batch]:
    return campaign.batches.order_by("ordinal")


def batch_get(*, campaign: Campaign, pk) -> Batch:
    return get_object_or_404(Batch.objects.select_related("campaign"), campaign=campaign, pk=pk)


def participation_list(*, user, batch: Batch) -> QuerySet[Participation]:
    """The enrolments of a batch on units the user sees, in tree order."""
    return (
        Participation.objects.restrict(user, "view")
        .filter(batch=batch)
        .select_related("unit")
        .order_by("unit__path")
    )


def participation_counts(*, user, campaign: Campaign) -> dict[int, int]:
    """Batch pk → enrolments the user sees, in one query."""
    rows = (
        Participation.objects.restrict(user, "view")
        .filter(batch__campaign=campaign)
        .values("batch_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["batch_id"]: row["n"] for row in rows}


def participation_get(*, user, campaign: Campaign, pk) -> Participation:
    return get_object_or_404(
        Participation.objects.restrict(user, "view").select_related("unit", "batch__campaign"),
        batch__campaign=campaign,
        pk=pk,
    )


def unit_enrolments(*, campaign: Campaign, unit: Unit) -> list[Participation]:
    return list(
        Participation.objects.filter(batch__campaign=campaign, unit=unit)
        .select_related("batch")
        .order_by("batch__ordinal")
    )


def aspect_list(*, campaign: Campaign, kind: str | None = None) -> QuerySet[Aspect]:
    aspects = campaign.aspects.order_by("kind", "ordinal")
    return aspects.filter(kind=kind) if kind else aspects


def aspect_get(*, campaign: Campaign, pk) -> Aspect:
    return get_object_or_404(Aspect.objects.select_related("campaign"), campaign=campaign, pk=pk)


def group_list(*, user, campaign: Campaign) -> QuerySet[GuidanceGroup]:
    """The office sees every group; anyone else only the groups they belong to."""
    groups = campaign.groups.prefetch_related("members", "units").order_by("name")
    if campaign_is_office(user=user, campaign=campaign):
        return groups
    return groups.filter(members=user)


def group_get(*, user, campaign: Campaign, pk) -> GuidanceGroup:
    return get_object_or_404(group_list(user=user, campaign=campaign), pk=pk)


def groups_of_member(*, user, campaign: Campaign, unit: Unit | None = None):
    """The user's groups in the campaign; with `unit`, those assigned the unit or an ancestor."""
    groups = GuidanceGroup.objects.filter(campaign=campaign, members=user)
    if unit is not None:
        ancestors = [unit.path[:i] for i in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]
        groups = groups.filter(units__path__in=ancestors)
    return groups.distinct().order_by("name")


def visit_list(
    *,
    user,
    campaign: Campaign,
    group: GuidanceGroup | None = None,
    unit: Unit | None = None,
    purpose: str = "",
    date_from=None,
    date_to=None,
) -> QuerySet[GuidanceVisit]:
    """Visits of the campaign on units the user sees; `unit` takes its subtree."""
    visits = (
        GuidanceVisit.objects.restrict(user, "view")
        .filter(group__campaign=campaign)
        .select_related("group", "unit", "created_by")
    )
    if group is not None:
        visits = visits.filter(group=group)
    if unit is not None:
        visits = visits.filter(unit__path__gte=unit.path, unit__path__lt=path_upper(unit.path))
    if purpose:
        visits = visits.filter(purpose=purpose)
    if date_from:
        visits = visits.filter(visited_on__gte=date_from)
    if date_to:
        visits = visits.filter(visited_on__lte=date_to)
    return visits.order_by("-visited_on", "-pk")


def workspace_get(*, user, campaign_pk, unit_pk) -> tuple[Campaign, Unit]:
    """A unit the user sees and a campaign that covers it; 404 otherwise.

    A unit's staff see their campaign's workspace without seeing the campaign's root unit.
    """
    unit = unit_get(user=user, pk=unit_pk)
    campaign = get_object_or_404(campaign_units_of(unit=unit), pk=campaign_pk)
    return campaign, unit


def picker_units(*, user, campaign: Campaign, query: str, limit: int = 20) -> list[Unit]:
    """Units of the campaign's tree the user sees, matching `query` (for the unit pickers)."""
    return unit_search(user=user, query=query, limit=limit, under=campaign.root_unit)


def enrolment_size(*, units: list[Unit], include_subtree: bool) -> int:
    """How many units an enrolment would take (the page asks to confirm a large one)."""
    if not include_subtree:
        return len(units)
    return Unit.objects.filter(subtree_q([u.path for u in units])).count()


def guidance_members(records, *, active_units_only: bool = False) -> dict[int, set[int]]:
    """The members of the guidance groups that look after each record (user ids by record
    pk): the groups of its campaign (of every campaign when it has none) assigned to its unit
    or an ancestor. A record has `pk`, `unit` and `campaign_id`. `active_units_only`: only
    assignments to units still active count."""
    records = list(records)
    step = Unit.steplen
    up = {r.pk: [r.unit.path[:i] for i in range(step, len(r.unit.path) + 1, step)] for r in records}
    lookup: dict[str, object] = {"units__path__in": set().union(*up.values())}
    if active_units_only:
        lookup["units__active"] = True  # the same filter() call: the same assignment row
    by_path: dict[str, list[tuple[int, int]]] = {}
    rows = GuidanceGroup.objects.filter(**lookup).values_list(
        "campaign_id", "units__path", "members"
    )
    for campaign_id, path, user_id in rows:
        if user_id is not None:
            by_path.setdefault(path, []).append((campaign_id, user_id))
    return {
        r.pk: {
            user_id
            for path in up[r.pk]
            for campaign_id, user_id in by_path.get(path, ())
            if r.campaign_id is None or campaign_id == r.campaign_id
        }
        for r in records
    }


@dataclass(frozen=True)
class Figure:
    """A figure a selector computes, with the records behind it."""

    value: int
    records: QuerySet


def batch_records(metric, *, batch, user, unit: Unit | None = None, as_of=None) -> Figure:
    """A figure "of batch-N units": the metric's records belonging to units enrolled in the
    batch (each enrolled unit's own records; enrolling a unit does not enrol its subtree)."""
    unit = unit or batch.campaign.root_unit
    records = metric_records(metric, unit=unit, user=user, campaign=batch.campaign, as_of=as_of)
    unit_field = get_metric(metric).unit_field if isinstance(metric, str) else metric.unit_field
    enrolled = Participation.objects.filter(batch=batch).values("unit")
    records = records.filter(**{f"{unit_field}__in": enrolled})
    return Figure(records.count(), records)
