"""Promotion (推广): an adopted result is promoted to units — the units of one kind in a subtree (a
banner's gacha/villages), a list, or both — with a deadline; each unit answers adopted or not
applicable. Figures count the promoted units and those that adopted, by the units' subtrees."""

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.audit.services import audit_record
from shigan.campaigns.models import Campaign
from shigan.metrics.engine import metric_changes
from shigan.orgs.choices import UnitKind
from shigan.orgs.models import Unit
from shigan.orgs.permissions import user_can
from shigan.orgs.scoping import subtree_q
from shigan.research.choices import AdoptionState, ResultState
from shigan.research.errors import ErrorCode
from shigan.research.models import (
    PromotionTarget,
    ResearchResult,
    ResultPromotion,
    TargetTransition,
)
from shigan.research.services.base import ResearchError, _require_record

__all__ = ["PROMOTION_MAX_TARGETS", "result_promote", "promotion_report"]

PROMOTION_MAX_TARGETS = 20000
ANSWERS = (AdoptionState.ADOPTED, AdoptionState.NOT_APPLICABLE)


def _promotion_units(
    *, campaign: Campaign, scopes: Sequence[Unit], target_kind: str, units: Sequence[Unit]
) -> list[Unit]:
    """The units a promotion reaches, in tree order; each inside the campaign."""
    root = campaign.root_unit
    found: dict[int, Unit] = {}
    for scope in scopes:
        if not scope.path.startswith(root.path):
            raise ResearchError(
                _("“%(unit)s”不在这次主题教育的范围内。") % {"unit": scope},
                code=ErrorCode.SCOPE_OUTSIDE,
                field="scopes",
            )
    if scopes:
        if target_kind not in UnitKind.values:
            raise ResearchError(
                _("请选择推广到哪一级单位。"), code=ErrorCode.BAD_KIND, field="target_kind"
            )
        below = Unit.objects.filter(
            subtree_q([s.path for s in scopes]), kind=target_kind, active=True
        ).exclude(pk__in=[s.pk for s in scopes])
        found.update((u.pk, u) for u in below.order_by("path")[: PROMOTION_MAX_TARGETS + 1])
    for unit in units:
        if not unit.active or not unit.path.startswith(root.path):
            raise ResearchError(
                _("“%(unit)s”不在这次主题教育的范围内。") % {"unit": unit},
                code=ErrorCode.UNIT_OUTSIDE,
                field="units",
            )
        found.setdefault(unit.pk, unit)
    if not found:
        raise ResearchError(
            _("推广范围内没有可推广的单位，请选择推广范围或单位。"),
            code=ErrorCode.NO_TARGETS,
            field="scopes",
        )
    if len(found) > PROMOTION_MAX_TARGETS:
        raise ResearchError(
            _("一次最多推广到 %(n)d 个单位。") % {"n": PROMOTION_MAX_TARGETS},
            code=ErrorCode.TOO_MANY_TARGETS,
            field="scopes",
        )
    return sorted(found.values(), key=lambda u: u.path)


def _locked_adopted(actor, result: ResearchResult) -> ResearchResult:
    """The result, locked, if the actor may record at its unit and it was adopted."""
    result = (
        ResearchResult.objects.select_for_update()
        .select_related("unit", "campaign__root_unit")
        .get(pk=result.pk)
    )
    _require_record(actor, result.unit)
    if result.state != ResultState.ADOPTED:
        raise ResearchError(_("成果采纳后才能推广。"), code=ErrorCode.NOT_ADOPTED)
    return result


def _check_days(result: ResearchResult, promoted_on: datetime.date, deadline) -> None:
    if result.adopted_on and promoted_on < result.adopted_on:
        raise ResearchError(
            _("推广日期不能早于成果采纳日期。"),
            code=ErrorCode.PROMOTED_TOO_EARLY,
            field="promoted_on",
        )
    if deadline is None or deadline <= promoted_on:
        raise ResearchError(
            _("反馈期限须晚于推广日期。"), code=ErrorCode.BAD_DEADLINE, field="deadline"
        )


def _create_targets(actor, promotion: ResultPromotion, targets: list[Unit]) -> None:
    """One target per unit, pending from the promotion's day, with its first transition."""
    day = promotion.promoted_on
    with metric_changes(PromotionTarget) as changes:
        made = PromotionTarget.objects.bulk_create(
            PromotionTarget(
                promotion=promotion, unit=unit, campaign_id=promotion.campaign_id, promoted_on=day
            )
            for unit in targets
        )
        TargetTransition.objects.bulk_create(
            TargetTransition(target=t, to_state=AdoptionState.PENDING, day=day, actor=actor)
            for t in made
        )
        changes.created([t.pk for t in made])


@transaction.atomic
def result_promote(
    *,
    actor,
    result: ResearchResult,
    deadline: datetime.date,
    scopes: Sequence[Unit] = (),
    target_kind: str = UnitKind.VILLAGE,
    units: Sequence[Unit] = (),
    promoted_on: datetime.date | None = None,
    note: str = "",
) -> ResultPromotion:
    """Promote an adopted result (成果推广) to units, who each answer by `deadline`."""
    result = _locked_adopted(actor, result)
    promoted_on = promoted_on or timezone.localdate()
    _check_days(result, promoted_on, deadline)
    scopes = list({s.pk: s for s in scopes}.values())
    targets = _promotion_units(
        campaign=result.campaign, scopes=scopes, target_kind=target_kind, units=units
    )
    note = (note or "").strip()
    promotion = ResultPromotion.objects.create(
        result=result,
        unit_id=result.unit_id,
        campaign_id=result.campaign_id,
        target_kind=target_kind if scopes else "",
        promoted_on=promoted_on,
        deadline=deadline,
        note=note,
        created_by=actor,
    )
    promotion.scopes.set(scopes)
    _create_targets(actor, promotion, targets)
    audit_record(
        actor=actor,
        action="research.result.promoted",
        target=promotion,
        after={
            "result": result.pk,
            "scopes": [s.pk for s in scopes],
            "target_kind": promotion.target_kind,
            "units": [u.pk for u in targets],
            "promoted_on": promoted_on,
            "deadline": deadline,
            "note": note,
        },
    )
    return promotion


@transaction.atomic
def promotion_report(
    *,
    actor,
    target: PromotionTarget,
    state: str,
    note: str = "",
    day: datetime.date | None = None,
) -> PromotionTarget:
    """A promoted unit answers: adopted (已采用) or not applicable (不适用, with the reason).
    A later answer replaces the earlier one; both stay in the history."""
    target = (
        PromotionTarget.objects.select_for_update()
        .select_related("unit", "promotion")
        .get(pk=target.pk)
    )
    if not user_can(actor, "record", target.unit):
        raise ResearchError(_("您没有为该单位反馈采用情况的权限。"), code=ErrorCode.FORBIDDEN)
    if state not in ANSWERS:
        raise ResearchError(_("请选择已采用或不适用。"), code=ErrorCode.BAD_STATE, field="state")
    note = (note or "").strip()
    if len(note) > 2000:
        raise ResearchError(
            _("不能超过 %(n)d 个字。") % {"n": 2000}, code=ErrorCode.NOTE_TOO_LONG, field="note"
        )
    if state == AdoptionState.NOT_APPLICABLE and not note:
        raise ResearchError(_("不适用时请说明理由。"), code=ErrorCode.NOTE_REQUIRED, field="note")
    day = day or timezone.localdate()
    if day < target.promoted_on or day > timezone.localdate():
        raise ResearchError(
            _("反馈日期须在推广日期和今天之间。"), code=ErrorCode.BAD_DAY, field="day"
        )
    if state == target.state and note == target.note:
        raise ResearchError(_("采用情况没有变化。"), code=ErrorCode.UNCHANGED, field="state")
    before = {"state": target.state, "note": target.note, "reported_on": target.reported_on}
    with metric_changes(PromotionTarget, [target.pk]):
        TargetTransition.objects.create(
            target=target,
            from_state=target.state,
            to_state=state,
            day=day,
            actor=actor,
            comment=note,
        )
        target.state, target.note, target.reported_on = state, note, day
        target.save(update_fields=["state", "note", "reported_on"])
    audit_record(
        actor=actor,
        action="research.promotion.reported",
        target=target,
        before=before,
        after={"state": state, "note": note, "reported_on": day},
    )
    return target
