"""Reading metrics: figures from the facts, records from the ledger; both scoped to the user.

`metric_value` and `metric_by_child` cost one indexed read of the facts of the units shown;
`metric_records` returns exactly the records a figure counts (the drill-down).

A count is an int; a sum metric (`Metric.amount_field`) reads back as an exact Decimal (yuan
for the fund metrics), summed from integer facts or, for the records, with Decimal arithmetic
in Python (SQLite keeps decimals as binary floats, so its SUM is not exact).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeAlias, TypeVar

from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce, Length, Substr

from shigan.core.actors import is_system_actor
from shigan.metrics.models import MetricFact
from shigan.metrics.registry import Metric, campaign_lookup, get_metric
from shigan.orgs.models import Unit
from shigan.orgs.scoping import Viewer, path_upper
from shigan.orgs.selectors import unit_get

__all__ = [
    "ChildFigure",
    "UnitFigures",
    "figures_of",
    "metric_value",
    "metric_by_child",
    "metric_by",
    "metric_own_by",
    "metric_own_by_many",
    "metric_fact_sums",
    "metric_zero",
    "metric_records",
    "metric_dims",
    "dim_labels",
]


# A metric, or its key.
MetricRef: TypeAlias = Metric | str
# A campaign, or its id (a query string's text too); None: all campaigns.
CampaignRef: TypeAlias = Model | int | str | None
# A count is an int, a sum an exact Decimal.
Figure: TypeAlias = int | Decimal
_K = TypeVar("_K")


@dataclass(frozen=True)
class ChildFigure:
    unit: Unit | None  # None: the unit's own records, not its children's
    value: int | Decimal
    own: bool = False


def _metric(metric: MetricRef) -> Metric:
    return metric if isinstance(metric, Metric) else get_metric(metric)


def _checked_unit(user: Viewer, unit: Unit) -> Unit:
    """The unit, if the user may see it (404 otherwise, and for None). The system actor sees
    every unit: no read to check it."""
    return unit if is_system_actor(user) else unit_get(user=user, pk=unit.pk)


def _facts(
    metric: Metric,
    *,
    campaign: CampaignRef,
    as_of: datetime.date | None,
    dims: dict[str, object] | None,
) -> QuerySet[MetricFact]:
    """Fact rows of the metric up to `as_of`: totals, one dimension value, or (None) any."""
    facts = MetricFact.objects.filter(metric=metric.key)
    if dims is not None:
        dim, value = next(iter(dims.items())) if dims else ("", "")
        facts = facts.filter(dim=dim, value=str(value))
    if campaign is not None:
        facts = facts.filter(campaign_id=getattr(campaign, "pk", campaign))
    if as_of is not None:
        facts = facts.filter(day__lte=as_of)
    return facts


def _as_value(metric: Metric, n: Figure | None) -> Figure:
    """A fact total as the metric's value: the count, or the sum as an exact Decimal."""
    if not metric.is_sum:
        return n or 0
    return Decimal(n or 0).scaleb(-metric.scale_digits)


def metric_zero(metric: MetricRef) -> Figure:
    """A figure of the metric with nothing counted, as `metric_value` reads it."""
    return _as_value(_metric(metric), 0)


def _record_sum(metric: Metric, amounts: Iterable[Decimal | None]) -> Decimal:
    total = sum((Decimal(a) for a in amounts if a is not None), Decimal(0))
    return total.quantize(Decimal(1).scaleb(-metric.scale_digits))


def _from_facts(dims: dict[str, object]) -> bool:
    # One dimension at a time is kept in the facts; combinations are counted from records.
    return len(dims) <= 1


# Only figures_of makes UnitFigures: a unit put in by hand would skip the user's check.
_CHECKED = object()


@dataclass(frozen=True)
class UnitFigures:
    """The figures of one unit's subtree, for a user checked once to see the unit (made by
    `figures_of`): a page of many figures over one unit reads their facts without checking
    the unit again for each."""

    unit: Unit
    made_by: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.made_by is not _CHECKED:
            raise TypeError("UnitFigures come from figures_of(user=…, unit=…), which checks")

    def value(
        self,
        metric: MetricRef,
        *,
        campaign: CampaignRef = None,
        as_of: datetime.date | None = None,
        **dims: Any,
    ) -> Figure:
        return _value(_metric(metric), self.unit, campaign, as_of, dims)

    def by_child(
        self,
        metric: MetricRef,
        *,
        campaign: CampaignRef = None,
        as_of: datetime.date | None = None,
        **dims: Any,
    ) -> list[ChildFigure]:
        return _by_child(_metric(metric), self.unit, campaign, as_of, dims)

    def by(
        self,
        dim: str,
        metric: MetricRef,
        *,
        campaign: CampaignRef = None,
        as_of: datetime.date | None = None,
        **dims: Any,
    ) -> dict[str, Figure]:
        return _by(dim, _metric(metric), self.unit, campaign, as_of, dims)


def figures_of(*, user: Viewer, unit: Unit) -> UnitFigures:
    """The figures of the unit's subtree, if the user may see the unit (404 otherwise, and for
    None, a visitor not signed in). The figures are counts and sums, not records: seeing the
    unit is seeing them all."""
    return UnitFigures(_checked_unit(user, unit), _CHECKED)


def metric_value(
    metric: MetricRef,
    *,
    unit: Unit,
    user: Viewer,
    campaign: CampaignRef = None,
    as_of: datetime.date | None = None,
    **dims: Any,
) -> Figure:
    return figures_of(user=user, unit=unit).value(metric, campaign=campaign, as_of=as_of, **dims)


def _value(
    metric: Metric,
    unit: Unit,
    campaign: CampaignRef,
    as_of: datetime.date | None,
    dims: dict[str, Any],
) -> Figure:
    """`metric_value` of a unit already checked."""
    if not _from_facts(dims):
        records = _records(metric, unit, campaign, as_of, dims)
        if metric.amount_field is not None:  # a sum
            return _record_sum(metric, records.values_list(metric.amount_field, flat=True))
        return records.count()
    facts = _facts(metric, campaign=campaign, as_of=as_of, dims=dims).filter(unit=unit)
    return _as_value(metric, facts.aggregate(n=Coalesce(Sum("delta"), 0))["n"])


def metric_by_child(
    metric: MetricRef,
    *,
    unit: Unit,
    user: Viewer,
    campaign: CampaignRef = None,
    as_of: datetime.date | None = None,
    **dims: Any,
) -> list[ChildFigure]:
    """One row per direct child (its whole subtree), then the unit's own records."""
    figures = figures_of(user=user, unit=unit)
    return figures.by_child(metric, campaign=campaign, as_of=as_of, **dims)


def _by_child(
    metric: Metric,
    unit: Unit,
    campaign: CampaignRef,
    as_of: datetime.date | None,
    dims: dict[str, Any],
) -> list[ChildFigure]:
    """`metric_by_child` of a unit already checked."""
    children = list(Unit.objects.get_children(unit).only("pk", "name", "path", "depth"))
    total = _value(metric, unit, campaign, as_of, dims)
    sums: dict[int, Figure]
    if _from_facts(dims):
        fact_sums = dict(
            _facts(metric, campaign=campaign, as_of=as_of, dims=dims)
            .filter(
                unit__path__gte=unit.path,
                unit__path__lt=path_upper(unit.path),
                unit__depth=unit.depth + 1,
            )
            .values("unit")
            .annotate(n=Sum("delta"))
            .values_list("unit", "n")
        )
        sums = {pk: _as_value(metric, n) for pk, n in fact_sums.items()}
    else:
        by_path = _record_counts_by_child(metric, unit, campaign, as_of, dims)
        children_by_path = {c.path: c.pk for c in children}
        sums = {children_by_path[p]: n for p, n in by_path.items() if p in children_by_path}
    zero = _as_value(metric, 0)
    rows = [ChildFigure(child, sums.get(child.pk, zero)) for child in children]
    rows.append(ChildFigure(None, total - sum(r.value for r in rows), own=True))
    return rows


def _record_counts_by_child(
    metric: Metric,
    unit: Unit,
    campaign: CampaignRef,
    as_of: datetime.date | None,
    dims: dict[str, Any],
) -> Mapping[str, Figure]:
    prefix = f"{metric.unit_field}__path" if metric.unit_field else "path"
    width = len(unit.path) + Unit.steplen
    records = _records(metric, unit, campaign, as_of, dims)
    records = records.order_by().annotate(
        child_path=Substr(prefix, 1, width, output_field=CharField())
    )
    if metric.amount_field is not None:  # a sum
        return _sums_by(metric, records.values_list("child_path", metric.amount_field))
    return dict(records.values("child_path").annotate(n=Count("pk")).values_list("child_path", "n"))


def _sums_by(metric: Metric, pairs: Iterable[tuple[_K, Decimal | None]]) -> dict[_K, Decimal]:
    """{key: exact Decimal sum} of (key, amount) pairs."""
    amounts: defaultdict[_K, list[Decimal | None]] = defaultdict(list)
    for key, amount in pairs:
        amounts[key].append(amount)
    return {key: _record_sum(metric, values) for key, values in amounts.items()}


def metric_by(
    dim: str,
    metric: MetricRef,
    *,
    unit: Unit,
    user: Viewer,
    campaign: CampaignRef = None,
    as_of: datetime.date | None = None,
    **dims: Any,
) -> dict[str, Figure]:
    """The figure split by one dimension's values (e.g. by aspect, by source)."""
    figures = figures_of(user=user, unit=unit)
    return figures.by(dim, metric, campaign=campaign, as_of=as_of, **dims)


def _by(
    dim: str,
    metric: Metric,
    unit: Unit,
    campaign: CampaignRef,
    as_of: datetime.date | None,
    dims: dict[str, Any],
) -> dict[str, Figure]:
    """`metric_by` of a unit already checked."""
    if dim not in metric.dims:
        raise ValueError(f"metric {metric.key} has no dimension {dim!r}")
    if not dims:
        facts = _facts(metric, campaign=campaign, as_of=as_of, dims=None).filter(unit=unit, dim=dim)
        totals = facts.values("value").annotate(n=Sum("delta")).values_list("value", "n")
        return {value: _as_value(metric, n) for value, n in totals if n}
    records = _records(metric, unit, campaign, as_of, dims)
    rows: Iterable[tuple[Any, Figure]]
    if metric.amount_field is not None:  # a sum
        pairs = records.order_by().values_list(dim, metric.amount_field)
        rows = _sums_by(metric, pairs).items()
    else:
        rows = records.order_by().values(dim).annotate(n=Count("pk")).values_list(dim, "n")
    return {("" if value is None else str(value)): n for value, n in rows if n}


def metric_own_by(
    metric: MetricRef,
    *,
    units: QuerySet[Any],
    under: Unit,
    campaign: CampaignRef = None,
    as_of: datetime.date | None = None,
    dim: str = "",
) -> dict[str, Figure]:
    """The records of `units` themselves (not of the units below them), summed over those
    units, by the values of `dim` ("" for the totals): from the facts, each unit's own being
    its facts less its children's. `units` is a query of unit ids under `under`, e.g. a batch's
    enrolled units. The units' weights (+1 counted, −1 a child of one counted) from the tree,
    then indexed reads of their facts; no record is read."""
    key = _metric(metric).key
    sums = metric_own_by_many(
        [(key, dim)], units=units, under=under, campaign=campaign, as_of=as_of
    )
    return sums[(key, dim)]


def metric_own_by_many(
    wants: Iterable[tuple[MetricRef, str]],
    *,
    units: QuerySet[Any],
    under: Unit,
    campaign: CampaignRef = None,
    as_of: datetime.date | None = None,
) -> dict[tuple[str, str], dict[str, Figure]]:
    """`metric_own_by` of several (metric, dim) pairs at once, keyed by the pair: the units'
    weights read once, then one read of their facts for every pair (a dashboard's "of batch-N
    units" figures: two queries, not two per figure)."""
    chosen = [(_metric(metric), dim) for metric, dim in wants]
    out: dict[tuple[str, str], dict[str, Figure]] = {(m.key, dim): {} for m, dim in chosen}
    if not chosen:
        return out
    paths = Unit.objects.filter(pk__in=units).values("path")
    own, child = Q(pk__in=units), Q(parent_path__in=paths)
    weights = dict(
        Unit.objects.filter(path__gte=under.path, path__lt=path_upper(under.path))
        .alias(parent_path=Substr("path", 1, Length("path") - Unit.steplen))
        .filter(own | child)
        # Any fact: one probe of the unit's index each, where one by metric would be several.
        .filter(Exists(MetricFact.objects.filter(unit=OuterRef("pk"))))
        .annotate(weight=Case(When(own, then=1), default=0) - Case(When(child, then=1), default=0))
        .order_by()
        .values_list("pk", "weight")
    )
    # Only units with facts, their ids listed rather than joined: the planner then reads the
    # facts by their index on the unit instead of scanning every fact of the metric.
    plus = sorted(pk for pk, weight in weights.items() if weight == 1)
    minus = sorted(pk for pk, weight in weights.items() if weight == -1)
    if not plus and not minus:
        return out
    pairs = Q()
    for chosen_metric, dim in chosen:
        pairs |= Q(metric=chosen_metric.key, dim=dim)
    facts = MetricFact.objects.filter(pairs, unit__in=plus + minus)
    if campaign is not None:
        facts = facts.filter(campaign_id=getattr(campaign, "pk", campaign))
    if as_of is not None:
        facts = facts.filter(day__lte=as_of)
    signed = Case(
        When(unit__in=minus, then=-F("delta")), default=F("delta"), output_field=BigIntegerField()
    )
    rows = facts.values("metric", "dim", "value").annotate(n=Sum(signed))
    by_key = {m.key: m for m, _dim in chosen}
    for row in rows.values_list("metric", "dim", "value", "n"):
        key, dim, value, n = row
        if n and (key, dim) in out:
            out[(key, dim)][value] = _as_value(by_key[key], n)
    return out


def metric_fact_sums(
    wants: Iterable[tuple[str, str, object]],
    *,
    units: Iterable[Unit | int],
    campaign: CampaignRef = None,
    as_of: datetime.date | None = None,
) -> dict[tuple[str, int, str, str], Figure]:
    """Many figures of a few units in one indexed read of the facts: for each want (metric,
    dim, value) — value None: every value of the dimension, dim "" the totals — and each of
    `units`, the sum of its facts up to `as_of` (its whole subtree), keyed (metric, unit id,
    dim, value). What has no facts is absent (read it as 0). A dashboard reads every figure of
    its unit and the unit's children this way, not one query per figure."""
    metrics: dict[str, Metric] = {}
    by_dim: defaultdict[tuple[str, str | None], set[str]] = defaultdict(set)
    for key, dim, value in wants:
        metrics[key] = _metric(key)
        by_dim[(dim, None if value is None else str(value))].add(key)
    for (dim, value), keys in by_dim.items():  # every value of a dimension covers each one
        if value is not None:
            keys -= by_dim.get((dim, None), set())
    facts = MetricFact.objects.filter(unit__in=[getattr(u, "pk", u) for u in units])
    if campaign is not None:
        facts = facts.filter(campaign_id=getattr(campaign, "pk", campaign))
    if as_of is not None:
        facts = facts.filter(day__lte=as_of)
    # One arm per dimension value, its metrics listed, the arms glued by UNION ALL: each arm
    # is then an index-only scan of the facts' covering index, where one WHERE with OR
    # would visit every fact row in the table (several times slower at 200,000 problems).
    arms: list[QuerySet[MetricFact, tuple[Any, ...]]] = []
    for (dim, value), keys in sorted(by_dim.items(), key=str):
        if keys:
            arm = facts.filter(metric__in=sorted(keys), dim=dim)
            arm = arm if value is None else arm.filter(value=value)
            arms.append(
                arm.values("metric", "unit_id", "dim", "value")
                .annotate(n=Sum("delta"))
                .values_list("metric", "unit_id", "dim", "value", "n")
            )
    if not arms:
        return {}
    rows = arms[0].union(*arms[1:], all=True) if len(arms) > 1 else arms[0]
    return {
        (metric, unit_id, dim, value): _as_value(metrics[metric], n)
        for metric, unit_id, dim, value, n in rows
    }


def metric_records(
    metric: MetricRef,
    *,
    unit: Unit,
    user: Viewer,
    campaign: CampaignRef = None,
    as_of: datetime.date | None = None,
    **dims: Any,
) -> QuerySet[Model]:
    """Exactly the records counted by `metric_value` with the same arguments, those the user
    may see (all for the system actor)."""
    metric, unit = _metric(metric), _checked_unit(user, unit)
    records = _records(metric, unit, campaign, as_of, dims)
    return records.restrict(user, "view") if hasattr(records, "restrict") else records


def _records(
    metric: Metric,
    unit: Unit,
    campaign: CampaignRef,
    as_of: datetime.date | None,
    dims: dict[str, Any],
) -> QuerySet[Model]:
    """The records a figure of a unit already checked counts, in no user's scope."""
    path = f"{metric.unit_field}__path" if metric.unit_field else "path"
    records = metric.model._default_manager.filter(metric.filter).filter(
        **{f"{path}__gte": unit.path, f"{path}__lt": path_upper(unit.path)}
    )
    if campaign is not None and metric.campaign_field:
        records = records.filter(**{metric.campaign_field: getattr(campaign, "pk", campaign)})
    for name, value in dims.items():
        if name not in metric.dims:
            raise ValueError(f"metric {metric.key} has no dimension {name!r}")
        records = records.filter(**{name: value})
    if metric.states is not None:
        records = _in_states_on(metric, records, as_of)
    elif metric.date_field and as_of is not None:
        field = metric.model._meta.get_field(metric.date_field)
        lookup = "__date__lte" if isinstance(field, DateTimeField) else "__lte"
        records = records.filter(**{f"{metric.date_field}{lookup}": as_of})
    return records.order_by(*metric.order_by)


def _in_states_on(
    metric: Metric, records: QuerySet[Model], as_of: datetime.date | None
) -> QuerySet[Model]:
    history = metric.history
    assert history is not None  # Metric.__post_init__: states and history go together
    changes = history.model._default_manager.filter(**{history.record_field: OuterRef("pk")})
    if as_of is not None:
        changes = changes.filter(**{f"{history.day_field}__lte": as_of})
    latest = changes.order_by(f"-{history.day_field}", "-pk").values(history.state_field)[:1]
    in_states: QuerySet[Model] = records.annotate(
        state_on_day=Subquery(latest, output_field=CharField())
    ).filter(state_on_day__in=metric.states)
    return in_states


def records_sum(records: QuerySet[Any], field: str) -> Decimal:
    """The exact sum of an amount over a figure's records (Decimal arithmetic: SQLite's SUM of
    decimals is a float)."""
    amounts = records.order_by().values_list(field, flat=True)
    return sum((Decimal(a) for a in amounts.iterator(2000) if a is not None), Decimal(0))


def campaign_by_pk(pk: int | str | None) -> Model | None:
    """The campaign a query names (None when it names none or an unknown one)."""
    return campaign_lookup(pk)


def _field_of(model: type[Model], path: str) -> Any:
    # A field, a reverse relation or a generic key as the model declares it: read by duck typing.
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model or model
    return field


def metric_dims(metric: MetricRef, params: Mapping[str, str]) -> dict[str, str]:
    """The dimensions a request names (`?aspect=3&state=open`). A related record's must be
    its number: ValueError naming the dimension otherwise (it would fail in the query)."""
    metric, dims = _metric(metric), {}
    for name in metric.dims:
        value = params.get(name)
        if value:
            number = value.isascii() and value.isdigit() and len(value) <= 18
            if _field_of(metric.model, name).is_relation and not number:
                raise ValueError(name)
            dims[name] = value
    return dims


def dim_labels(
    metric: MetricRef, dims: Mapping[str, object], user: Viewer
) -> list[tuple[str, str]]:
    """A drill-down's filters in words: [("领域", "生态保护修复"), ("方面", "作风建设")], not
    "area = ecology" — a choice by its label, a related record by its name when `user` may
    see it (its number otherwise: a name must not leak out of the user's scope)."""
    metric = _metric(metric)
    out = []
    for name, value in dims.items():
        field = _field_of(metric.model, name)
        if field.is_relation:
            records = field.related_model._default_manager.all()
            if hasattr(records, "restrict"):
                records = records.restrict(user, "view")
            related = records.filter(pk=value).first() if str(value).isdigit() else None
            shown = str(related) if related is not None else str(value)
        elif field.choices:
            shown = str(dict(field.flatchoices).get(value, value))
        else:
            shown = str(value)
        out.append((str(field.verbose_name), shown))
    return out


def metric_sums(
    unit: Unit, keys: list[tuple[str, str]], campaign: CampaignRef = None
) -> dict[tuple[str, str], Figure]:
    """Several figures of the unit's whole subtree now, in one indexed query of its facts:
    `keys` are (metric, dim) pairs, dim "" for the total; the answer is {(metric, value): sum}
    with value "" for a total. No scope check: the caller has decided the user sees it all."""
    keys = list(keys)
    if not keys:
        return {}
    wanted = Q()
    for metric, dim in keys:
        wanted |= Q(metric=metric, dim=dim)
    facts = MetricFact.objects.filter(wanted, unit=unit)
    if campaign is not None:
        facts = facts.filter(campaign_id=getattr(campaign, "pk", campaign))
    rows = facts.values("metric", "value").annotate(n=Sum("delta")).order_by()
    return {
        (metric, value): _as_value(get_metric(metric), n)
        for metric, value, n in rows.values_list("metric", "value", "n")
    }


__all__ += ["metric_sums"]
