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

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shigan.campaigns.models import Aspect, Batch, Campaign, Participation
from shigan.core.formatting import amount_exact, amount_text, count_exact, count_text
from shigan.initiatives.measures import quantity_exact, quantity_text
from shigan.metrics.links import records_url
from shigan.metrics.registry import METRICS
from shigan.metrics.selectors import metric_own_by, metric_records, metric_value
from shigan.orgs.models import Unit
from shigan.orgs.scoping import subtree_q
from shigan.orgs.selectors import unit_get
from shigan.research import selectors as research
from shigan.study import selectors as study
from shigan.study.choices import StudyKind

__all__ = [
    "Pillar",
    "Query",
    "Figure",
    "Entry",
    "CATALOGUE",
    "figure",
    "figures_all",
    "default_batch",
]


class Pillar:
    STUDY = "study"
    RESEARCH = "research"
    RECTIFICATION = "rectification"
    DELIVERY = "delivery"

    LABELS = {
        STUDY: _("学习"),
        RESEARCH: _("调研"),
        RECTIFICATION: _("整改"),
        DELIVERY: _("实效"),
    }


@dataclass(frozen=True)
class Query:
    """What a figure is asked for. `user` None is the system (no scope check)."""

    campaign: Campaign
    unit: Unit
    batch: Batch | None = None
    as_of: datetime.date | None = None
    user: object = None

    def params(self) -> dict:
        params = {"unit": self.unit.pk, "campaign": self.campaign.pk}
        if self.batch is not None:
            params["batch"] = self.batch.pk
        if self.as_of is not None:
            params["as_of"] = self.as_of.isoformat()
        return params


@dataclass(frozen=True)
class Figure:
    """A computed figure: its value, the records behind it, and where to see them."""

    entry: "Entry"
    value: int | Decimal
    records: QuerySet
    url: str
    total: int | None = None  # "161 of 161": out of how many

    @property
    def key(self) -> str:
        return self.entry.key

    @property
    def text(self) -> str:
        """As a report writes it (1667, 1.49万, 193.7亿元)."""
        if self.entry.measure:
            return quantity_text(self.value, self.entry.measure)
        return amount_text(self.value) if self.entry.amount else count_text(self.value)

    @property
    def exact(self) -> str:
        if self.entry.measure:
            return quantity_exact(self.value, self.entry.measure)
        return amount_exact(self.value) if self.entry.amount else count_exact(self.value)

    @property
    def complete(self) -> bool:
        """Every one of the total (全部): for coverage figures."""
        return self.total is not None and self.total > 0 and self.value == self.total

    def record_ids(self) -> list[int]:
        return list(self.records.order_by("pk").values_list("pk", flat=True))


Computed = tuple  # (value, records) or (value, records, total)


@dataclass(frozen=True)
class Entry:
    key: str
    row: int  # the row of FIGURES.md
    label: object
    pillar: str
    noun: object  # the measure word the figure is read with (名, 个, 次 …); "" for amounts
    compute: Callable[[Query], Computed] = field(repr=False)
    # Drill-down through the metrics page: the metric and its dimension values.
    metric: str | None = None
    dims: dict = field(default_factory=dict)
    amount: bool = False  # a sum of yuan (Decimal), not a count
    measure: str = ""  # a physical quantity in this unit (initiatives.measures), not a count
    help: object = ""

    @property
    def batched(self) -> bool:
        """Counts the records of a batch's units (参学单位)."""
        return getattr(self.compute, "batched", False)

    def url(self, q: Query) -> str:
        # An amount opens the dashboards' own records page, which states the total in yuan
        # beside the projects (the metrics page lists them without adding them up).
        if self.metric and not self.amount and not self.measure:
            return records_url(
                self.metric, unit=q.unit, as_of=q.as_of, campaign=q.campaign, **self.dims
            )
        return f"{reverse('dashboards:figure_records', args=[self.key])}?{urlencode(q.params())}"

    def evaluate(self, q: Query) -> Figure:
        computed = self.compute(q)
        value, records = computed[0], computed[1]
        total = computed[2] if len(computed) > 2 else None
        return Figure(self, value, records, self.url(q), total)


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


def _metric(key: str, **dims) -> Callable[[Query], Computed]:
    """The metric over the unit's subtree: the value from the facts, the records from the
    ledger (the metrics tests hold the two equal)."""

    def compute(q: Query) -> Computed:
        value = metric_value(key, unit=q.unit, campaign=q.campaign, as_of=q.as_of, **dims)
        return value, _records(key, q, **dims)

    return compute


def _own(key: str, **dims) -> Callable[[Query], Computed]:
    """The metric's records of the unit itself, not of the units below it."""

    def compute(q: Query) -> Computed:
        records = _records(key, q, **dims).filter(**{METRICS[key].unit_field: q.unit})
        return records.count(), records

    return compute


def _batched(compute):
    compute.batched = True
    return compute


def _batch_own(key: str, q: Query, dim: str = "") -> dict:
    """The metric's figures of the enrolled units' own records, by `dim`'s values, from the
    facts (a batch's units under a region are most of its records: never counted one by one)."""
    metric = METRICS[key]
    campaign = q.campaign if metric.campaign_field else None  # facts without one: campaign 0
    return metric_own_by(
        key, units=_enrolled(q), under=q.unit, campaign=campaign, as_of=q.as_of, dim=dim
    )


def _batch(key: str) -> Callable[[Query], Computed]:
    """The metric's records of the units enrolled in the batch (each unit's own)."""

    @_batched
    def compute(q: Query) -> Computed:
        unit_field = METRICS[key].unit_field
        records = _records(key, q).filter(**{f"{unit_field}__in": _enrolled(q)})
        return _batch_own(key, q).get("", 0), records

    compute.key = key
    return compute


def _aspects_of(problems: Callable[[Query], Computed]) -> Callable[[Query], Computed]:
    """The distinct problem aspects those problems fall in (5个方面, 6个方面); of a batch's
    units from the facts by aspect."""

    def compute(q: Query) -> Computed:
        records = problems(q)[1]
        aspects = Aspect.objects.filter(pk__in=records.order_by().values("aspect"))
        aspects = aspects.order_by("kind", "ordinal", "pk")
        if not compute.batched:  # the unit's own records: an indexed read of that unit
            return aspects.count(), aspects
        return sum(1 for value in _batch_own(problems.key, q, "aspect") if value), aspects

    compute.batched = getattr(problems, "batched", False)
    return compute


def _amount(key: str, **dims) -> Callable[[Query], Computed]:
    """A sum of yuan: the value from the metric, the projects from the ledger."""

    def compute(q: Query) -> Computed:
        value = metric_value(key, unit=q.unit, campaign=q.campaign, as_of=q.as_of, **dims)
        return Decimal(value or 0), _records(key, q, **dims)

    return compute


def _indicator(area: str, name: str, measure: str) -> Callable[[Query], Computed]:
    """A physical indicator of the campaign's key tasks in `area` (its reports summed over
    the unit's subtree, in `measure`): FIGURES row 28."""

    def compute(q: Query) -> Computed:
        from shigan.initiatives.selectors import indicator_sum

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
    from shigan.study.models import StudyActivity

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
    from shigan.initiatives.selectors import livelihood_areas

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
    if user is not None:
        unit = unit_get(user=user, pk=unit.pk)  # 404 outside the user's scope
    if batch is None:
        batch = default_batch(campaign)
    elif batch.campaign_id != campaign.pk:
        raise ValueError("the batch is not of this campaign")
    return Query(campaign=campaign, unit=unit, batch=batch, as_of=as_of, user=user)


def figure(
    key: str, *, campaign, unit, batch=None, as_of=None, user=None, query: Query | None = None
) -> Figure:
    """One figure of the catalogue, with its records and drill-down address."""
    q = query or _query(campaign, unit, batch, as_of, user)
    return CATALOGUE[key].evaluate(q)


def figures_all(*, campaign, unit, batch=None, as_of=None, user=None, keys=None) -> dict:
    """Every figure of the catalogue (or those of `keys`), in the catalogue's order."""
    q = _query(campaign, unit, batch, as_of, user)
    wanted = CATALOGUE if keys is None else {k: CATALOGUE[k] for k in keys}
    return {key: entry.evaluate(q) for key, entry in wanted.items()}


def records_sum(records: QuerySet, field: str) -> Decimal:
    """The sum of an amount over a figure's records (the drill-down of an amount figure)."""
    return records.order_by().aggregate(total=Sum(field))["total"] or Decimal(0)


__all__ += ["records_sum"]
