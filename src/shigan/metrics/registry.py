"""Metrics are declared once, by the app that owns the records they count."""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Model, Q

__all__ = [
    "Metric",
    "StateHistory",
    "register_metric",
    "register_variant",
    "campaign_metric",
    "get_metric",
    "METRICS",
    "register_campaign_lookup",
    "campaign_lookup",
]


@dataclass(frozen=True)
class StateHistory:
    """Where a record's states over time are kept: one row per change, with its day."""

    model: type[Model]
    record_field: str  # FK from the history row to the record
    state_field: str = "to_state"
    day_field: str = "day"


@dataclass(frozen=True)
class Metric:
    key: str
    label: object
    model: type[Model]
    unit_field: str = "unit"
    # The day a record starts counting (None: it always counted, e.g. units).
    date_field: str | None = None
    # Which records count; evaluated by the database, for figures and drill-down alike.
    filter: Q = field(default_factory=Q)
    # Counted only while in one of these states (read from `history` for as-of dates).
    states: tuple[str, ...] | None = None
    history: StateHistory | None = None
    campaign_field: str | None = None
    # Fields the figure can be split by (by aspect, by source …); each value as text.
    dims: tuple[str, ...] = ()
    # What a drill-down lists, in order.
    order_by: tuple[str, ...] = ("-pk",)
    # A sum instead of a count: each record adds its `amount_field` (a DecimalField), kept in
    # the facts as an integer in 1/`amount_scale` units (100: yuan kept as fen) and read back
    # as an exact Decimal.
    amount_field: str | None = None
    amount_scale: int = 1

    def __post_init__(self) -> None:
        if (self.states is None) != (self.history is None):
            raise ValueError(f"metric {self.key}: states and history go together")
        if self.amount_scale < 1 or str(self.amount_scale).rstrip("0") != "1":
            raise ValueError(f"metric {self.key}: amount_scale must be a power of ten")

    @property
    def is_sum(self) -> bool:
        return self.amount_field is not None

    @property
    def scale_digits(self) -> int:
        """Decimal places the facts keep (amount_scale = 10 ** scale_digits)."""
        return len(str(self.amount_scale)) - 1


METRICS: dict[str, Metric] = {}


def register_metric(metric: Metric) -> Metric:
    if metric.key in METRICS and METRICS[metric.key] != metric:
        raise ValueError(f"metric {metric.key!r} declared twice")
    METRICS[metric.key] = metric
    return metric


def register_variant(base: Metric, **changes: Any) -> Metric:
    """Register a metric that is `base` with some settings changed: its own key and label, and
    a narrower filter, other states, another amount … (each figure is still declared once)."""
    return register_metric(replace(base, **changes))


def campaign_metric(key: str, label: object, model: type[Model], **settings: Any) -> Metric:
    """Register a figure of a campaign's records, the usual kind: each record names its campaign
    in `campaign` and, when it has a `date_field`, counts from that day on and is listed newest
    first. `settings` are the other fields of the `Metric`, and override these defaults."""
    date_field = settings.get("date_field")
    defaults: dict[str, Any] = {"campaign_field": "campaign"}
    if date_field:
        defaults["order_by"] = (f"-{date_field}", "-pk")
    return register_metric(Metric(key=key, label=label, model=model, **(defaults | settings)))


def get_metric(key: str) -> Metric:
    return METRICS[key]


# A figure counts within a campaign by its id (facts keep `campaign_id`); its name, for the
# drill-down's title, comes from the campaigns app (a floor above), which registers the lookup.
CampaignLookup = Callable[[int | str], Model | None]
_campaign_lookup: CampaignLookup | None = None


def register_campaign_lookup(lookup: CampaignLookup) -> None:
    """`lookup(pk)` → the campaign with that pk, or None."""
    global _campaign_lookup
    _campaign_lookup = lookup


def campaign_lookup(pk: int | str | None) -> Model | None:
    return _campaign_lookup(pk) if pk and _campaign_lookup is not None else None
