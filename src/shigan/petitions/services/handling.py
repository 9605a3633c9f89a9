"""A petition in the hands of the body that must answer it: routed (转送、交办), accepted or
declined (with the petitioner's objection), extended, replied to and rated; and a problem it
brings to light raised into the rectification ledger."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from shigan.audit.services import audit_record
from shigan.metrics.engine import metric_changes
from shigan.orgs.choices import UnitKind
from shigan.orgs.models import Unit
from shigan.orgs.permissions import user_can
from shigan.petitions import clock
from shigan.petitions.choices import PetitionState, Satisfaction, ToldBy
from shigan.petitions.errors import ErrorCode
from shigan.petitions.models import Petition, PetitionExtension
from shigan.petitions.services.base import (
    PRE_ACCEPTANCE,
    PetitionError,
    _ancestor_paths,
    _date,
    _locked,
    _require,
    _require_handler_or_agent,
    _save,
    _snapshot,
    _text,
    is_local,
    petition_refresh_light,
)
from shigan.problems.choices import ProblemSource
from shigan.problems.services import problem_create

__all__ = [
    "route_allowed",
    "petition_route",
    "petition_accept",
    "petition_decline",
    "petition_objection_record",
    "petition_extend",
    "petition_reply",
    "petition_rate",
    "petition_problem_raise",
]

# -- routing and acceptance ---------------------------------------------------------------------


def _county_of(unit: Unit) -> Unit | None:
    return (
        Unit.objects.filter(path__in=_ancestor_paths(unit), kind=UnitKind.COUNTY)
        .order_by("-depth")
        .first()
    )


def route_allowed(petition: Petition, to_unit: Unit) -> bool:
    """Within the county (旗县) of the unit that took it in, or up its own line of units."""
    origin = petition.unit
    if origin.path.startswith(to_unit.path):
        return True
    county = _county_of(origin)
    return county is None or to_unit.path.startswith(county.path)


@transaction.atomic
def petition_route(
    *, actor, petition: Petition, to_unit: Unit, day: datetime.date, note: str = ""
) -> Petition:
    """Hand the petition over (转送、交办) to the body that must answer it."""
    petition = _locked(petition)
    _require(actor, "record", petition.handling_unit)
    if petition.state not in PRE_ACCEPTANCE:
        raise PetitionError(
            _("已受理或办结的信访件不能再转送（当前：%(state)s）。")
            % {"state": petition.get_state_display()},
            code=ErrorCode.NOT_ROUTABLE,
        )
    if to_unit is None or not to_unit.active or to_unit.pk == petition.handling_unit_id:
        raise PetitionError(_("请选择另一个接收单位。"), code=ErrorCode.BAD_TARGET, field="to_unit")
    if not route_allowed(petition, to_unit):
        raise PetitionError(
            _("只能转送到本旗县范围内或上级的有权处理机关。"),
            code=ErrorCode.TARGET_OUTSIDE,
            field="to_unit",
        )
    day = _date(day, field="day", floor=petition.handed_on, what=_("收到日期"))
    before = _snapshot(petition)
    _save(
        petition,
        actor=actor,
        to_state=PetitionState.ROUTED,
        day=day,
        comment=(note or "").strip(),
        to_unit=to_unit,
        routed_on=petition.routed_on or day,
    )
    audit_record(
        actor=actor,
        action="petitions.petition.routed",
        target=petition,
        before=before,
        after={"handling_unit": to_unit.pk, "day": day, "note": (note or "").strip()},
    )
    petition_refresh_light(petition)
    return petition


def _awaiting_acceptance(actor, petition: Petition) -> Petition:
    """The petition, locked, for its handling body to accept or decline: refused once either
    has been done."""
    petition = _locked(petition)
    _require(actor, "record", petition.handling_unit)
    if petition.state not in PRE_ACCEPTANCE:
        raise PetitionError(_("该信访件不在待受理状态。"), code=ErrorCode.NOT_ACCEPTABLE)
    return petition


@transaction.atomic
def petition_accept(
    *,
    actor,
    petition: Petition,
    accepted_on: datetime.date,
    notified_on: datetime.date | None = None,
    note: str = "",
) -> Petition:
    """The body that must answer accepts (受理) and tells the petitioner in writing."""
    petition = _awaiting_acceptance(actor, petition)
    accepted_on = _date(
        accepted_on, field="accepted_on", floor=petition.handed_on, what=_("收到日期")
    )
    notified_on = _date(
        notified_on or accepted_on,
        field="notified_on",
        floor=petition.handed_on,
        what=_("收到日期"),
    )
    _save(
        petition,
        actor=actor,
        to_state=PetitionState.ACCEPTED,
        day=accepted_on,
        comment=(note or "").strip(),
        accepted_on=accepted_on,
        notified_on=notified_on,
    )
    audit_record(
        actor=actor,
        action="petitions.petition.accepted",
        target=petition,
        after={"accepted_on": accepted_on, "notified_on": notified_on},
    )
    petition_refresh_light(petition)
    return petition


@transaction.atomic
def petition_decline(
    *,
    actor,
    petition: Petition,
    day: datetime.date,
    reason: str,
    notified_on: datetime.date | None = None,
) -> Petition:
    """Not accepted (不予受理), with the written notice saying why."""
    petition = _awaiting_acceptance(actor, petition)
    reason = _text(reason, field="reason", message=_("请写明不予受理的理由。"))
    day = _date(day, field="day", floor=petition.handed_on, what=_("收到日期"))
    notified_on = _date(notified_on or day, field="notified_on", floor=day)
    _save(
        petition,
        actor=actor,
        to_state=PetitionState.DECLINED,
        day=day,
        comment=reason,
        declined_on=day,
        notified_on=notified_on,
    )
    audit_record(
        actor=actor,
        action="petitions.petition.declined",
        target=petition,
        after={"day": day, "reason": reason, "notified_on": notified_on},
    )
    petition_refresh_light(petition)
    return petition


@transaction.atomic
def petition_objection_record(
    *, actor, petition: Petition, raised_on: datetime.date, text: str
) -> Petition:
    """The petitioner objects to the written notice: within 5 working days of it."""
    petition = _locked(petition)
    _require_handler_or_agent(actor, petition)
    if petition.notified_on is None:
        raise PetitionError(_("还没有书面告知，无从提出异议。"), code=ErrorCode.NOT_NOTIFIED)
    if petition.objection_on is not None:
        raise PetitionError(_("已登记过异议。"), code=ErrorCode.ALREADY_OBJECTED)
    text = _text(text, field="text", message=_("请填写异议内容。"))
    raised_on = _date(raised_on, field="raised_on", floor=petition.notified_on, what=_("告知日期"))
    last = clock.objection_end(petition.notified_on)
    if raised_on > last:
        raise PetitionError(
            _("异议须在书面告知之日起5个工作日内（%(day)s 前）提出。") % {"day": last.isoformat()},
            code=ErrorCode.OBJECTION_WINDOW_CLOSED,
            field="raised_on",
        )
    _save(
        petition,
        actor=actor,
        to_state=petition.state,
        day=raised_on,
        comment=_("信访人提出异议：%(text)s") % {"text": text},
        objection_on=raised_on,
        objection_text=text,
    )
    audit_record(
        actor=actor,
        action="petitions.petition.objection",
        target=petition,
        after={"raised_on": raised_on, "text": text},
    )
    return petition


# -- handling -----------------------------------------------------------------------------------


@transaction.atomic
def petition_extend(
    *,
    actor,
    petition: Petition,
    days: int,
    reason: str,
    approved_on: datetime.date,
    told_on: datetime.date,
) -> PetitionExtension:
    """Extend the handling period (Art. 34): at most 30 days, once, approved by the head of the
    body (a leader of the handling unit: the "review" right) before the period ran out, with
    the reason sent to the petitioner."""
    petition = _locked(petition)
    if not user_can(actor, "review", petition.handling_unit):
        raise PetitionError(_("延期须经办理单位负责人批准。"), code=ErrorCode.FORBIDDEN)
    if petition.state != PetitionState.ACCEPTED:
        raise PetitionError(
            _("只有已受理、尚未答复的信访件可以延期。"), code=ErrorCode.NOT_ACCEPTED
        )
    if PetitionExtension.objects.filter(petition=petition).exists():
        raise PetitionError(_("办理期限只能延长一次。"), code=ErrorCode.ALREADY_EXTENDED)
    if not isinstance(days, int) or not 1 <= days <= clock.MAX_EXTENSION_DAYS:
        raise PetitionError(
            _("延长期限为1至30日。"), code=ErrorCode.EXTENSION_TOO_LONG, field="days"
        )
    reason = _text(reason, field="reason", message=_("请写明延期理由。"))
    approved_on = _date(
        approved_on, field="approved_on", floor=petition.accepted_on, what=_("受理日期")
    )
    assert petition.accepted_on is not None  # an accepted case (state checked above)
    if approved_on > clock.handling_due(petition.accepted_on):
        raise PetitionError(
            _("办理期限已过，不能再延期。"), code=ErrorCode.EXTENSION_TOO_LATE, field="approved_on"
        )
    told_on = _date(told_on, field="told_on", floor=approved_on, what=_("批准日期"))
    extension = PetitionExtension.objects.create(
        petition=petition,
        days=days,
        reason=reason,
        approved_by=actor,
        approved_on=approved_on,
        told_on=told_on,
    )
    _save(
        petition,
        actor=actor,
        to_state=petition.state,
        day=approved_on,
        comment=_("延长办理期限 %(n)d 日：%(reason)s") % {"n": days, "reason": reason},
    )
    audit_record(
        actor=actor,
        action="petitions.petition.extended",
        target=petition,
        after={"days": days, "reason": reason, "approved_on": approved_on, "told_on": told_on},
    )
    petition_refresh_light(petition)
    return extension


@transaction.atomic
def petition_reply(
    *,
    actor,
    petition: Petition,
    text: str,
    replied_on: datetime.date,
    told_by: str,
    told_on: datetime.date | None = None,
) -> Petition:
    """The answering body's reply (答复). Resolved locally when it answers at or below the
    township; on time when within 60 days of acceptance plus any approved extension."""
    petition = _locked(petition)
    _require(actor, "record", petition.handling_unit)
    if petition.state != PetitionState.ACCEPTED:
        raise PetitionError(_("受理后才能答复。"), code=ErrorCode.NOT_ACCEPTED)
    text = _text(text, field="text", message=_("请填写答复意见。"))
    if told_by not in ToldBy.values:
        raise PetitionError(_("请选择告知方式。"), code=ErrorCode.BAD_TOLD_BY, field="told_by")
    replied_on = _date(
        replied_on, field="replied_on", floor=petition.accepted_on, what=_("受理日期")
    )
    told_on = _date(told_on or replied_on, field="told_on", floor=replied_on, what=_("答复日期"))
    extension = PetitionExtension.objects.filter(petition=petition).first()
    assert petition.accepted_on is not None  # an accepted case (state checked above)
    on_time = clock.replied_on_time(
        petition.accepted_on, replied_on, extension.days if extension else 0
    )
    local = is_local(petition.handling_unit)
    _save(
        petition,
        actor=actor,
        to_state=PetitionState.REPLIED,
        day=replied_on,
        reply_text=text,
        replied_on=replied_on,
        told_by=told_by,
        told_on=told_on,
        answered_by=petition.handling_unit,
        resolved_locally=local,
        replied_on_time=on_time,
    )
    audit_record(
        actor=actor,
        action="petitions.petition.replied",
        target=petition,
        after={
            "replied_on": replied_on,
            "told_by": told_by,
            "told_on": told_on,
            "answered_by": petition.handling_unit_id,
            "resolved_locally": local,
            "on_time": on_time,
        },
    )
    petition_refresh_light(petition)
    return petition


@transaction.atomic
def petition_rate(
    *, actor, petition: Petition, satisfaction: str, rated_on: datetime.date
) -> Petition:
    """The petitioner's satisfaction with the reply (回访), recorded by the agent or the body."""
    petition = _locked(petition)
    _require_handler_or_agent(actor, petition)
    if petition.replied_on is None:
        raise PetitionError(_("答复后才能登记满意度。"), code=ErrorCode.NOT_REPLIED)
    if satisfaction not in Satisfaction.values:
        raise PetitionError(
            _("请选择满意度。"), code=ErrorCode.BAD_SATISFACTION, field="satisfaction"
        )
    rated_on = _date(rated_on, field="rated_on", floor=petition.replied_on, what=_("答复日期"))
    before = {"satisfaction": petition.satisfaction, "rated_on": petition.rated_on}
    with metric_changes(Petition, [petition.pk]):
        petition.satisfaction, petition.rated_on = satisfaction, rated_on
        petition.save(update_fields=["satisfaction", "rated_on"])
    audit_record(
        actor=actor,
        action="petitions.petition.rated",
        target=petition,
        before=before,
        after={"satisfaction": satisfaction, "rated_on": rated_on},
    )
    return petition


@transaction.atomic
def petition_problem_raise(
    *,
    actor,
    petition: Petition,
    title: str,
    found_on: datetime.date,
    campaign=None,
    aspect=None,
):
    """A problem the petition brings to light goes into the rectification ledger (source
    "petition") of the handling body."""
    petition = _locked(petition)
    _require(actor, "record", petition.handling_unit)
    if petition.state in PRE_ACCEPTANCE:
        raise PetitionError(_("受理后才能转入问题清单。"), code=ErrorCode.NOT_ACCEPTED)
    problem = problem_create(
        actor=actor,
        unit=petition.handling_unit,
        title=title,
        source=ProblemSource.PETITION,
        found_on=found_on,
        campaign=campaign,
        aspect=aspect,
    )
    petition.problems.add(problem)
    audit_record(
        actor=actor,
        action="petitions.petition.problem_raised",
        target=petition,
        after={"problem": problem.pk},
    )
    return problem
