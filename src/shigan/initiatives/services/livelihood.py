"""Writes on the campaign office's livelihood list (民生项目清单): its areas, its numbered items
and their progress reports."""

import datetime

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.audit.services import audit_record
from shigan.audit.snapshots import snapshot
from shigan.campaigns.models import Campaign
from shigan.core.changes import create_tracked
from shigan.core.edits import refuse_edited_elsewhere
from shigan.initiatives.choices import LivelihoodState
from shigan.initiatives.errors import ErrorCode
from shigan.initiatives.models import (
    LivelihoodArea,
    LivelihoodItem,
    LivelihoodProgress,
    LivelihoodTransition,
)
from shigan.initiatives.services.common import (
    InitiativeError,
    forbidden,
    in_campaign,
    not_future,
    require,
    required_text,
)
from shigan.metrics.engine import metric_changes
from shigan.orgs.models import Unit
from shigan.orgs.permissions import user_can

__all__ = [
    "livelihood_area_create",
    "livelihood_item_create",
    "livelihood_item_update",
    "livelihood_item_move",
    "livelihood_progress_report",
    "lock_item",
]


def require_office(actor, campaign: Campaign) -> None:
    if not user_can(actor, "change", campaign.root_unit):
        raise forbidden(_("只有活动办管理员可以维护民生项目清单。"))


@transaction.atomic
def livelihood_area_create(
    *, actor, campaign: Campaign, name: str, ordinal: int | None = None
) -> LivelihoodArea:
    require_office(actor, campaign)
    name = required_text(name, field="name", message=_("名称不能为空。"), max_length=50)
    if LivelihoodArea.objects.filter(campaign=campaign, name=name).exists():
        raise InitiativeError(
            _("已有名为“%(name)s”的民生领域。") % {"name": name},
            code=ErrorCode.DUPLICATE_NAME,
            field="name",
        )
    last = LivelihoodArea.objects.filter(campaign=campaign).aggregate(n=Max("ordinal"))["n"]
    area = LivelihoodArea.objects.create(
        campaign=campaign, name=name, ordinal=ordinal or (last or 0) + 1
    )
    audit_record(
        actor=actor,
        action="initiatives.livelihood_area.created",
        target=area,
        after={"campaign": campaign.pk, "name": name, "ordinal": area.ordinal},
    )
    return area


def _lock_list(campaign: Campaign) -> None:
    """Numbering the list is serialised on the campaign's row (one writer at a time)."""
    list(Campaign.objects.select_for_update().filter(pk=campaign.pk).values_list("pk"))


def _check_item(values: dict, campaign: Campaign) -> dict:
    values["title"] = required_text(
        values.get("title"), field="title", message=_("项目名称不能为空。"), max_length=200
    )
    area = values.get("area")
    if area is None or area.campaign_id != campaign.pk:
        raise InitiativeError(
            _("请选择这次主题教育的民生领域。"), code=ErrorCode.INVALID_AREA, field="area"
        )
    in_campaign(values.get("unit"), campaign)
    values["target"] = (values.get("target") or "").strip()
    return values


@transaction.atomic
def livelihood_item_create(
    *,
    actor,
    campaign: Campaign,
    area: LivelihoodArea,
    title: str,
    unit: Unit,
    target: str = "",
    deadline: datetime.date | None = None,
    number: int | None = None,
    listed_on: datetime.date | None = None,
) -> LivelihoodItem:
    """An item of the office's list; `number` (its place) defaults to the end of the list."""
    require_office(actor, campaign)
    values = _check_item({"title": title, "area": area, "unit": unit, "target": target}, campaign)
    _lock_list(campaign)
    items = LivelihoodItem.objects.filter(campaign=campaign)
    if items.filter(title=values["title"]).exists():
        raise InitiativeError(
            _("清单中已有“%(title)s”。") % {"title": values["title"]},
            code=ErrorCode.DUPLICATE_TITLE,
            field="title",
        )
    last = items.aggregate(n=Max("number"))["n"] or 0
    if number is not None and (number < 1 or items.filter(number=number).exists()):
        raise InitiativeError(
            _("序号 %(n)s 已被占用或无效。") % {"n": number},
            code=ErrorCode.NUMBER_TAKEN,
            field="number",
        )
    day = listed_on or timezone.localdate()
    item = create_tracked(
        LivelihoodItem,
        campaign=campaign,
        number=number or last + 1,
        deadline=deadline,
        listed_on=day,
        created_by=actor,
        **values,
    )
    LivelihoodTransition.objects.create(
        item=item, to_state=LivelihoodState.PLANNED, day=day, actor=actor
    )
    audit_record(
        actor=actor,
        action="initiatives.livelihood_item.created",
        target=item,
        after={
            "campaign": campaign.pk,
            "number": item.number,
            "area": area.pk,
            "title": item.title,
            "unit": unit.pk,
            "target": item.target,
            "deadline": deadline,
        },
    )
    return item


def lock_item(item: LivelihoodItem) -> LivelihoodItem:
    return (
        LivelihoodItem.objects.select_for_update(of=("self",))
        .select_related("campaign", "campaign__root_unit", "unit", "area")
        .get(pk=item.pk)
    )


@transaction.atomic
def livelihood_item_update(*, actor, item: LivelihoodItem, seen=None, **changes) -> LivelihoodItem:
    """Change an item's title, area, responsible unit, target or deadline (the office).
    `seen`: as in core.edits."""
    fields = ("title", "area", "unit", "target", "deadline")
    unknown = set(changes) - set(fields)
    if unknown:
        raise TypeError(f"livelihood_item_update: unknown fields {sorted(unknown)}")
    item = lock_item(item)
    require_office(actor, item.campaign)
    refuse_edited_elsewhere(item, seen)
    before = snapshot(item, fields)
    values = _check_item({**{f: getattr(item, f) for f in fields}, **changes}, item.campaign)
    with metric_changes(LivelihoodItem, [item.pk]):
        for name in fields:
            setattr(item, name, values.get(name, changes.get(name, getattr(item, name))))
        item.save()
    audit_record(
        actor=actor,
        action="initiatives.livelihood_item.updated",
        target=item,
        before=before,
        after=snapshot(item, fields),
    )
    return item


@transaction.atomic
def livelihood_item_move(*, actor, item: LivelihoodItem, number: int) -> LivelihoodItem:
    """Put the item at place `number` of the list; those in between shift by one. The list
    stays numbered 1…n without gaps in the order the office fixes."""
    item = lock_item(item)
    require_office(actor, item.campaign)
    _lock_list(item.campaign)
    items = LivelihoodItem.objects.filter(campaign=item.campaign)
    ordered = list(items.exclude(pk=item.pk).order_by("number", "pk").values_list("pk", flat=True))
    if not isinstance(number, int) or not 1 <= number <= len(ordered) + 1:
        raise InitiativeError(
            _("序号应在 1 到 %(n)d 之间。") % {"n": len(ordered) + 1},
            code=ErrorCode.INVALID_NUMBER,
            field="number",
        )
    before = item.number
    ordered.insert(number - 1, item.pk)
    # Two steps, so the unique (campaign, number) never sees two rows on one number.
    offset = (items.aggregate(n=Max("number"))["n"] or 0) + len(ordered) + 1
    items.update(number=F("number") + offset)
    for place, pk in enumerate(ordered, start=1):
        LivelihoodItem.objects.filter(pk=pk).update(number=place)
    audit_record(
        actor=actor,
        action="initiatives.livelihood_item.moved",
        target=item,
        before={"number": before},
        after={"number": number},
    )
    item.number = number
    return item


@transaction.atomic
def livelihood_progress_report(
    *, actor, item: LivelihoodItem, text: str, percent: int, reported_on=None
) -> LivelihoodProgress:
    """A progress report by the responsible unit. The first report above 0 % starts the item
    (推进中); a report of 100 % completes it."""
    item = lock_item(item)
    require(actor, "record", item.unit)
    text = required_text(text, field="text", message=_("请填写进展情况。"))
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        raise InitiativeError(
            _("进度应为 0 到 100 的整数。"), code=ErrorCode.INVALID_PERCENT, field="percent"
        )
    day = reported_on or timezone.localdate()
    not_future(day, "reported_on")
    report = LivelihoodProgress.objects.create(
        item=item, text=text, percent=percent, reported_on=day, created_by=actor
    )
    item.progress_percent = percent
    item.save(update_fields=["progress_percent"])
    audit_record(
        actor=actor,
        action="initiatives.livelihood_item.progress_reported",
        target=item,
        after={"text": text, "percent": percent, "reported_on": day},
    )
    if percent == 100 and item.state != LivelihoodState.DONE:
        _item_transition(item, actor=actor, to=LivelihoodState.DONE, day=day)
    elif percent > 0 and item.state == LivelihoodState.PLANNED:
        _item_transition(item, actor=actor, to=LivelihoodState.UNDER_WAY, day=day)
    return report


def _item_transition(item: LivelihoodItem, *, actor, to: str, day, comment: str = "") -> None:
    before = item.state
    item.state = to
    item.save(update_fields=["state"])
    LivelihoodTransition.objects.create(
        item=item, from_state=before, to_state=to, day=day, actor=actor, comment=comment
    )
    audit_record(
        actor=actor,
        action="initiatives.livelihood_item.state_changed",
        target=item,
        before={"state": before},
        after={"state": to, "day": day, "comment": comment},
    )
