"""Reads on key tasks, projects and the livelihood list; every one that depends on the user
starts from `restrict(user, action)`. Fund totals are summed as Decimals in Python (SQLite's
SUM over decimals goes through binary floats); the subtree figures come from the metrics."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from shigan.accounts.system import system_actor
from shigan.campaigns.models import Campaign
from shigan.initiatives.choices import KeyTaskArea
from shigan.initiatives.measures import MEASURES, convert, quantity_text
from shigan.initiatives.models import (
    Indicator,
    IndicatorReport,
    KeyTask,
    LivelihoodArea,
    LivelihoodItem,
    LivelihoodProgress,
    Milestone,
    MilestoneTransition,
    Project,
    ServicePoint,
)
from shigan.initiatives.progress import Progress, Rollup, milestone_progress, rollup
from shigan.metrics.links import records_url
from shigan.metrics.selectors import figures_of, metric_records
from shigan.orgs.models import Unit
from shigan.orgs.scoping import ALL, subtree_q, user_scope_paths
from shigan.problems.models import Rule
from shigan.research.models import ResearchResult
from shigan.research.selectors import Figure, campaign_for_unit

__all__ = [
    "Figure",
    "Card",
    "Column",
    "Board",
    "campaign_for_unit",
    "key_task_list",
    "key_task_get",
    "key_task_detail",
    "key_task_choices",
    "milestone_get",
    "key_task_progress",
    "milestone_status",
    "unit_progress",
    "board",
    "timetable",
    "project_list",
    "project_get",
    "funds_total",
    "livelihood_areas",
    "livelihood_ledger",
    "livelihood_item_get",
    "result_choices",
    "rule_choices",
    "delivery_figures",
    "recordable_units",
    "nearby_units",
    "IndicatorTotal",
    "indicator_get",
    "indicator_list",
    "indicator_totals",
    "indicator_reports",
    "indicator_sum",
    "indicator_rows",
    "service_points",
    "service_points_url",
]

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Card:
    """One key task on the board."""

    key_task: KeyTask
    progress: Progress
    overdue: list[Milestone]
    projects: int
    funds: Decimal


@dataclass(frozen=True)
class Column:
    area: str
    label: str
    cards: list[Card] = field(default_factory=list)


@dataclass(frozen=True)
class Board:
    columns: list[Column]
    rollup: Rollup
    on: datetime.date


def _visible(model, user, action: str = "view") -> QuerySet:
    """The records `user` may `action` on: everything for the system actor (briefings, jobs),
    nothing for None."""
    return model.objects.restrict(user, action)


def _subtree(unit: Unit, field_name: str = "unit__path"):
    return subtree_q([unit.path], field_name)


def key_task_list(
    *, user, unit: Unit, campaign: Campaign | None = None, area: str | None = None
) -> QuerySet[KeyTask]:
    """The key tasks of a unit's subtree that the user may see, milestones prefetched."""
    tasks = _visible(KeyTask, user).filter(_subtree(unit))
    if campaign is not None:
        tasks = tasks.filter(campaign=campaign)
    if area:
        tasks = tasks.filter(area=area)
    return (
        tasks.select_related("unit", "owner_unit", "owner_leader")
        .prefetch_related(Prefetch("milestones", Milestone.objects.order_by("ordinal", "pk")))
        .order_by("area", "unit__path", "pk")
    )


def key_task_get(*, user, pk, action: str = "view") -> KeyTask:
    return get_object_or_404(
        _visible(KeyTask, user, action).select_related(
            "unit", "owner_unit", "owner_leader", "campaign", "campaign__root_unit"
        ),
        pk=pk,
    )


def key_task_detail(*, user, pk) -> KeyTask:
    """The key task with what its page shows: milestones with their history, the results that
    fed it, and the projects under it that the user may see (`visible_projects`)."""
    task = get_object_or_404(
        # django-stubs joins the mixed Prefetch types below to `object`.
        _visible(KeyTask, user)  # type: ignore[type-var]
        .select_related("unit", "owner_unit", "owner_leader", "campaign", "campaign__root_unit")
        .prefetch_related(
            Prefetch(
                "milestones",
                Milestone.objects.order_by("ordinal", "pk").prefetch_related(
                    Prefetch(
                        "transitions",
                        MilestoneTransition.objects.select_related("actor").order_by("at", "pk"),
                    )
                ),
            ),
            Prefetch(
                "results",
                ResearchResult.objects.select_related("topic", "unit").order_by("-recorded_on"),
            ),
            Prefetch("rules", Rule.objects.select_related("unit").order_by("-created_on")),
        ),
        pk=pk,
    )
    task.visible_projects = list(
        _visible(Project, user)
        .filter(key_task=task)
        .select_related("unit")
        .order_by("unit__path", "-approved_on", "pk")
    )
    return task


def milestone_get(*, user, pk) -> Milestone:
    """A milestone of a key task the user sees (404 otherwise)."""
    tasks = _visible(KeyTask, user)
    return get_object_or_404(
        Milestone.objects.filter(key_task__in=tasks).select_related(
            "key_task", "key_task__unit", "key_task__owner_unit", "key_task__campaign"
        ),
        pk=pk,
    )


def key_task_choices(*, user, unit: Unit, campaign: Campaign) -> QuerySet[KeyTask]:
    """Key tasks a project of `unit` can serve: those of the unit and of its ancestors."""
    paths = [unit.path[:i] for i in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]
    return (
        _visible(KeyTask, user)
        .filter(campaign=campaign, unit__path__in=paths)
        .select_related("unit")
        .order_by("area", "unit__path", "pk")
    )


def key_task_progress(key_task: KeyTask, *, on: datetime.date) -> Progress:
    return milestone_progress(key_task.milestones.all(), on=on)


def unit_progress(*, user, unit: Unit, campaign: Campaign, on: datetime.date) -> Rollup:
    """The roll-up of the key tasks of a unit's subtree (see `shigan.initiatives.progress`)."""
    tasks = key_task_list(user=user, unit=unit, campaign=campaign)
    return rollup(key_task_progress(t, on=on) for t in tasks)


def _funds_by_task(user, task_ids: list[int]) -> dict[int, tuple[int, Decimal]]:
    """(project count, exact funds) of the projects the user sees under each key task."""
    rows = (
        _visible(Project, user)
        .filter(key_task__in=task_ids)
        .values_list("key_task", "funds_allocated")
    )
    out: dict[int, list] = defaultdict(lambda: [0, ZERO])
    for task_id, amount in rows:
        out[task_id][0] += 1
        out[task_id][1] += amount
    return {k: (n, total.quantize(Decimal("0.01"))) for k, (n, total) in out.items()}


def board(*, user, unit: Unit, campaign: Campaign, on: datetime.date) -> Board:
    """The key-task board: one column per area (the five tasks always, "other" when used)."""
    tasks = list(key_task_list(user=user, unit=unit, campaign=campaign))
    funds = _funds_by_task(user, [t.pk for t in tasks])
    columns = {
        area: Column(area, str(label))
        for area, label in KeyTaskArea.choices
        if area != KeyTaskArea.OTHER or any(t.area == area for t in tasks)
    }
    progresses = []
    for task in tasks:
        milestones = list(task.milestones.all())
        progress = milestone_progress(milestones, on=on)
        progresses.append(progress)
        count, total = funds.get(task.pk, (0, ZERO))
        overdue = [m for m in milestones if m.is_overdue(on)]
        columns[task.area].cards.append(Card(task, progress, overdue, count, total))
    return Board(list(columns.values()), rollup(progresses), on)


def timetable(key_task: KeyTask, *, on: datetime.date) -> dict:
    """The Gantt strip's data: each milestone from the previous due date (or the task's start)
    to its own, with its state on `on`."""
    rows, start = [], key_task.starts_on
    for m in key_task.milestones.all():
        rows.append(
            {
                "id": m.pk,
                "title": m.title,
                "start": start.isoformat(),
                "due_on": m.due_on.isoformat() if m.due_on else None,
                "done_on": m.done_on.isoformat() if m.done_on and m.is_done(on) else None,
                "weight": m.weight,
                "status": milestone_status(m, on),
            }
        )
        if m.due_on and m.due_on > start:
            start = m.due_on
    progress = milestone_progress(key_task.milestones.all(), on=on)
    return {
        "key_task": key_task.pk,
        "title": key_task.title,
        "starts_on": key_task.starts_on.isoformat(),
        "today": on.isoformat(),
        "percent": progress.percent,
        "milestones": rows,
    }


def milestone_status(m: Milestone, on) -> str:
    """done, late (done after its due date), overdue, pending or undated (时限未定)."""
    if m.is_done(on):
        return "late" if m.due_on and m.done_on and m.done_on > m.due_on else "done"
    if m.is_overdue(on):
        return "overdue"
    return "undated" if m.due_on is None else "pending"


def project_list(
    *,
    user,
    unit: Unit,
    campaign: Campaign | None = None,
    area: str | None = None,
    kind: str | None = None,
    key_task: KeyTask | None = None,
    state: str | None = None,
    fund_source: str | None = None,
) -> QuerySet[Project]:
    projects = _visible(Project, user).filter(_subtree(unit))
    filters = {
        "campaign": campaign,
        "area": area,
        "kind": kind,
        "key_task": key_task,
        "state": state,
        "fund_source": fund_source,
    }
    projects = projects.filter(**{k: v for k, v in filters.items() if v})
    return projects.select_related("unit", "key_task").order_by("unit__path", "-approved_on", "pk")


def project_get(*, user, pk, action: str = "view") -> Project:
    return get_object_or_404(
        _visible(Project, user, action).select_related(
            "unit", "key_task", "key_task__unit", "campaign", "campaign__root_unit"
        ),
        pk=pk,
    )


def funds_total(projects: QuerySet[Project]) -> tuple[Decimal, Decimal]:
    """(allocated, disbursed) of these projects, exact."""
    allocated = disbursed = ZERO
    for a, d in projects.order_by().values_list("funds_allocated", "funds_disbursed"):
        allocated += a
        disbursed += d
    return allocated, disbursed


def livelihood_areas(*, campaign: Campaign) -> Figure:
    """FIGURES row 26: the livelihood areas of the campaign (the office's list of 方面)."""
    areas = LivelihoodArea.objects.filter(campaign=campaign).order_by("ordinal", "pk")
    return Figure(areas.count(), areas)


def livelihood_ledger(*, user, unit: Unit, campaign: Campaign) -> QuerySet[LivelihoodItem]:
    """The list in the office's order, the items of the unit's subtree the user may see."""
    return (
        _visible(LivelihoodItem, user)
        .filter(_subtree(unit), campaign=campaign)
        .select_related("unit", "area")
        .order_by("number")
    )


def livelihood_item_get(*, user, pk, action: str = "view") -> LivelihoodItem:
    return get_object_or_404(
        _visible(LivelihoodItem, user, action)
        .select_related("unit", "area", "campaign", "campaign__root_unit")
        .prefetch_related(
            Prefetch(
                "progress_reports",
                LivelihoodProgress.objects.select_related("created_by").order_by(
                    "-reported_on", "-pk"
                ),
            )
        ),
        pk=pk,
    )


def result_choices(*, user, key_task: KeyTask) -> QuerySet[ResearchResult]:
    """Research results of the key task's campaign the user sees and that are not linked yet."""
    return (
        _visible(ResearchResult, user)
        .filter(campaign=key_task.campaign_id)
        .exclude(key_tasks=key_task)
        .select_related("unit")
        .order_by("-recorded_on", "-pk")
    )


def rule_choices(*, user, key_task: KeyTask) -> QuerySet[Rule]:
    """Rules of the key task's campaign (or of none) the user sees, not linked yet."""
    return (
        _visible(Rule, user)
        .filter(Q(campaign=key_task.campaign_id) | Q(campaign__isnull=True))
        .exclude(key_tasks=key_task)
        .select_related("unit")
        .order_by("-created_on", "-pk")
    )


def delivery_figures(*, user, unit: Unit, campaign: Campaign, as_of=None) -> dict:
    """FIGURES rows 21–27 for a unit's subtree: counts and exact sums (Decimal yuan); 404 when
    the user may not see the unit."""
    figures = figures_of(user=user, unit=unit)
    value, by = figures.value, figures.by
    args = {"campaign": campaign, "as_of": as_of}
    return {
        "key_tasks": value("initiatives.key_tasks", **args),
        "projects": value("initiatives.projects", **args),
        "projects_by_area": by("area", "initiatives.projects", **args),
        "funds": value("initiatives.project_funds", **args),
        "funds_by_area": by("area", "initiatives.project_funds", **args),
        "opening_up_by_kind": by(
            "kind", "initiatives.project_funds", area=KeyTaskArea.OPENING_UP, **args
        ),
        "disbursed": value("initiatives.project_funds_disbursed", **args),
        "livelihood_items": value("initiatives.livelihood_items", **args),
        "livelihood_areas": livelihood_areas(campaign=campaign).value,
    }


def recordable_units(*, user, within: Unit) -> QuerySet[Unit]:
    """Units of `within`'s subtree a project or item can be entered for by the user: `within`
    and its children when the user records there, else the user's own units inside it. Short
    enough for a drop-down (never the whole subtree)."""
    paths = user_scope_paths(user, "record")
    if paths is ALL or any(within.path.startswith(p) for p in paths):
        return nearby_units(unit=within)
    inside = [p for p in paths if p.startswith(within.path)]
    return Unit.objects.filter(path__in=inside).order_by("path")


def nearby_units(*, unit: Unit) -> QuerySet[Unit]:
    """A unit and its children: the usual lead units (牵头单位) of its key tasks."""
    children = subtree_q([unit.path]) & Q(depth=unit.depth + 1)
    return Unit.objects.filter(Q(pk=unit.pk) | children).order_by("path")


# -- indicators ------------------------------------------------------------------------------

INDICATOR_VALUES = "initiatives.indicator_values"


@dataclass(frozen=True)
class IndicatorTotal:
    indicator: Indicator
    value: Decimal  # in the indicator's unit

    @property
    def text(self) -> str:
        return quantity_text(self.value, self.indicator.measure)


def indicator_get(*, user, pk) -> Indicator:
    """An indicator of a key task the user may see (out of scope: 404)."""
    tasks = _visible(KeyTask, user).values("pk")
    indicators = Indicator.objects.filter(key_task__in=tasks).select_related("key_task")
    return get_object_or_404(indicators, pk=pk)


def indicator_list(*, user, key_task: KeyTask | None = None) -> QuerySet[Indicator]:
    indicators = Indicator.objects.filter(key_task__in=_visible(KeyTask, user).values("pk"))
    if key_task is not None:
        indicators = indicators.filter(key_task=key_task)
    return indicators.select_related("key_task").order_by("key_task", "pk")


def indicator_totals(
    indicators, *, unit: Unit, campaign: Campaign, as_of=None
) -> list[IndicatorTotal]:
    """Each indicator's sum over the unit's subtree, as of a date, from the metric's facts.
    No user: the caller has checked the unit, or the key task whose unit it is (a key task is
    seen from the units below it too, and its indicators' totals with it)."""
    figures = figures_of(user=system_actor("指标数值合计"), unit=unit)
    return [
        IndicatorTotal(
            indicator,
            Decimal(
                figures.value(
                    INDICATOR_VALUES,
                    campaign=campaign,
                    as_of=as_of,
                    indicator=str(indicator.pk),
                )
                or 0
            ),
        )
        for indicator in indicators
    ]


def indicator_reports(
    *, user, unit: Unit, campaign: Campaign, indicators, as_of=None
) -> QuerySet[IndicatorReport]:
    """Exactly the reports behind those indicators' sums (the drill-down)."""
    # The metric counts IndicatorReport rows; metric_records is typed for any metric's model.
    records = cast(
        "QuerySet[IndicatorReport]",
        metric_records(INDICATOR_VALUES, unit=unit, user=user, campaign=campaign, as_of=as_of),
    )
    records = records.filter(indicator__in=[i.pk for i in indicators])
    return records.select_related("indicator", "project", "project__unit")


def indicator_sum(
    *, unit: Unit, campaign: Campaign, area: str, name: str, measure: str, as_of=None, user
) -> tuple[Decimal, QuerySet[IndicatorReport]]:
    """The indicators called `name` of the campaign's key tasks in `area`, summed over the
    unit's subtree in `measure` (each converted exactly from its own unit; those measuring
    something else are left out), and the reports behind the sum."""
    family = MEASURES[measure].family
    indicators = [
        i
        for i in Indicator.objects.filter(
            key_task__campaign=campaign, key_task__area=area, name=name
        ).order_by("pk")
        if MEASURES[i.measure].family == family
    ]
    total = Decimal(0)
    for row in indicator_totals(indicators, unit=unit, campaign=campaign, as_of=as_of):
        total += convert(row.value, row.indicator.measure, measure)
    records = indicator_reports(
        user=user, unit=unit, campaign=campaign, indicators=indicators, as_of=as_of
    )
    return total, records


def indicator_rows(key_task: KeyTask, *, on=None) -> list[tuple[IndicatorTotal, str]]:
    """A key task's indicators, each with its sum over the task's unit (the projects under
    it) as of `on`, and the address of the reports behind it."""
    indicators = key_task.indicators.order_by("pk")
    totals = indicator_totals(indicators, unit=key_task.unit, campaign=key_task.campaign, as_of=on)
    return [
        (
            row,
            records_url(
                INDICATOR_VALUES,
                unit=key_task.unit,
                as_of=on,
                campaign=key_task.campaign,
                indicator=row.indicator.pk,
            ),
        )
        for row in totals
    ]


def service_points(item: LivelihoodItem) -> QuerySet[ServicePoint]:
    """The item's service points, latest opened first (the item's page is already scoped)."""
    return ServicePoint.objects.filter(item=item).select_related("unit")


def service_points_url(item: LivelihoodItem, *, unit: Unit | None = None, as_of=None) -> str:
    """The drill-down of the item's points opened in a subtree (the campaign's by default)."""
    return records_url(
        "initiatives.service_points",
        unit=unit or item.campaign.root_unit,
        as_of=as_of,
        campaign=item.campaign,
        item=item.pk,
    )
