"""The figure catalogue: every figure of the article (seed FIGURES.md), declared once.

Each entry computes, for a campaign, a unit (its subtree), a batch and an as-of date, a value
and exactly the records behind it, and knows the address of its drill-down: the metrics page
(/metrics/<key>/records/) where the figure is one metric over the unit's subtree, a records page
of its own (dashboards:figure_records) otherwise — the unit's own records, a batch's units,
distinct people or units, aspects, and the sums of yuan (the page states their total). The
dashboard, the API and the briefings all read figures from here, so a figure reads the same
wherever it appears.

"Of batch-N units" (参学单位) figures count each enrolled unit's own records (enrolling a unit
does not enrol its subtree), enrolled under the unit shown on or before the as-of date.
"""

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Protocol, cast

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from shigan.campaigns.models import Aspect, Batch, Campaign, Participation
from shigan.core.actors import is_system_actor
from shigan.dashboards.figure_types import Computed, Entry, Figure, Pillar, Query
from shigan.initiatives.selectors import indicator_sum, livelihood_areas
from shigan.metrics.registry import METRICS
from shigan.metrics.selectors import (
    metric_by,
    metric_fact_sums,
    metric_own_by_many,
    metric_records,
    metric_value,
    metric_zero,
)
from shigan.orgs.models import Unit
from shigan.orgs.scoping import subtree_q
from shigan.orgs.selectors import unit_get
from shigan.research import selectors as research
from shigan.study import selectors as study
from shigan.study.choices import StudyKind
from shigan.study.models import StudyActivity

__all__ = [
    "Pillar",
    "Query",
    "Figure",
    "Entry",
    "CATALOGUE",
    "figure",
    "figures_all",
    "default_batch",
    "TABLE_METRICS",
    "page_children",
    "page_fact",
]


# -- the parts the entries are made of -----------------------------------------------------


def _under(unit: Unit, field: str = "unit__path"):
    return subtree_q([unit.path], field)


def default_batch(campaign: Campaign) -> Batch | None:
    return Batch.objects.filter(campaign=campaign).order_by("ordinal").first()


def _enrolled(q: Query) -> QuerySet:
    """Ids of the units enrolled in the batch under the unit shown, by the as-of date."""
    if q.batch is None:
        return Participation.objects.none().values("unit")
    enrolled = Participation.objects.filter(batch=q.batch).filter(_under(q.unit))
    if q.as_of is not None:
        enrolled = enrolled.filter(enrolled_on__lte=q.as_of)
    return enrolled.values("unit")


def _records(key: str, q: Query, **dims) -> QuerySet:
    return metric_records(key, unit=q.unit, user=q.user, campaign=q.campaign, as_of=q.as_of, **dims)


# -- what a page reads once ------------------------------------------------------------------

# The by-child table's columns (dashboards.selectors), each child's whole subtree.
TABLE_METRICS = (
    "study.sessions",
    "research.topics",
    "research.trips",
    "problems.found",
    "problems.closed",
    "problems.measures",
    "initiatives.projects",
)  # not problems.overdue: a light is kept as of today, a table cell is as of its date
# Totals a dashboard shows besides the catalogue: the table's columns, the overdue count.
PAGE_TOTALS = (*TABLE_METRICS, "problems.overdue")


def page_children(q: Query) -> list[Unit]:
    """The unit's direct children, read once per page."""
    if "children" not in q.memo:
        children = Unit.objects.get_children(q.unit).only("pk", "name", "path", "depth")
        q.memo["children"] = list(children)
    return q.memo["children"]


def _page_units(q: Query) -> set[int]:
    return {q.unit.pk, *(child.pk for child in page_children(q))}


def _facts_wanted() -> set[tuple[str, str, str | None]]:
    """(metric, dim, value) of every figure of the catalogue read from the facts of the unit
    and its children, and the page's totals (value None: every value of the dimension)."""
    wanted = {w for entry in CATALOGUE.values() for w in getattr(entry.compute, "facts", ())}
    wanted |= {(key, "", "") for key in PAGE_TOTALS}
    return {w for w in wanted if w[0] in METRICS}


class Compute(Protocol):
    """A figure's computation, telling in attributes what it reads (each kind sets only its
    own: read them with getattr and a default): the metric `key` and `dims`, the `facts` and
    `batch_facts` wanted for the page's one read, and whether it counts a batch's units."""

    key: str
    dims: dict
    facts: tuple
    batch_facts: tuple
    batched: bool

    def __call__(self, q: Query) -> Computed: ...


def page_facts(q: Query) -> tuple[set, dict]:
    """The facts of the unit and of each of its children for every figure a page reads from
    them, in one indexed read: (what was read, {(metric, dim): {unit id: {value: sum}}})."""
    if "facts" not in q.memo:
        wanted = _facts_wanted()
        units = [q.unit, *page_children(q)]
        sums = metric_fact_sums(wanted, units=units, campaign=q.campaign, as_of=q.as_of)
        tree: defaultdict[tuple[str, str], defaultdict[int, dict]] = defaultdict(
            lambda: defaultdict(dict)
        )
        for (metric, unit_id, dim, value), n in sums.items():
            tree[(metric, dim)][unit_id][value] = n
        q.memo["facts"] = (wanted, tree)
    return q.memo["facts"]


def _read(q: Query, key: str, dim: str, value: str | None) -> dict | None:
    """{unit id: {value: sum}} of the unit and its children, None if the page did not read it."""
    wanted, tree = page_facts(q)
    if (key, dim, value) not in wanted and (key, dim, None) not in wanted:
        return None
    return tree.get((key, dim), {})


def page_fact(q: Query, key: str, unit: Unit, **dims):
    """The metric over `unit`'s subtree (the page's unit or one of its children), as
    `metric_value` gives it: from the page's facts when it read them."""
    if len(dims) <= 1:
        dim, value = next(iter(dims.items())) if dims else ("", "")
        units = _read(q, key, dim, str(value))
        if units is not None and unit.pk in _page_units(q):
            return units.get(unit.pk, {}).get(str(value), metric_zero(key))
        return metric_value(key, unit=unit, user=q.user, campaign=q.campaign, as_of=q.as_of, **dims)
    # A combination of dimensions is counted from the records: the figures that differ only
    # by the last one (口岸 and 试验区 funds) share one read, split by its values.
    *others, (split, value) = dims.items()
    memo = ("by", key, unit.pk, tuple(others), split)
    if memo not in q.memo:
        q.memo[memo] = metric_by(
            split, key, unit=unit, user=q.user, campaign=q.campaign, as_of=q.as_of, **dict(others)
        )
    return q.memo[memo].get(str(value), metric_zero(key))


def _own_by(q: Query, key: str, dim: str, value: str | None = None) -> dict | None:
    """{value: the unit's own records} by `dim` ("" the totals), of every value or of one:
    its facts less its children's; None if the page did not read them."""
    units = _read(q, key, dim, value)
    if units is None:
        return None
    own = dict(units.get(q.unit.pk, {}))
    for child in page_children(q):
        for child_value, n in units.get(child.pk, {}).items():
            own[child_value] = own.get(child_value, 0) - n
    return own


def _wanted(key: str, dims: dict) -> tuple:
    # One dimension at a time is kept in the facts; combinations are counted from records.
    if len(dims) > 1:
        return ()
    dim, value = next(iter(dims.items())) if dims else ("", "")
    return ((key, dim, str(value)),)


def _metric(key: str, **dims) -> Callable[[Query], Computed]:
    """The metric over the unit's subtree: the value from the facts, the records from the
    ledger (the metrics tests hold the two equal)."""

    def compute(q: Query) -> Computed:
        return page_fact(q, key, q.unit, **dims), lambda: _records(key, q, **dims)

    figure = cast(Compute, compute)
    figure.facts = _wanted(key, dims)
    return figure


def _own(key: str, **dims) -> Compute:
    """The metric's records of the unit itself, not of the units below it: the unit's facts
    less its children's (the records where the facts keep no such combination)."""

    def records(q: Query) -> QuerySet:
        return _records(key, q, **dims).filter(**{METRICS[key].unit_field: q.unit})

    def compute(q: Query) -> Computed:
        if len(dims) <= 1:
            dim, value = next(iter(dims.items())) if dims else ("", "")
            own = _own_by(q, key, dim, str(value))
            if own is not None:
                return own.get(str(value), metric_zero(key)), lambda: records(q)
        return records(q).count(), lambda: records(q)

    figure = cast(Compute, compute)
    figure.key, figure.dims, figure.facts = key, dims, _wanted(key, dims)
    return figure


def _batched(compute: Callable[[Query], Computed]) -> Compute:
    figure = cast(Compute, compute)
    figure.batched = True
    return figure


def _batch_facts(q: Query) -> dict[tuple[str, str], dict]:
    """The enrolled units' own figures of every "of batch-N units" figure of the catalogue,
    by (metric, dim), from the facts in two queries for the page (a batch's units under a
    region are most of its records: never counted one by one)."""
    if "batch" not in q.memo:
        named = {w for e in CATALOGUE.values() for w in getattr(e.compute, "batch_facts", ())}
        wanted = [w for w in named if w[0] in METRICS]
        # Facts without a campaign are kept under campaign 0: read whole.
        by_campaign = {
            True: [w for w in wanted if METRICS[w[0]].campaign_field],
            False: [w for w in wanted if not METRICS[w[0]].campaign_field],
        }
        sums: dict[tuple[str, str], dict] = {}
        for with_campaign, wants in by_campaign.items():
            if wants:
                sums |= metric_own_by_many(
                    wants, units=_enrolled(q), under=q.unit, as_of=q.as_of,
                    campaign=q.campaign if with_campaign else None,
                )  # fmt: skip
        q.memo["batch"] = sums
    return q.memo["batch"]


def _batch_own(key: str, q: Query, dim: str = "") -> dict:
    """The metric's figures of the enrolled units' own records, by `dim`'s values."""
    sums = _batch_facts(q)
    if (key, dim) in sums:
        return sums[(key, dim)]
    campaign = q.campaign if METRICS[key].campaign_field else None
    return metric_own_by_many(
        [(key, dim)], units=_enrolled(q), under=q.unit, campaign=campaign, as_of=q.as_of
    )[(key, dim)]


def _batch(key: str) -> Compute:
    """The metric's records of the units enrolled in the batch (each unit's own)."""

    @_batched
    def compute(q: Query) -> Computed:
        def records() -> QuerySet:
            unit_field = METRICS[key].unit_field
            return _records(key, q).filter(**{f"{unit_field}__in": _enrolled(q)})

        return _batch_own(key, q).get("", 0), records

    compute.key, compute.dims, compute.batch_facts = key, {}, ((key, ""),)
    return compute


def _aspects_of(problems: Compute) -> Callable[[Query], Computed]:
    """The distinct problem aspects those problems fall in (5个方面, 6个方面): from the facts
    by aspect, of the unit's own problems or of a batch's units'."""
    batched = getattr(problems, "batched", False)

    def compute(q: Query) -> Computed:
        def aspects() -> QuerySet:
            records = problems(q)[1]
            records = records() if callable(records) else records
            aspects = Aspect.objects.filter(pk__in=records.order_by().values("aspect"))
            return aspects.order_by("kind", "ordinal", "pk")

        by_aspect: dict | None
        if batched:
            by_aspect = _batch_own(problems.key, q, "aspect")
        else:
            by_aspect = _own_by(q, problems.key, "aspect") if not problems.dims else None
            if by_aspect is None:
                return aspects().count(), aspects
        return sum(1 for value, n in by_aspect.items() if value and n), aspects

    figure = cast(Compute, compute)
    figure.batched = batched
    if batched:
        figure.batch_facts = ((problems.key, "aspect"),)
    elif not problems.dims:
        figure.facts = ((problems.key, "aspect", None),)
    return figure


def _amount(key: str, **dims) -> Callable[[Query], Computed]:
    """A sum of yuan: the value from the metric, the projects from the ledger."""

    def compute(q: Query) -> Computed:
        value = page_fact(q, key, q.unit, **dims)
        return Decimal(value or 0), lambda: _records(key, q, **dims)

    figure = cast(Compute, compute)
    figure.facts = _wanted(key, dims)
    return figure


def _indicator(area: str, name: str, measure: str) -> Callable[[Query], Computed]:
    """A physical indicator of the campaign's key tasks in `area` (its reports summed over
    the unit's subtree, in `measure`): FIGURES row 28."""

    def compute(q: Query) -> Computed:
        return indicator_sum(
            unit=q.unit,
            campaign=q.campaign,
            area=area,
            name=name,
            measure=measure,
            as_of=q.as_of,
            user=q.user,
        )

    return compute


def _study_leaders(q: Query) -> Computed:
    return study.study_leaders(user=q.user, unit=q.unit, campaign=q.campaign, as_of=q.as_of)


@_batched
def _batch_units(q: Query) -> Computed:
    units = Unit.objects.filter(pk__in=_enrolled(q)).order_by("path")
    return units.count(), units


@_batched
def _reading_class_coverage(q: Query) -> Computed:
    if q.batch is None:
        return 0, Unit.objects.none(), 0
    coverage = study.study_coverage(
        user=q.user,
        campaign=q.campaign,
        batch=q.batch,
        kind=StudyKind.READING_CLASS,
        as_of=q.as_of,
    )
    covered = coverage.covered_units.filter(_under(q.unit, "path"))
    enrolled = coverage.enrolled_units.filter(_under(q.unit, "path"))
    return covered.count(), covered, enrolled.count()


@_batched
def _batch_central_group(q: Query) -> Computed:
    if q.batch is None:
        return _empty_sessions()
    sessions = study.study_sessions_of_batch(
        user=q.user,
        campaign=q.campaign,
        batch=q.batch,
        kind=StudyKind.CENTRAL_GROUP,
        as_of=q.as_of,
    ).filter(_under(q.unit))
    return sessions.count(), sessions


def _empty_sessions() -> Computed:
    return 0, StudyActivity.objects.none()


def _research_aspects(q: Query) -> Computed:
    figure = research.research_aspects(campaign=q.campaign)
    return figure.value, figure.records


def _revised_plan_units(q: Query) -> Computed:
    figure = research.units_with_revised_plans(
        campaign=q.campaign, unit=q.unit, user=q.user, as_of=q.as_of
    )
    return figure.value, figure.records


def _livelihood_areas(q: Query) -> Computed:
    # The office's list of areas: it has no date, so it reads the same at every as-of date.
    figure = livelihood_areas(campaign=q.campaign)
    return figure.value, figure.records


# -- the catalogue ---------------------------------------------------------------------------

S, R, X, D = Pillar.STUDY, Pillar.RESEARCH, Pillar.RECTIFICATION, Pillar.DELIVERY
SELF = "problems.self_inspection"
FUNDS = "initiatives.project_funds"
INDICATORS = "initiatives.indicator_values"
ENERGY_CAPACITY = "新能源并网装机"  # the indicator's name, as the energy key task declares it

_ENTRIES = (
    Entry("study_leaders", 1, _("参加学习的县处级以上领导干部"), S, _("名"), _study_leaders,
          help=_("参加学习活动的县处级以上领导干部，每人只计一次")),
    Entry("root_reading_classes", 2, _("本级举办读书班"), S, _("期"),
          _own("study.sessions", kind=StudyKind.READING_CLASS)),
    Entry("root_central_group_sessions", 3, _("本级理论学习中心组集中研讨"), S, _("次"),
          _own("study.sessions", kind=StudyKind.CENTRAL_GROUP)),
    Entry("batch_units", 4, _("参学单位"), S, _("个"), _batch_units),
    Entry("reading_class_coverage", 5, _("举办读书班的参学单位"), S, _("个"),
          _reading_class_coverage, help=_("参学单位中本单位举办过读书班的，及参学单位总数")),
    Entry("batch_central_group_sessions", 6, _("参学单位理论中心组学习"), S, _("次"),
          _batch_central_group),
    Entry("research_aspects", 7, _("调研方面"), R, _("个"), _research_aspects),
    Entry("provincial_topics", 8, _("省级领导确定调研课题"), R, _("个"),
          _metric("research.topics_provincial"), metric="research.topics_provincial"),
    Entry("provincial_trips", 9, _("省级领导领题调研"), R, _("次"),
          _metric("research.trips_provincial"), metric="research.trips_provincial"),
    Entry("batch_topics", 10, _("参学单位确定调研课题"), R, _("个"), _batch("research.topics")),
    Entry("batch_trips", 11, _("参学单位开展调研"), R, _("次"), _batch("research.trips")),
    Entry("research_problems", 12, _("参学单位调研梳理排查问题"), R, _("个"),
          _batch("problems.research")),
    Entry("research_measures", 13, _("参学单位研究提出解决措施"), R, _("条"),
          _batch("problems.research_measures")),
    Entry("guidance_visits", 14, _("跟进指导调查研究"), R, _("次"),
          _metric("research.guidance_visits"), metric="research.guidance_visits"),
    Entry("revised_plan_units", 15, _("帮助修改完善调研方案的单位"), R, _("家"),
          _revised_plan_units),
    Entry("root_problems", 16, _("本级梳理形成的具体问题"), X, _("个"),
          _own("problems.found")),
    Entry("root_problem_aspects", 16, _("本级问题涉及的方面"), X, _("个"),
          _aspects_of(_own("problems.found"))),
    Entry("self_inspection_problems", 17, _("参学单位检视出的问题"), X, _("个"), _batch(SELF)),
    Entry("self_inspection_aspects", 17, _("参学单位检视问题涉及的方面"), X, _("个"),
          _aspects_of(_batch(SELF))),
    Entry("self_inspection_closed", 18, _("参学单位已完成整改问题"), X, _("个"),
          _batch("problems.self_inspection_closed")),
    Entry("self_inspection_measures", 19, _("参学单位新增整改措施"), X, _("条"),
          _batch("problems.self_inspection_measures")),
    Entry("special_programs", 20, _("专项整治方案"), X, _("个"),
          _metric("problems.special_programs"), metric="problems.special_programs"),
    Entry("ecology_projects", 21, _("生态安全屏障项目"), D, _("个"),
          _metric("initiatives.projects", area="ecology"), metric="initiatives.projects",
          dims={"area": "ecology"}),
    Entry("border_security_funds", 22, _("北疆安全稳定屏障专项经费"), D, "",
          _amount(FUNDS, area="border_security"), metric=FUNDS,
          dims={"area": "border_security"}, amount=True),
    Entry("agriculture_funds", 23, _("农畜产品生产基地建设资金"), D, "",
          _amount(FUNDS, area="agriculture"), metric=FUNDS,
          dims={"area": "agriculture"}, amount=True),
    Entry("opening_up_zone_funds", 24, _("开发开放试验区建设筹措资金"), D, "",
          _amount(FUNDS, area="opening_up", kind="pilot_zone"), metric=FUNDS,
          dims={"area": "opening_up", "kind": "pilot_zone"}, amount=True),
    Entry("opening_up_port_funds", 24, _("口岸经济发展专项资金"), D, "",
          _amount(FUNDS, area="opening_up", kind="port_economy"), metric=FUNDS,
          dims={"area": "opening_up", "kind": "port_economy"}, amount=True),
    Entry("livelihood_items", 25, _("民生项目"), D, _("项"),
          _metric("initiatives.livelihood_items"), metric="initiatives.livelihood_items"),
    Entry("livelihood_areas", 26, _("全年重点抓好的民生工作方面"), D, _("个"),
          _livelihood_areas),
    Entry("ethnic_affairs_funds", 27, _("少数民族发展任务资金"), D, "",
          _amount(FUNDS, kind="ethnic_affairs"), metric=FUNDS,
          dims={"kind": "ethnic_affairs"}, amount=True),
    Entry("energy_capacity", 28, _("新增新能源并网装机"), D, "",
          _indicator("energy", ENERGY_CAPACITY, "kw"), metric=INDICATORS, measure="kw",
          help=_("能源重点任务的“新能源并网装机”指标，各项目填报的新增数值之和（千瓦）")),
)  # fmt: skip

CATALOGUE: dict[str, Entry] = {entry.key: entry for entry in _ENTRIES}


def _query(campaign, unit, batch, as_of, user) -> Query:
    if not is_system_actor(user):  # the system sees every unit: no read to check it
        unit = unit_get(user=user, pk=unit.pk)  # 404 outside the user's scope (and for None)
    if batch is None:
        batch = default_batch(campaign)
    elif batch.campaign_id != campaign.pk:
        raise ValueError("the batch is not of this campaign")
    return Query(campaign=campaign, unit=unit, batch=batch, as_of=as_of, user=user)


def figure(
    key: str, *, campaign, unit, user, batch=None, as_of=None, query: Query | None = None
) -> Figure:
    """One figure of the catalogue, with its records and drill-down address."""
    q = query or _query(campaign, unit, batch, as_of, user)
    return CATALOGUE[key].evaluate(q)


def figures_all(*, campaign, unit, user, batch=None, as_of=None, keys=None) -> dict:
    """Every figure of the catalogue (or those of `keys`), in the catalogue's order."""
    q = _query(campaign, unit, batch, as_of, user)
    wanted = CATALOGUE if keys is None else {k: CATALOGUE[k] for k in keys}
    return {key: entry.evaluate(q) for key, entry in wanted.items()}


def records_sum(records: QuerySet, field: str) -> Decimal:
    """The sum of an amount over a figure's records (the drill-down of an amount figure)."""
    return records.order_by().aggregate(total=Sum(field))["total"] or Decimal(0)


__all__ += ["records_sum"]
