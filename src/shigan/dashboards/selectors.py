"""What the dashboard shows for a unit and campaign, filtered by batch and as-of date.

Everything is read for the system actor (`Query.user`) once the view has checked that the user
may see the unit: a unit's figures cover its whole subtree, which the user's scope then covers
too, and the system actor's reads skip the scope filter (speed).
The costs are fixed per page: one query per figure, one per table column, one per list —
never one per child or per record.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import cast
from urllib.parse import urlencode

from django.db.models import CharField, Count, QuerySet, Sum
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shigan.campaigns.models import Aspect, Batch, Campaign, Participation
from shigan.core.deadlines import Light
from shigan.dashboards.figures import (
    CATALOGUE,
    TABLE_METRICS,
    Figure,
    Pillar,
    Query,
    default_batch,
    page_children,
    page_fact,
)
from shigan.metrics.models import MetricFact
from shigan.metrics.registry import METRICS
from shigan.metrics.selectors import metric_by, metric_records
from shigan.orgs.models import Unit
from shigan.orgs.scoping import subtree_q
from shigan.problems.choices import UNFINISHED_STATES, ExtensionState, ProblemState
from shigan.problems.models import DeadlineExtension, Problem

__all__ = [
    "TABLE_METRICS",
    "TREND_METRICS",
    "Column",
    "ChildRow",
    "dashboard_query",
    "pillar_figures",
    "child_table",
    "metric_batch_records",
    "overdue_problems",
    "chart_by_dim",
    "chart_trend",
    "chart_records",
    "metric_cell_records",
    "trend_note",
]

# The by-child table: one column per metric (TABLE_METRICS), each child's whole subtree.
# The trend chart: cumulative counts by day.
TREND_METRICS = ("study.sessions", "research.trips", "problems.found", "problems.closed")
PROBLEMS = "problems.found"
OVERDUE = "problems.overdue"
LIST_SIZE = 10


def _available(keys) -> tuple[str, ...]:
    return tuple(k for k in keys if k in METRICS)


def dashboard_query(*, campaign: Campaign, unit: Unit, batch: Batch | None, as_of, user) -> Query:
    """The query every part of the dashboard answers (the batch defaults to the first)."""
    if batch is None:
        batch = default_batch(campaign)
    return Query(campaign=campaign, unit=unit, batch=batch, as_of=as_of, user=user)


def pillar_figures(q: Query) -> list[tuple[str, object, list[Figure]]]:
    """The catalogue's figures grouped by pillar (学习/调研/整改/实效), in catalogue order."""
    pillars: dict[str, list[Figure]] = {key: [] for key in Pillar.LABELS}
    for entry in CATALOGUE.values():
        if all(k in METRICS for k in _metrics_of(entry)):
            pillars[entry.pillar].append(entry.evaluate(q))
    return [(key, Pillar.LABELS[key], figures) for key, figures in pillars.items()]


def _metrics_of(entry) -> tuple[str, ...]:
    return (entry.metric,) if entry.metric else ()


# -- the by-child table ----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: object


@dataclass
class ChildRow:
    unit: Unit | None  # None: the unit's own records
    cells: list[tuple[int, str]] = field(default_factory=list)  # (value, drill-down url)


def child_table(q: Query, *, use_batch: bool = False) -> tuple[list[Column], list[ChildRow]]:
    """Each direct child (its whole subtree) and the unit itself, one column per metric.

    Without a batch the figures come from the page's facts (`figures.page_facts`: one query
    for every child and metric); with `use_batch` only the records of the batch's units
    count, from the records."""
    keys = _available(TABLE_METRICS)
    children = page_children(q)
    if use_batch:
        sums = {key: _batch_counts_by_child(key, q, children) for key in keys}
    else:
        sums = _fact_counts_by_child(keys, q, children)
    columns = [Column(key, METRICS[key].label) for key in keys]
    rows = []
    for child in [*children, None]:
        row = ChildRow(child)
        for key in keys:
            target = child or q.unit
            value = sums[key].get(child.pk if child else None, 0)
            row.cells.append((value, _cell_url(key, q, target, use_batch, own=child is None)))
        rows.append(row)
    return columns, rows


CHILD_ROWS_SHOWN = 20  # a region has ~160 children: the rest on request


def child_table_total(
    q: Query, columns: list[Column], rows: list[ChildRow], *, use_batch: bool = False
) -> ChildRow:
    """The total row: the children and the unit's own records, i.e. the unit's whole subtree,
    each cell a link to its records."""
    total = ChildRow(q.unit)
    for i, column in enumerate(columns):
        value = sum(row.cells[i][0] for row in rows)
        total.cells.append((value, _cell_url(column.key, q, q.unit, use_batch, own=False)))
    return total


def child_table_sorted(columns: list[Column], rows: list[ChildRow], key: str) -> list[ChildRow]:
    """The children largest first by the column `key` (ties in tree order), or in tree order
    for any other key; the unit's own row stays last."""
    keys = [c.key for c in columns]
    children, own = rows[:-1], rows[-1:]
    if key in keys:
        i = keys.index(key)
        children = sorted(children, key=lambda row: -row.cells[i][0])  # stable: tree order
    return [*children, *own]


def _fact_counts_by_child(keys, q: Query, children: list[Unit]) -> dict[str, Counter]:
    sums: dict[str, Counter] = {}
    for key in keys:
        sums[key] = Counter({child.pk: page_fact(q, key, child) for child in children})
        # the unit's own records: its total less its children's
        sums[key][None] = page_fact(q, key, q.unit) - sum(sums[key].values())
    return sums


def _enrolled(q: Query, unit: Unit, as_of=None) -> QuerySet:
    """Ids of the units under `unit` enrolled in the batch by the as-of date."""
    if q.batch is None:
        return Participation.objects.none().values("unit")
    enrolled = Participation.objects.filter(batch=q.batch).filter(
        subtree_q([unit.path], "unit__path")
    )
    as_of = as_of or q.as_of
    if as_of is not None:
        enrolled = enrolled.filter(enrolled_on__lte=as_of)
    return enrolled.values("unit")


def metric_batch_records(key: str, q: Query, unit: Unit | None = None, as_of=None) -> QuerySet:
    """The metric's records under `unit` (default: the unit shown) that belong to units
    enrolled in the batch — a cell of the by-child table when filtered by batch."""
    unit = unit or q.unit
    as_of = as_of or q.as_of
    records = metric_records(key, unit=unit, campaign=q.campaign, as_of=as_of, user=q.user)
    unit_field = METRICS[key].unit_field
    return records.filter(**{f"{unit_field}__in": _enrolled(q, unit, as_of)})


def _batch_counts_by_child(key: str, q: Query, children: list[Unit]) -> Counter:
    unit_field = METRICS[key].unit_field
    width = len(q.unit.path) + Unit.steplen
    rows = (
        metric_batch_records(key, q)
        .order_by()
        .annotate(child_path=Substr(f"{unit_field}__path", 1, width, output_field=CharField()))
        .values("child_path")
        .annotate(n=Count("pk"))
        .values_list("child_path", "n")
    )
    by_path = dict(rows)
    counts: Counter[int | None] = Counter(
        {child.pk: by_path.get(child.path, 0) for child in children}
    )
    counts[None] = by_path.get(q.unit.path, 0)  # the unit's own path is shorter than `width`
    return counts


def _cell_url(key: str, q: Query, unit: Unit, use_batch: bool, *, own: bool) -> str:
    params: dict[str, int | str] = {"unit": unit.pk}
    if not use_batch and not own:  # the metrics page (`metrics.links.records_url`)
        if q.as_of:
            params["as_of"] = q.as_of.isoformat()
        params["campaign"] = q.campaign.pk
        return f"{_path(q, 'metrics:records', key)}?{urlencode(params)}"
    params["campaign"] = q.campaign.pk
    if q.as_of:
        params["as_of"] = q.as_of.isoformat()
    if use_batch and q.batch is not None:
        params["batch"] = q.batch.pk
    if own:
        params["own"] = 1
    return f"{_path(q, 'dashboards:metric_records', key)}?{urlencode(params)}"


def _path(q: Query, name: str, key: str) -> str:
    """The address of a metric's records page, reversed once per page (a table has a hundred
    cells)."""
    paths = q.memo.setdefault("paths", {})
    if (name, key) not in paths:
        paths[(name, key)] = reverse(name, args=[key])
    return paths[(name, key)]


def metric_cell_records(key: str, q: Query, *, unit: Unit, batch: bool, own: bool) -> QuerySet:
    """The records behind one cell of the by-child table."""
    if batch:
        records = metric_batch_records(key, q, unit=unit)
    else:
        records = metric_records(key, unit=unit, campaign=q.campaign, as_of=q.as_of, user=q.user)
    if own:
        records = records.filter(**{METRICS[key].unit_field: unit})
    return records


# -- lists -----------------------------------------------------------------------------------


def overdue_problems(q: Query, *, use_batch: bool = False) -> QuerySet:
    """Problems overdue — red — on the as-of date (today's stored light if none), from the
    light history kept from the records (`problems.light_history`): the state, the deadline
    after the extensions then approved, the progress of that day."""
    if use_batch:
        return metric_batch_records(OVERDUE, q, as_of=q.as_of).select_related("unit", "aspect")
    records: QuerySet[Problem]
    if q.as_of is None:  # the light stored now: an indexed read
        records = Problem.objects.filter(
            subtree_q([q.unit.path], "unit__path"), light=Light.RED, state__in=UNFINISHED_STATES
        ).order_by("deadline", "pk")
        if q.campaign is not None:
            records = records.filter(campaign=q.campaign)
    else:  # the metric counts Problem rows; metric_records is typed for any metric's model
        records = cast(
            "QuerySet[Problem]",
            metric_records(OVERDUE, unit=q.unit, user=q.user, campaign=q.campaign, as_of=q.as_of),
        )
    return records.select_related("unit", "aspect")


def overdue_listed(q: Query, *, use_batch: bool = False) -> tuple[list, int]:
    """The first LIST_SIZE overdue problems as the dashboard lists them, each with
    `deadline_on_day` (the date it watched on the as-of date, before the extensions approved
    later), and how many there are — from the facts, not by counting the records."""
    problems = list(overdue_problems(q, use_batch=use_batch)[:LIST_SIZE])
    day = q.as_of or timezone.localdate()
    moved_back = _deadlines_before_later_extensions(problems, day)
    for p in problems:
        p.deadline_on_day = moved_back.get(p.pk, p.watched_deadline)
    if use_batch:
        count = overdue_problems(q, use_batch=True).count()
    else:
        count = page_fact(q, OVERDUE, q.unit)
    return problems, count


def _deadlines_before_later_extensions(problems: list[Problem], day) -> dict[int, object]:
    """{problem id: the date it watched on `day`} of those an extension decided after `day`
    moved since: the date the first such extension replaced (`ProblemHistory.watched_on`);
    the others still watch their date of today."""
    later = DeadlineExtension.objects.filter(
        problem_id__in=[p.pk for p in problems], state=ExtensionState.APPROVED, decided_on__gt=day
    ).order_by("decided_on", "pk")
    moved_back: dict[int, object] = {}
    for pk, old in later.values_list("problem_id", "old_deadline"):
        moved_back.setdefault(pk, old)
    return moved_back


# -- chart data ------------------------------------------------------------------------------


CHART_DIMS = ("aspect", "state")


RESEARCH_KEY = "research:"  # a research problem without a problem aspect: its topic's aspect


def _problems(q: Query, use_batch: bool) -> QuerySet:
    if use_batch:
        return metric_batch_records(PROBLEMS, q)
    return metric_records(PROBLEMS, unit=q.unit, campaign=q.campaign, as_of=q.as_of, user=q.user)


def chart_records(q: Query, dim: str, value: str, *, use_batch: bool = False) -> QuerySet:
    """The problems behind one bar or slice of a chart (state: the state on the as-of date)."""
    records = _problems(q, use_batch)
    field_name = "state_on_day" if dim == "state" else dim
    if value in ("", None):
        records = records.filter(**{f"{field_name}__isnull": True})
        if dim == "aspect":  # 未分类: neither a problem aspect nor a research one
            records = records.filter(research_topic__aspect__isnull=True)
        return records.select_related("unit", "aspect")
    if dim == "aspect" and value.startswith(RESEARCH_KEY):
        pk = value.removeprefix(RESEARCH_KEY)
        if not pk.isdigit():
            return records.none()
        records = records.filter(aspect__isnull=True, research_topic__aspect=int(pk))
        return records.select_related("unit", "aspect")
    if dim == "aspect" and not (value.isascii() and value.isdigit() and len(value) <= 18):
        return records.none()  # no aspect's number (a bar's link never says so): no problem
    return records.filter(**{field_name: value}).select_related("unit", "aspect")


def _by_research_aspect(q: Query, counts: dict, use_batch: bool) -> None:
    """Moves the problems without a problem aspect under their research topic's aspect (those
    found by research have one); the rest stay under "" (未分类)."""
    if not counts.get(""):
        return
    del counts[""]
    rows = (
        _problems(q, use_batch)
        .filter(aspect__isnull=True)
        .order_by()
        .values_list("research_topic__aspect")
        .annotate(n=Count("pk"))
    )
    for aspect_pk, n in rows:
        key = f"{RESEARCH_KEY}{aspect_pk}" if aspect_pk else ""
        counts[key] = counts.get(key, 0) + n


def chart_by_dim(q: Query, dim: str, *, use_batch: bool = False) -> list[dict]:
    """Problems split by aspect or by state: [{name, value, url}] for a chart, each bar a link
    to exactly its problems (`chart_records`)."""
    if dim not in CHART_DIMS:
        raise ValueError(f"no chart by {dim!r}")
    if use_batch or (dim == "state" and q.as_of is not None):
        # The facts split by a record's current values; a past state is read from the history.
        field_name = "state_on_day" if dim == "state" else dim
        base = (
            metric_batch_records(PROBLEMS, q)
            if use_batch
            else metric_records(
                PROBLEMS, unit=q.unit, user=q.user, campaign=q.campaign, as_of=q.as_of
            )
        )
        rows = base.order_by().values_list(field_name).annotate(n=Count("pk"))
        counts = {("" if v is None else str(v)): n for v, n in rows}
    else:
        counts = metric_by(
            dim, PROBLEMS, unit=q.unit, user=q.user, campaign=q.campaign, as_of=q.as_of
        )
    if dim == "aspect":
        _by_research_aspect(q, counts, use_batch)
    names = _dim_names(dim, q.campaign)
    order = list(names)
    # A problem with neither a problem aspect nor a research topic's aspect: 未分类.
    names.setdefault("", gettext("未分类"))
    rows = []
    for value, n in sorted(counts.items(), key=lambda kv: _rank(order, kv[0])):
        if n:
            rows.append({"key": value, "name": names.get(value, value), "value": n,
                         "url": _chart_url(q, dim, value, use_batch)})  # fmt: skip
    return rows


def chart_value_name(q: Query, dim: str, value: str) -> str:
    """The name a chart gives one of its bars or slices."""
    if dim not in CHART_DIMS:
        return ""
    names = _dim_names(dim, q.campaign)
    return names.get(value or "", gettext("未分类") if dim == "aspect" and not value else "")


def _rank(order: list[str], value: str) -> tuple[int, str]:
    return (order.index(value) if value in order else len(order), value)


def _chart_url(q: Query, dim: str, value: str, use_batch: bool) -> str:
    params = {"unit": q.unit.pk, "campaign": q.campaign.pk, "value": value}
    if q.as_of:
        params["as_of"] = q.as_of.isoformat()
    if use_batch and q.batch is not None:
        params["batch"] = q.batch.pk
    return f"{reverse('dashboards:chart_records', args=[dim])}?{urlencode(params)}"


def _dim_names(dim: str, campaign: Campaign) -> dict[str, str]:
    if dim == "aspect":
        aspects = Aspect.objects.filter(campaign=campaign).order_by("kind", "ordinal")
        names = {str(a.pk): a.name for a in aspects}
        names.update({f"{RESEARCH_KEY}{a.pk}": a.name for a in aspects if a.kind == "research"})
        return names
    if dim == "state":
        return {value: str(label) for value, label in ProblemState.choices}
    return {}


def chart_trend(q: Query, *, days: int = 120) -> dict:
    """Cumulative figures by day, from the campaign's start to the as-of date (subtree)."""
    keys = _available(TREND_METRICS)
    end = q.as_of or datetime.date.today()
    start = max(q.campaign.starts_on, end - datetime.timedelta(days=days))
    facts = MetricFact.objects.filter(
        metric__in=keys, dim="", campaign_id=q.campaign.pk, unit=q.unit, day__lte=end
    )
    rows = facts.values("metric", "day").annotate(n=Sum("delta")).values_list("metric", "day", "n")
    by_metric: dict[str, Counter] = {key: Counter() for key in keys}
    for metric, day, n in rows:
        by_metric[metric][max(day, start)] += n  # what came before the window starts it
    dates = [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]
    series = []
    for key in keys:
        total, points = 0, []
        for day in dates:
            total += by_metric[key].get(day, 0)
            points.append(total)
        series.append({"key": key, "name": str(METRICS[key].label), "data": points})
    return {"dates": [d.isoformat() for d in dates], "series": series}


def trend_note():
    return _("趋势按单位及其全部下级统计，不按批次筛选。")
