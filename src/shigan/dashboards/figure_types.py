"""What the figure catalogue (`dashboards.figures`) is made of: a figure's pillar, the question
it answers (`Query`), the answer (`Figure`) and the catalogue's entry that computes it (`Entry`)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shigan.campaigns.models import Batch, Campaign
from shigan.core.formatting import amount_exact, amount_text, count_exact, count_text
from shigan.initiatives.measures import quantity_exact, quantity_text
from shigan.metrics.links import records_url
from shigan.orgs.models import Unit
from shigan.orgs.scoping import Viewer

__all__ = ["Pillar", "Query", "Figure", "Computed", "Entry"]


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
    """What a figure is asked for, and for whom: `user` is required (by keyword); the system
    actor reads everything with no scope check, None nothing."""

    campaign: Campaign
    unit: Unit
    batch: Batch | None = None
    as_of: datetime.date | None = None
    user: Viewer = field(kw_only=True)
    # What a page has read once for all its figures (`page_facts`, `_batch_facts`, the
    # children): each figure then takes its part instead of querying again.
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def params(self) -> dict:
        params: dict[str, int | str] = {"unit": self.unit.pk, "campaign": self.campaign.pk}
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
    # The records are built when asked for (a drill-down, an export): a dashboard shows
    # thirty values and never their records.
    records_of: Callable[[], QuerySet] = field(repr=False, compare=False)
    url: str
    total: int | None = None  # "161 of 161": out of how many

    @cached_property
    def records(self) -> QuerySet:
        return self.records_of()

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


# (value, records) or (value, records, total); the records may be a function building them.
Computed = tuple


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
        records_of = records if callable(records) else (lambda: records)
        return Figure(self, value, records_of, self.url(q), total)
