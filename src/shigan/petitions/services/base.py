"""What the petitions services share: the error, the checks of text, dates and rights, the row lock,
the transition writer (`_save`) and the recomputation of the current deadline and light."""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.core.calendar import CalendarError
from shigan.core.deadlines import traffic_light
from shigan.core.errors import FieldCode
from shigan.metrics.engine import metric_changes
from shigan.orgs.choices import UnitKind
from shigan.orgs.models import Unit
from shigan.orgs.permissions import user_can
from shigan.petitions import clock
from shigan.petitions.choices import OPEN_STATES, PetitionState
from shigan.petitions.errors import ErrorCode, PetitionError
from shigan.petitions.models import Petition, PetitionTransition
from shigan.petitions.selectors import petition_facts

__all__ = ["LOCAL_KINDS", "PRE_ACCEPTANCE", "PetitionError", "is_local", "petition_refresh_light"]

LOCAL_KINDS = (UnitKind.TOWNSHIP, UnitKind.VILLAGE)
PRE_ACCEPTANCE = (PetitionState.RECEIVED, PetitionState.ROUTED)


def _today() -> datetime.date:
    return timezone.localdate()


def _text(value, *, field: str, message: str, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise PetitionError(message, code=FieldCode.required(field), field=field)
    if max_length and len(value) > max_length:
        raise PetitionError(
            _("不能超过 %(n)d 个字。") % {"n": max_length},
            code=FieldCode.too_long(field),
            field=field,
        )
    return value


def _date(value, *, field: str, floor=None, what="") -> datetime.date:
    """A day that is not in the future nor before `floor` (`what` names the floor)."""
    if value is None:
        raise PetitionError(_("请填写日期。"), code=FieldCode.required(field), field=field)
    if value > _today():
        raise PetitionError(_("日期不能晚于今天。"), code=ErrorCode.FUTURE_DATE, field=field)
    if floor is not None and value < floor:
        raise PetitionError(
            _("日期不能早于%(what)s（%(day)s）。")
            % {"what": what or _("前一环节"), "day": floor.isoformat()},
            code=ErrorCode.DATE_TOO_EARLY,
            field=field,
        )
    return value


def _require(actor, action: str, unit: Unit) -> None:
    if not user_can(actor, action, unit):
        raise PetitionError(
            _("您没有在“%(unit)s”办理信访件的权限。") % {"unit": unit.name},
            code=ErrorCode.FORBIDDEN,
        )


def _require_handler_or_agent(actor, petition: Petition) -> None:
    """The handling body's staff, or the agent who took the petition in (代办: they carry the
    petitioner's requests and return visits)."""
    if user_can(actor, "record", petition.handling_unit):
        return
    agent = petition.intake_agent
    if agent is not None and agent.user_id == actor.pk:
        return
    _require(actor, "record", petition.handling_unit)


def _locked(petition: Petition) -> Petition:
    # Only the petition's row is locked: the agent is on the nullable side of an outer join.
    return (
        Petition.objects.select_for_update(of=("self",))
        .select_related("unit", "handling_unit", "intake_agent")
        .get(pk=petition.pk)
    )


def _ancestor_paths(unit: Unit) -> list[str]:
    return [unit.path[:i] for i in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]


def is_local(unit: Unit) -> bool:
    """At or below the township: a township or village unit, or one inside a township."""
    return Unit.objects.filter(path__in=_ancestor_paths(unit), kind__in=LOCAL_KINDS).exists()


def _snapshot(p: Petition) -> dict:
    """What the audit trail keeps of a petition: never personal data."""
    return {
        "state": p.state,
        "unit": p.unit_id,
        "handling_unit": p.handling_unit_id,
        "received_on": p.received_on,
        "channel": p.channel,
        "kind": p.kind,
        "category": p.category,
        "first_time": p.first_time,
        "title": p.title,
    }


def _save(petition: Petition, *, actor, to_state: str, day, comment="", to_unit=None, **fields):
    """Change the petition and write its transition row, keeping the metric facts in step."""
    from_state, from_unit = petition.state, petition.handling_unit
    with metric_changes(Petition, [petition.pk]):
        for name, value in fields.items():
            setattr(petition, name, value)
        petition.state = to_state
        if to_unit is not None:
            petition.handling_unit = to_unit
            if to_state == PetitionState.ROUTED:  # a review moves it on, not the first answer
                petition.handed_on = day
        petition.save()
        PetitionTransition.objects.create(
            petition=petition,
            from_state=from_state,
            to_state=to_state,
            from_unit=from_unit if to_unit is not None else None,
            to_unit=to_unit,
            day=day,
            actor=actor,
            comment=comment,
        )


def petition_refresh_light(petition: Petition, *, today: datetime.date | None = None) -> bool:
    """Recompute the current due day and traffic light; True when the light changed.

    A year without calendar data leaves the petition without a light (the page says why)
    rather than refusing the write that triggered the recomputation.
    """
    today = today or _today()
    due_on, light = None, ""
    if petition.state in OPEN_STATES:
        try:
            step = clock.clock(petition_facts(petition)).next_duty()
            if step is not None:
                due_on = step.due_on
                light = traffic_light(
                    deadline=step.due_on,
                    today=today,
                    started_on=step.starts_on,
                    warn_workdays=settings.SHIGAN_WARN_WORKDAYS,
                )
        except CalendarError:
            due_on, light = None, ""
    changed = light != petition.light
    if changed or due_on != petition.due_on:
        petition.due_on, petition.light = due_on, str(light)
        if changed:
            petition.light_on = today if light else None
        Petition.objects.filter(pk=petition.pk).update(
            due_on=due_on, light=petition.light, light_on=petition.light_on
        )
    return changed
