"""Writes on campaigns, batches, enrolment, aspects and guidance groups; each audited."""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from shigan.audit.services import audit_record
from shigan.campaigns.choices import AspectKind, CampaignState, VisitPurpose
from shigan.campaigns.errors import CampaignError, ErrorCode
from shigan.campaigns.models import (
    Aspect,
    Batch,
    Campaign,
    GuidanceGroup,
    GuidanceVisit,
    Participation,
)
from shigan.core.actors import is_system_actor, require_actor
from shigan.core.changes import create_tracked
from shigan.core.versions import versions_touch
from shigan.orgs.models import Unit
from shigan.orgs.permissions import user_can

__all__ = [
    "CampaignError",
    "campaign_create",
    "campaign_start",
    "batch_create",
    "participation_enroll",
    "participation_remove",
    "aspect_create",
    "aspect_rename",
    "aspect_reorder",
    "guidance_group_create",
    "guidance_group_assign",
    "guidance_group_add_member",
    "guidance_group_remove_member",
    "guidance_group_unassign",
    "guidance_visit_log",
    "is_group_member_for",
]


def _require_office(actor, campaign_or_unit) -> None:
    """Setting up a campaign is the campaign office's job: admins of its root unit."""
    unit = getattr(campaign_or_unit, "root_unit", campaign_or_unit)
    if not user_can(actor, "change", unit):
        raise CampaignError(_("只有活动办管理员可以进行此操作。"), code=ErrorCode.FORBIDDEN)


def _in_campaign(campaign: Campaign, unit: Unit) -> None:
    if not unit.path.startswith(campaign.root_unit.path):
        raise CampaignError(
            _("“%(unit)s”不在“%(campaign)s”的范围内。") % {"unit": unit, "campaign": campaign},
            code=ErrorCode.UNIT_OUTSIDE_CAMPAIGN,
            field="unit",
        )


@transaction.atomic
def campaign_create(
    *,
    actor,
    name: str,
    root_unit: Unit,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    state: str = CampaignState.ACTIVE,
) -> Campaign:
    name = (name or "").strip()
    if not name:
        raise CampaignError(_("名称不能为空。"), code=ErrorCode.NAME_REQUIRED, field="name")
    if ends_on and ends_on < starts_on:
        raise CampaignError(
            _("结束日期不能早于开始日期。"), code=ErrorCode.BAD_DATES, field="ends_on"
        )
    _require_office(actor, root_unit)
    campaign = Campaign.objects.create(
        name=name, root_unit=root_unit, starts_on=starts_on, ends_on=ends_on, state=state
    )
    audit_record(
        actor=actor,
        action="campaigns.campaign.created",
        target=campaign,
        after={"name": name, "root_unit": root_unit.pk, "starts_on": starts_on},
    )
    return campaign


@transaction.atomic
def batch_create(
    *, actor, campaign: Campaign, name: str, starts_on: datetime.date, ends_on=None
) -> Batch:
    _require_office(actor, campaign)
    ordinal = (campaign.batches.aggregate(n=Max("ordinal"))["n"] or 0) + 1
    batch = Batch.objects.create(
        campaign=campaign, name=name.strip(), ordinal=ordinal, starts_on=starts_on, ends_on=ends_on
    )
    audit_record(
        actor=actor,
        action="campaigns.batch.created",
        target=batch,
        after={"campaign": campaign.pk, "name": batch.name, "ordinal": ordinal},
    )
    return batch


@transaction.atomic
def participation_enroll(
    *,
    actor,
    batch: Batch,
    units: list[Unit],
    enrolled_on: datetime.date,
    include_subtree: bool = False,
) -> list[Participation]:
    """Enrol units in a batch; their subtrees only when asked. Already enrolled: unchanged."""
    campaign = batch.campaign
    _require_office(actor, campaign)
    wanted: dict[int, Unit] = {}
    for unit in units:
        _in_campaign(campaign, unit)
        wanted[unit.pk] = unit
        if include_subtree:
            wanted.update({u.pk: u for u in Unit.objects.subtree_of(unit)})
    enrolled = set(
        Participation.objects.filter(batch=batch, unit__in=list(wanted)).values_list(
            "unit_id", flat=True
        )
    )
    new = [
        Participation(batch=batch, unit=unit, enrolled_on=enrolled_on)
        for pk, unit in wanted.items()
        if pk not in enrolled
    ]
    Participation.objects.bulk_create(new, batch_size=2000)
    audit_record(
        actor=actor,
        action="campaigns.participation.enrolled",
        target=batch,
        after={"units": [p.unit_id for p in new], "include_subtree": include_subtree},
    )
    return new


@transaction.atomic
def participation_remove(*, actor, participation: Participation) -> None:
    """Take one unit out of a batch (its subtree's own enrolments stay)."""
    batch = participation.batch
    _require_office(actor, batch.campaign)
    before = {"batch": batch.pk, "unit": participation.unit_id}
    participation.delete()
    audit_record(actor=actor, action="campaigns.participation.removed", target=batch, before=before)


@transaction.atomic
def aspect_create(*, actor, campaign: Campaign, kind: str, name: str) -> Aspect:
    _require_office(actor, campaign)
    if kind not in AspectKind.values:
        raise CampaignError(_("类别无效。"), code=ErrorCode.INVALID_KIND, field="kind")
    name = (name or "").strip()
    if not name:
        raise CampaignError(_("名称不能为空。"), code=ErrorCode.NAME_REQUIRED, field="name")
    if campaign.aspects.filter(kind=kind, name=name).exists():
        raise CampaignError(
            _("已有名为“%(name)s”的方面。") % {"name": name},
            code=ErrorCode.DUPLICATE_NAME,
            field="name",
        )
    ordinal = (campaign.aspects.filter(kind=kind).aggregate(n=Max("ordinal"))["n"] or 0) + 1
    aspect = Aspect.objects.create(campaign=campaign, kind=kind, name=name, ordinal=ordinal)
    audit_record(
        actor=actor,
        action="campaigns.aspect.created",
        target=aspect,
        after={"campaign": campaign.pk, "kind": kind, "name": name, "ordinal": ordinal},
    )
    return aspect


@transaction.atomic
def aspect_rename(*, actor, aspect: Aspect, name: str) -> Aspect:
    _require_office(actor, aspect.campaign)
    name = (name or "").strip()
    if not name:
        raise CampaignError(_("名称不能为空。"), code=ErrorCode.NAME_REQUIRED, field="name")
    others = aspect.campaign.aspects.filter(kind=aspect.kind, name=name).exclude(pk=aspect.pk)
    if others.exists():
        raise CampaignError(
            _("已有名为“%(name)s”的方面。") % {"name": name},
            code=ErrorCode.DUPLICATE_NAME,
            field="name",
        )
    before = {"name": aspect.name}
    aspect.name = name
    aspect.save(update_fields=["name"])
    audit_record(
        actor=actor,
        action="campaigns.aspect.renamed",
        target=aspect,
        before=before,
        after={"name": name},
    )
    return aspect


@transaction.atomic
def aspect_reorder(*, actor, campaign: Campaign, kind: str, ordered_ids: list[int]) -> None:
    _require_office(actor, campaign)
    aspects = {a.pk: a for a in campaign.aspects.filter(kind=kind)}
    if sorted(ordered_ids) != sorted(aspects):
        raise CampaignError(
            _("排序应包含该类别的全部方面。"), code=ErrorCode.BAD_ORDER, field="order"
        )
    for ordinal, pk in enumerate(ordered_ids, start=1):
        aspects[pk].ordinal = ordinal
    Aspect.objects.bulk_update(aspects.values(), ["ordinal"])
    versions_touch(["campaigns"])  # bulk_update sends no signal
    audit_record(
        actor=actor,
        action="campaigns.aspect.reordered",
        target=campaign,
        after={"kind": kind, "order": ordered_ids},
    )


@transaction.atomic
def guidance_group_create(*, actor, campaign: Campaign, name: str) -> GuidanceGroup:
    _require_office(actor, campaign)
    name = (name or "").strip()
    if not name:
        raise CampaignError(_("名称不能为空。"), code=ErrorCode.NAME_REQUIRED, field="name")
    if campaign.groups.filter(name=name).exists():
        raise CampaignError(
            _("已有名为“%(name)s”的指导组。") % {"name": name},
            code=ErrorCode.DUPLICATE_NAME,
            field="name",
        )
    group = GuidanceGroup.objects.create(campaign=campaign, name=name)
    audit_record(actor=actor, action="campaigns.group.created", target=group, after={"name": name})
    return group


@transaction.atomic
def guidance_group_assign(*, actor, group: GuidanceGroup, units: list[Unit]) -> None:
    _require_office(actor, group.campaign)
    for unit in units:
        _in_campaign(group.campaign, unit)
    group.units.add(*units)
    audit_record(
        actor=actor,
        action="campaigns.group.assigned",
        target=group,
        after={"units": [u.pk for u in units]},
    )


@transaction.atomic
def guidance_group_add_member(*, actor, group: GuidanceGroup, user) -> None:
    _require_office(actor, group.campaign)
    group.members.add(user)
    user.__dict__.pop("_shigan_scope", None)
    audit_record(
        actor=actor,
        action="campaigns.group.member_added",
        target=group,
        after={"user": user.username},
    )


@transaction.atomic
def guidance_group_remove_member(*, actor, group: GuidanceGroup, user) -> None:
    _require_office(actor, group.campaign)
    if not group.members.filter(pk=user.pk).exists():
        raise CampaignError(
            _("该用户不是本指导组成员。"), code=ErrorCode.NOT_MEMBER, field="username"
        )
    group.members.remove(user)
    user.__dict__.pop("_shigan_scope", None)
    audit_record(
        actor=actor,
        action="campaigns.group.member_removed",
        target=group,
        before={"user": user.username},
    )


@transaction.atomic
def guidance_group_unassign(*, actor, group: GuidanceGroup, unit: Unit) -> None:
    _require_office(actor, group.campaign)
    if not group.units.filter(pk=unit.pk).exists():
        raise CampaignError(
            _("该单位不是本指导组的联系单位。"), code=ErrorCode.NOT_ASSIGNED, field="unit"
        )
    group.units.remove(unit)
    audit_record(
        actor=actor,
        action="campaigns.group.unassigned",
        target=group,
        before={"unit": unit.pk},
    )


def _ancestor_paths(unit: Unit) -> list[str]:
    """The unit's path and its ancestors' paths."""
    return [unit.path[:i] for i in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]


def is_group_member_for(user, unit: Unit, campaign: Campaign | None = None) -> GuidanceGroup | None:
    """The guidance group through which `user` looks after `unit` (itself or an ancestor)."""
    if user is None:
        return None
    groups = GuidanceGroup.objects.filter(members=user, units__path__in=_ancestor_paths(unit))
    if campaign is not None:
        groups = groups.filter(campaign=campaign)
    return groups.first()


@transaction.atomic
def guidance_visit_log(
    *,
    actor,
    group: GuidanceGroup,
    unit: Unit,
    visited_on: datetime.date,
    purpose: str,
    notes: str = "",
) -> GuidanceVisit:
    if purpose not in VisitPurpose.values:
        raise CampaignError(_("指导事项无效。"), code=ErrorCode.INVALID_PURPOSE, field="purpose")
    require_actor(actor)
    if not is_system_actor(actor) and not group.members.filter(pk=actor.pk).exists():
        raise CampaignError(_("只有本指导组成员可以登记指导记录。"), code=ErrorCode.FORBIDDEN)
    if not group.units.filter(path__in=_ancestor_paths(unit)).exists():
        raise CampaignError(
            _("“%(unit)s”不是本指导组的联系单位。") % {"unit": unit},
            code=ErrorCode.UNIT_NOT_ASSIGNED,
            field="unit",
        )
    visit = create_tracked(
        GuidanceVisit,
        group=group,
        unit=unit,
        visited_on=visited_on,
        purpose=purpose,
        notes=notes.strip(),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="campaigns.visit.logged",
        target=visit,
        after={"group": group.pk, "unit": unit.pk, "visited_on": visited_on, "purpose": purpose},
    )
    return visit


@transaction.atomic
def campaign_start(
    *,
    actor,
    name: str,
    root_unit: Unit,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    previous: Campaign | None = None,
    copy_aspects: bool = True,
) -> Campaign:
    """Start a campaign that follows `previous`: the same as `campaign_create`, linked to the
    campaign before it, with that campaign's aspects copied (same kinds, names and order) or,
    with `copy_aspects` False, none (the office sets them anew). Carrying problems over is a
    separate step (`shigan.problems.carryover`), done once the aspects are settled."""
    if previous is not None:
        _require_office(actor, previous)
        if starts_on <= previous.starts_on:
            raise CampaignError(
                _("开始日期须晚于上一次主题教育的开始日期。"),
                code=ErrorCode.BAD_DATES,
                field="starts_on",
            )
    campaign = campaign_create(
        actor=actor, name=name, root_unit=root_unit, starts_on=starts_on, ends_on=ends_on
    )
    copied = []
    if previous is not None:
        campaign.previous = previous
        campaign.save(update_fields=["previous"])
        if copy_aspects:
            copied = Aspect.objects.bulk_create(
                Aspect(campaign=campaign, kind=a.kind, name=a.name, ordinal=a.ordinal)
                for a in previous.aspects.order_by("kind", "ordinal")
            )
            versions_touch(["campaigns"])  # bulk_create sends no signal
    audit_record(
        actor=actor,
        action="campaigns.campaign.started",
        target=campaign,
        after={
            "previous": getattr(previous, "pk", None),
            "aspects_copied": [a.name for a in copied],
        },
    )
    return campaign
