"""Reads on briefings; each starts from `restrict(user, action)`."""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from shigan.accounts.system import system_actor
from shigan.briefings.models import Briefing, BriefingTemplate
from shigan.briefings.sandbox import FIGURE_ATTRIBUTES, GLOBAL_NAMES
from shigan.campaigns.models import Campaign
from shigan.core.formatting import amount_text, count_text
from shigan.dashboards.figures import CATALOGUE, figures_all
from shigan.orgs.models import Unit
from shigan.orgs.scoping import subtree_q

__all__ = [
    "briefing_list",
    "briefing_get",
    "template_list",
    "template_get",
    "catalogue_rows",
    "FigureChange",
    "briefing_changes",
]

SHOWN_IDS = 50  # records listed per figure in "what changed"


def briefing_list(*, user, unit: Unit | None = None, campaign: Campaign | None = None):
    briefings = Briefing.objects.restrict(user, "view")
    if unit is not None:
        briefings = briefings.filter(subtree_q([unit.path], "unit__path"))
    if campaign is not None:
        briefings = briefings.filter(campaign=campaign)
    return briefings.select_related("unit", "campaign", "batch", "issued_by").order_by(
        "-as_of", "-pk"
    )


def briefing_get(*, user, pk, action: str = "view") -> Briefing:
    return get_object_or_404(
        Briefing.objects.restrict(user, action).select_related(
            "unit", "campaign", "campaign__root_unit", "batch", "template", "issued_by"
        ),
        pk=pk,
    )


def template_list(*, user, campaign: Campaign) -> QuerySet[BriefingTemplate]:
    return BriefingTemplate.objects.restrict(user, "view").filter(campaign=campaign)


def template_get(*, user, pk, action: str = "view") -> BriefingTemplate:
    return get_object_or_404(
        BriefingTemplate.objects.restrict(user, action).select_related(
            "campaign", "campaign__root_unit"
        ),
        pk=pk,
    )


def catalogue_rows() -> list[dict]:
    """What a template may use, for the list beside the editor."""
    rows: list[dict[str, str | int | None]] = [
        {"name": name, "label": str(label), "row": None, "example": ""}
        for name, label in GLOBAL_NAMES.items()
    ]
    for key, entry in CATALOGUE.items():
        example = "193.7亿元" if entry.amount else f"1667{entry.noun}"
        rows.append(
            {
                "name": key,
                "label": str(entry.label),
                "row": entry.row,
                "example": example,
                "help": str(entry.help),
            }
        )
    return rows


__all__ += ["FIGURE_ATTRIBUTES"]


@dataclass
class FigureChange:
    key: str
    label: str
    amount: bool
    then: object
    now: object
    added: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    added_records: list = field(default_factory=list)  # the first SHOWN_IDS of each
    removed_records: list = field(default_factory=list)
    url: str = ""

    @property
    def changed(self) -> bool:
        return self.then != self.now or bool(self.added or self.removed)

    def text(self, value) -> str:
        return amount_text(value) if self.amount else count_text(value)

    @property
    def then_text(self) -> str:
        return self.text(self.then)

    @property
    def now_text(self) -> str:
        return self.text(self.now)


def _objects(model_label: str, ids: list[int]) -> list:
    if not ids:
        return []
    model = apps.get_model(model_label)
    shown = ids[:SHOWN_IDS]
    by_pk = model._default_manager.in_bulk(shown)
    return [by_pk[i] for i in shown if i in by_pk] + [i for i in shown if i not in by_pk]


def briefing_changes(*, briefing: Briefing, as_of: datetime.date) -> list[FigureChange]:
    """Each frozen figure beside the same figure computed now as of `as_of`: the values and
    the ids of the records that came in or dropped out since."""
    frozen = list(briefing.figures.all())
    now = figures_all(
        campaign=briefing.campaign,
        unit=briefing.unit,
        user=system_actor("简报数字对比"),  # the figures the briefing froze: its whole subtree
        batch=briefing.batch,
        as_of=as_of,
        keys=[f.key for f in frozen if f.key in CATALOGUE],
    )
    changes = []
    for old in frozen:
        current = now.get(old.key)
        then_ids = set(old.record_ids)
        now_ids = set(current.record_ids()) if current else set()
        change = FigureChange(
            key=old.key,
            label=old.label,
            amount=old.amount,
            then=old.number,
            now=current.value if current else None,
            added=sorted(now_ids - then_ids),
            removed=sorted(then_ids - now_ids),
            url=current.url if current else "",
        )
        change.added_records = _objects(old.record_model, change.added)
        change.removed_records = _objects(old.record_model, change.removed)
        changes.append(change)
    return changes
