"""Keeping MetricFact in step with the records, inside the services' transactions.

A service wraps its change in `metric_changes(Model, ids)`: the contributions of those records
to every metric over `Model` are computed before and after, and only the difference is added
to the facts of each record's unit and all its ancestors.
"""

import datetime
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal
from types import TracebackType
from typing import Any, Literal, Self

from django.db import connection, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, Model
from django.utils import timezone

from shigan.core.bulk import chunks
from shigan.metrics.models import MetricFact
from shigan.metrics.registry import METRICS, Metric, StateHistory
from shigan.orgs.models import Unit

__all__ = [
    "contributions",
    "contributions_of",
    "metric_changes",
    "on_records_changed",
    "on_records_settling",
    "apply_deltas",
    "apply_deltas_of",
    "facts_move_subtree",
    "metric_rebuild",
    "DATELESS_DAY",
    "metric_facts_compact",
]

DATELESS_DAY = datetime.date(1970, 1, 1)  # records that always counted

# (unit_id, campaign_id, day, dims) → change in the count (or in the sum, in 1/scale units)
Key = tuple[int, int, datetime.date, tuple[str, ...]]
Deltas = Counter[Key]
# A record's fields as `.values()` reads them: what each holds depends on the metric's model.
Row = dict[str, Any]
# (record pk, state, day) of one change in a record's history
Change = tuple[int, str, datetime.date]
# (metric, campaign_id, unit_id, day, dim, value, delta): one appended row of the facts
FactRow = tuple[str, int, int, datetime.date, str, str, int]
RecordsHook = Callable[[list[int]], None]


def _day(value: datetime.date | None) -> datetime.date:
    if value is None:
        return DATELESS_DAY
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value)
    return value


def _dim_text(value: object) -> str:
    return "" if value is None else str(value)


def _fields(metric: Metric) -> list[str]:
    fields = ["pk"]
    if metric.unit_field:
        fields.append(metric.unit_field)
    if metric.campaign_field:
        fields.append(metric.campaign_field)
    if metric.date_field and metric.states is None:
        fields.append(metric.date_field)
    fields.extend(metric.dims)
    if metric.amount_field:
        fields.append(metric.amount_field)
    return fields


def _base_rows(metrics: list[Metric], ids: list[int]) -> dict[str, list[Row]]:
    """Each metric's rows of these records (those its filter keeps), read for all the metrics
    over one model in one query: every field any of them needs, and each filter as a flag."""
    fields = list(dict.fromkeys(f for metric in metrics for f in _fields(metric)))
    flags = {
        f"_in_{n}": ExpressionWrapper(metric.filter, output_field=BooleanField())
        for n, metric in enumerate(metrics)
        if metric.filter
    }
    model = metrics[0].model
    rows: dict[str, list[Row]] = {metric.key: [] for metric in metrics}
    for chunk in chunks(ids):
        for row in model._base_manager.filter(pk__in=chunk).values(*fields, **flags):
            for n, metric in enumerate(metrics):
                if row.get(f"_in_{n}", True):
                    rows[metric.key].append(row)
    return rows


def _histories(
    metrics: list[Metric], rows: dict[str, list[Row]]
) -> dict[StateHistory, list[Change]]:
    """history → [(record pk, state, day)] of the records any metric kept by it counts, in
    order: one query per kind of history (states, lights), whatever the metrics reading it."""
    wanted: dict[StateHistory, set[int]] = {}
    for metric in metrics:
        if metric.history is not None:
            wanted.setdefault(metric.history, set()).update(r["pk"] for r in rows[metric.key])
    out: dict[StateHistory, list[Change]] = {}
    for history, pks in wanted.items():
        changes: list[Change] = []
        out[history] = changes
        for chunk in chunks(sorted(pks)):
            changes.extend(
                history.model._base_manager.filter(**{f"{history.record_field}__in": chunk})
                .order_by(history.record_field, history.day_field, "pk")
                .values_list(history.record_field, history.state_field, history.day_field)
            )
    return out


def _key(metric: Metric, row: Row, day: datetime.date | None) -> Key:
    unit_id = row[metric.unit_field] if metric.unit_field else row["pk"]
    campaign = row[metric.campaign_field] or 0 if metric.campaign_field else 0
    return unit_id, campaign, _day(day), tuple(_dim_text(row[d]) for d in metric.dims)


def _weight(metric: Metric, row: Row) -> int:
    """What one record adds: 1 to a count; to a sum, its amount as an integer of 1/scale units
    (Decimal arithmetic throughout, never float)."""
    if metric.amount_field is None:
        return 1
    amount = row[metric.amount_field]
    if amount is None:
        return 0
    scaled = Decimal(amount).scaleb(metric.scale_digits)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"metric {metric.key}: {amount} has more decimals than the facts keep")
    return int(scaled)


def contributions(metric: Metric, ids: Iterable[int]) -> Deltas:
    """What these records add to the metric, by unit, campaign, day and dimension values."""
    return contributions_of([metric], ids)[metric.key]


def contributions_of(metrics: list[Metric], ids: Iterable[int]) -> dict[str, Deltas]:
    """`contributions` of several metrics over the same model, from shared reads: one query of
    the records and one per kind of history, not one of each per metric (a write touches a
    dozen metrics of its record)."""
    pks = list(ids)
    if not pks or not metrics:
        return {metric.key: Counter() for metric in metrics}
    rows = _base_rows(metrics, pks)
    histories = _histories(metrics, rows)
    return {metric.key: _contribution(metric, rows[metric.key], histories) for metric in metrics}


def _contribution(
    metric: Metric, rows: list[Row], histories: dict[StateHistory, list[Change]]
) -> Deltas:
    out: Deltas = Counter()
    if metric.states is None:
        for row in rows:
            day = row.get(metric.date_field) if metric.date_field else None
            out[_key(metric, row, day)] += _weight(metric, row)
        return Counter({k: v for k, v in out.items() if v})
    by_pk = {row["pk"]: row for row in rows}
    inside: dict[int, bool] = {}
    assert metric.history is not None  # Metric.__post_init__: states and history go together
    for pk, state, day in histories[metric.history]:
        if pk not in by_pk:
            continue
        now = state in metric.states
        if now != inside.get(pk, False):
            weight = _weight(metric, by_pk[pk])
            out[_key(metric, by_pk[pk], day)] += weight if now else -weight
            inside[pk] = now
    return Counter({k: v for k, v in out.items() if v})


def _ancestor_ids(unit_ids: Iterable[int]) -> dict[int, list[int]]:
    """Each unit's id with the ids of all its ancestors."""
    paths = dict(Unit.objects.filter(pk__in=list(unit_ids)).values_list("pk", "path"))
    wanted = {a for p in paths.values() for a in Unit.lineage_paths(p)}
    ids_by_path: dict[str, int] = {}
    for chunk in chunks(list(wanted)):
        ids_by_path.update(Unit.objects.filter(path__in=chunk).values_list("path", "pk"))
    return {pk: [ids_by_path[a] for a in Unit.lineage_paths(path)] for pk, path in paths.items()}


def _upsert(rows: list[FactRow]) -> None:
    """Add (metric, campaign_id, unit_id, day, dim, value, delta) rows to the facts.

    Appended, never updated in place: every write under a league adds to the same rows of the
    league and the region, and an in-place update would hold those rows locked until it
    commits — a lock all writes below would wait on (and, taken in a different order by two
    writers, a deadlock). Reads sum the rows anyway; `metric_facts_compact` merges them later."""
    if not rows:
        return
    table = MetricFact._meta.db_table
    sql = (
        f"INSERT INTO {table} (metric, campaign_id, unit_id, day, dim, value, delta) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s)"
    )
    with connection.cursor() as cursor:
        for chunk in chunks(rows, 5000):
            cursor.executemany(sql, chunk)


_KEY = ("metric", "campaign_id", "unit_id", "day", "dim", "value")


def metric_facts_compact(*, before: datetime.date | None = None) -> int:
    """Merges the fact rows of each (metric, unit, dimension value, campaign, day) before
    `before` (default: today) into one, dropping those that sum to zero; returns how many rows
    went. Rows are deleted by id, each group in its own transaction, so writes adding rows
    meanwhile are never lost."""
    before = before or timezone.localdate()
    groups = (
        MetricFact.objects.filter(day__lt=before)
        .values(*_KEY)
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list(*_KEY)
    )
    removed = 0
    for chunk in chunks(list(groups), 500):
        removed += _compact_groups(chunk)
    return removed


@transaction.atomic
def _compact_groups(keys: list[tuple[Any, ...]]) -> int:
    wanted = set(keys)
    rows = MetricFact.objects.filter(
        metric__in={k[0] for k in keys},
        unit_id__in={k[2] for k in keys},
        day__in={k[3] for k in keys},
    ).values_list("pk", *_KEY, "delta")
    ids: list[int] = []
    sums: Counter[tuple[Any, ...]] = Counter()
    for pk, *key, delta in rows.select_for_update():
        if tuple(key) in wanted:
            ids.append(pk)
            sums[tuple(key)] += delta
    for chunk in chunks(ids):
        MetricFact.objects.filter(pk__in=chunk).delete()
    merged = [(*key, n) for key, n in sums.items() if n]
    MetricFact.objects.bulk_create(
        [MetricFact(**dict(zip((*_KEY, "delta"), row, strict=True))) for row in merged]
    )
    return len(ids) - len(merged)


def apply_deltas(metric: Metric, deltas: Deltas) -> None:
    apply_deltas_of({metric.key: deltas})


def apply_deltas_of(deltas_by_metric: dict[str, Deltas]) -> None:
    """Add each metric's changes to the facts of every unit named and of all its ancestors:
    the ancestors of all of them read once, and all the rows appended in one statement."""
    deltas_by_metric = {key: deltas for key, deltas in deltas_by_metric.items() if deltas}
    if not deltas_by_metric:
        return
    units = {unit_id for deltas in deltas_by_metric.values() for unit_id, *_ in deltas}
    ancestors = _ancestor_ids(units)
    rows: list[FactRow] = []
    for key, deltas in deltas_by_metric.items():
        metric = METRICS[key]
        facts: Counter[tuple[int, int, datetime.date, str, str]] = Counter()
        for (unit_id, campaign, day, dims), delta in deltas.items():
            for ancestor in ancestors[unit_id]:
                facts[(ancestor, campaign, day, "", "")] += delta
                for name, value in zip(metric.dims, dims, strict=True):
                    facts[(ancestor, campaign, day, name, value)] += delta
        rows.extend(
            (metric.key, campaign, unit_id, day, dim, value, delta)
            for (unit_id, campaign, day, dim, value), delta in facts.items()
            if delta
        )
    _upsert(rows)


def _metrics_over(model: type[Model]) -> list[Metric]:
    return [m for m in METRICS.values() if m.model is model]


_change_listeners: dict[type[Model], list[RecordsHook]] = {}


def on_records_changed(model: type[Model], listener: RecordsHook) -> None:
    """`listener(ids)` runs inside the writing transaction whenever a service changes or creates
    `model` records under `metric_changes` (the one protocol every such write already follows)."""
    listeners = _change_listeners.setdefault(model, [])
    if listener not in listeners:
        listeners.append(listener)


_settling_hooks: dict[type[Model], list[RecordsHook]] = {}


def on_records_settling(model: type[Model], hook: RecordsHook) -> None:
    """`hook(ids)` runs inside the writing transaction at the end of every `metric_changes` of
    `model`, before the facts are computed: records derived from those (a history kept from
    them) are written in time to be counted with them."""
    hooks = _settling_hooks.setdefault(model, [])
    if hook not in hooks:
        hooks.append(hook)


_local = threading.local()


def _batches() -> "dict[type[Model], metric_changes]":
    """model → the batch of `metric_changes` open on this thread."""
    if not hasattr(_local, "batches"):
        _local.batches = {}
    batches: dict[type[Model], metric_changes] = _local.batches
    return batches


class metric_changes:
    """with metric_changes(Problem, [pk]) as changes: …change…; changes.created([new_pk])

    `batch=True` gathers every `metric_changes` of the same model nested inside it (a bulk
    import's several steps over the same records) into one: the records' contributions are
    read once before (at the batch's start for `ids`, or when a nested change first names a
    record) and once after, at the batch's end, instead of before and after every step."""

    def __init__(self, model: type[Model], ids: Iterable[int] = (), *, batch: bool = False):
        self.model = model
        self.metrics = _metrics_over(model)
        self.ids = list(ids)
        self.new_ids: list[int] = []
        self.batch = batch
        self.outer: metric_changes | None = None

    def __enter__(self) -> Self:
        self.outer = _batches().get(self.model)
        if self.outer is not None:
            self.outer._join(self.ids)
            return self
        self.before = contributions_of(self.metrics, self.ids)
        self.known = set(self.ids)
        if self.batch:
            _batches()[self.model] = self
        return self

    def _join(self, ids: list[int]) -> None:
        """A nested change names `ids`: take the contributions of those not seen yet."""
        unseen = [pk for pk in ids if pk not in self.known]
        if not unseen:
            return
        self.known.update(unseen)
        self.ids.extend(unseen)
        for key, seen in contributions_of(self.metrics, unseen).items():
            self.before[key].update(seen)

    def created(self, ids: Iterable[int]) -> None:
        if self.outer is not None:
            self.outer.created(ids)
            return
        pks = list(ids)
        self.new_ids.extend(pks)
        if self.batch:
            self.known.update(pks)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> Literal[False]:
        if self.outer is not None:
            return False
        if self.batch:
            _batches().pop(self.model, None)
        if exc_type is not None:
            return False
        every = self.ids + self.new_ids
        for hook in _settling_hooks.get(self.model, ()):
            hook(every)
        deltas: dict[str, Deltas] = {}
        for key, after in contributions_of(self.metrics, every).items():
            after.subtract(self.before[key])
            deltas[key] = Counter({k: v for k, v in after.items() if v})
        apply_deltas_of(deltas)
        for listener in _change_listeners.get(self.model, ()):
            listener(every)
        return False


def facts_move_subtree(
    *, unit: Unit, old_ancestor_ids: list[int], new_ancestor_ids: list[int]
) -> None:
    """A moved unit takes its subtree's figures from its old ancestors to its new ones."""
    rows = list(
        MetricFact.objects.filter(unit=unit).values_list(
            "metric", "campaign_id", "day", "dim", "value", "delta"
        )
    )
    left = [a for a in old_ancestor_ids if a not in new_ancestor_ids]
    joined = [a for a in new_ancestor_ids if a not in old_ancestor_ids]
    changes = [
        (metric, campaign, ancestor, day, dim, value, sign * delta)
        for metric, campaign, day, dim, value, delta in rows
        if delta
        for ancestors, sign in ((left, -1), (joined, 1))
        for ancestor in ancestors
    ]
    _upsert(changes)


def metric_rebuild(metric: Metric) -> int:
    """Recompute a metric's facts from its records (after bulk loads, or to repair)."""
    MetricFact.objects.filter(metric=metric.key).delete()
    ids = list(metric.model._base_manager.values_list("pk", flat=True))
    total: Deltas = Counter()
    for chunk in chunks(ids, 20000):
        total.update(contributions(metric, chunk))
    apply_deltas(metric, Counter({k: v for k, v in total.items() if v}))
    return MetricFact.objects.filter(metric=metric.key).count()


def unit_ancestor_ids(unit: Unit) -> list[int]:
    return _ancestor_ids([unit.pk])[unit.pk]


__all__.append("unit_ancestor_ids")
