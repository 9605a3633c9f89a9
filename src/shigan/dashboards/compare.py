"""Two campaigns side by side (e.g. 2023 主题教育 and 2024 党纪学习教育) for one unit's subtree:
the same figures, each campaign as of its own date, each a link to its records."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from shigan.campaigns.models import Campaign
from shigan.metrics.registry import METRICS, Metric
from shigan.metrics.selectors import figures_of
from shigan.orgs.models import Unit

__all__ = ["COMPARED", "ComparedRow", "campaign_comparison", "default_as_of"]

# The figures compared, in the order of the work (those not installed are left out).
COMPARED = (
    "study.sessions",
    "study.attendances",
    "research.topics",
    "research.trips",
    "research.results",
    "research.guidance_visits",
    "problems.found",
    "problems.carried_in",
    "problems.closed",
    "problems.overdue",
    "problems.measures",
    "problems.self_inspection",
    "problems.self_inspection_closed",
    "problems.special_programs",
    "problems.rules",
    "initiatives.key_tasks",
    "initiatives.projects",
    "initiatives.project_funds",
    "initiatives.livelihood_items",
    "initiatives.service_points",
)


@dataclass(frozen=True)
class ComparedRow:
    metric: Metric
    first: object  # int, or an exact Decimal for a sum
    second: object

    @property
    def key(self) -> str:
        return self.metric.key

    @property
    def change(self):
        return self.second - self.first


def default_as_of(campaign: Campaign) -> datetime.date:
    """A campaign is read as of its end, or today while it runs."""
    today = timezone.localdate()
    return min(campaign.ends_on, today) if campaign.ends_on else today


def campaign_comparison(
    *,
    user,
    unit: Unit,
    first: Campaign,
    second: Campaign,
    first_as_of: datetime.date,
    second_as_of: datetime.date,
) -> list[ComparedRow]:
    """One row per compared figure: its value in each campaign under `unit`, each as of its
    own date. The unit is checked for the user once; then each figure is one read of the facts
    (the cost follows the rows shown, never the records under the unit)."""
    figures = figures_of(user=user, unit=unit)
    rows = []
    for key in COMPARED:
        metric = METRICS.get(key)
        if metric is None:
            continue
        values = [
            figures.value(metric, campaign=campaign, as_of=as_of)
            for campaign, as_of in ((first, first_as_of), (second, second_as_of))
        ]
        rows.append(ComparedRow(metric, *values))
    return rows
