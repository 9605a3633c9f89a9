"""Writes on petitions. Every change goes through one of these services, in one transaction
with its transition row (who, when, from, to, which units, note), its audit entry and the
metric facts; then the petition's current deadline and traffic light are recomputed.

Reading a petitioner unmasked is also a service here: it writes an audit entry.
"""

import datetime
import hashlib
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.audit.services import AuditItem, audit_record, audit_record_many
from shigan.core.calendar import CalendarError
from shigan.core.deadlines import traffic_light
from shigan.core.errors import DomainError
from shigan.metrics.engine import metric_changes
from shigan.orgs.choices import UnitKind
from shigan.orgs.models import Unit
from shigan.orgs.permissions import user_can
from shigan.petitions import clock, crypto
from shigan.petitions.access import can_reveal
from shigan.petitions.choices import (
    OPEN_STATES,
    AgentLevel,
    CaseKind,
    Channel,
    PetitionState,
    ReviewLevel,
    Satisfaction,
    ToldBy,
    categories_for,
)
from shigan.petitions.models import (
    Agent,
    Petition,
    PetitionAttachment,
    Petitioner,
    PetitionExtension,
    PetitionReview,
    PetitionTransition,
)
from shigan.petitions.selectors import likely_duplicates, petition_facts
from shigan.problems import evidence_types
from shigan.problems.choices import ProblemSource
from shigan.problems.services import problem_create

__all__ = [
    "PetitionError",
    "PetitionerData",
    "PetitionerView",
    "agent_appoint",
    "agent_retire",
    "petition_intake",
    "petition_route",
    "petition_accept",
    "petition_decline",
    "petition_objection_record",
    "petition_extend",
    "petition_reply",
    "petition_rate",
    "petition_review_request",
    "petition_review_hearing",
    "petition_review_decide",
    "petition_problem_raise",
    "petition_attachment_add",
    "petition_refresh_light",
    "petitioners_read",
    "attachment_read",
    "is_local",
    "petition_keys_rotate",
]

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
PHONE = re.compile(r"^\+?[0-9]{5,20}$")
LOCAL_KINDS = (UnitKind.TOWNSHIP, UnitKind.VILLAGE)
PRE_ACCEPTANCE = (PetitionState.RECEIVED, PetitionState.ROUTED)


class PetitionError(DomainError):
    pass


@dataclass(frozen=True)
class PetitionerData:
    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class PetitionerView:
    """A petitioner as one user may see them: in the clear, or masked."""

    name: str
    id_number: str
    phone: str
    address: str
    masked: bool


# -- helpers ------------------------------------------------------------------------------------


def _today() -> datetime.date:
    return timezone.localdate()


def _text(value, *, field: str, message: str, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise PetitionError(message, code=f"{field}_required", field=field)
    if max_length and len(value) > max_length:
        raise PetitionError(
            _("不能超过 %(n)d 个字。") % {"n": max_length}, code=f"{field}_too_long", field=field
        )
    return value


def _date(value, *, field: str, floor=None, what="") -> datetime.date:
    """A day that is not in the future nor before `floor` (`what` names the floor)."""
    if value is None:
        raise PetitionError(_("请填写日期。"), code=f"{field}_required", field=field)
    if value > _today():
        raise PetitionError(_("日期不能晚于今天。"), code="future_date", field=field)
    if floor is not None and value < floor:
        raise PetitionError(
            _("日期不能早于%(what)s（%(day)s）。")
            % {"what": what or _("前一环节"), "day": floor.isoformat()},
            code="date_too_early",
            field=field,
        )
    return value


def _require(actor, action: str, unit: Unit) -> None:
    if actor is not None and not user_can(actor, action, unit):
        raise PetitionError(
            _("您没有在“%(unit)s”办理信访件的权限。") % {"unit": unit.name}, code="forbidden"
        )


def _require_handler_or_agent(actor, petition: Petition) -> None:
    """The handling body's staff, or the agent who took the petition in (代办: they carry the
    petitioner's requests and return visits)."""
    if actor is None or user_can(actor, "record", petition.handling_unit):
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


def _clean_id_number(value: str) -> str:
    number = crypto.normalize(value)
    if not number:
        return ""
    if re.fullmatch(r"[0-9]{15}", number):
        return number
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        raise PetitionError(
            _("身份证号应为18位（最后一位可以是X）。"), code="bad_id_number", field="id_number"
        )
    total = sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True))
    if ID_CHECK[total % 11] != number[17]:
        raise PetitionError(
            _("身份证号校验位不对，请核对。"), code="bad_id_number", field="id_number"
        )
    return number


def _clean_phone(value: str) -> str:
    phone = crypto.normalize(value).replace("-", "")
    if phone and not PHONE.match(phone):
        raise PetitionError(_("联系电话只能是数字。"), code="bad_phone", field="phone")
    return phone


def _clean_petitioners(petitioners: Iterable) -> list[PetitionerData]:
    cleaned = []
    for p in petitioners:
        p = p if isinstance(p, PetitionerData) else PetitionerData(**p)
        cleaned.append(
            PetitionerData(
                name=_text(p.name, field="name", message=_("请填写信访人姓名。"), max_length=50),
                id_number=_clean_id_number(p.id_number),
                phone=_clean_phone(p.phone),
                address=(p.address or "").strip()[:200],
            )
        )
    if not cleaned:
        raise PetitionError(_("请填写信访人姓名。"), code="name_required", field="name")
    return cleaned


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


# -- agents -------------------------------------------------------------------------------------


@transaction.atomic
def agent_appoint(*, actor, user, unit: Unit, appointed_on: datetime.date | None = None) -> Agent:
    """Appoint `user` a petition agent of a village, township or county unit."""
    _require(actor, "manage", unit)
    if unit.kind not in AgentLevel.values:
        raise PetitionError(
            _("代办员只能设在嘎查（村）、苏木（乡镇）和旗县三级。"), code="bad_level", field="unit"
        )
    if not user_can(user, "record", unit):
        raise PetitionError(
            _("请先授予该用户在本单位的填报员或领导角色。"), code="agent_needs_role", field="user"
        )
    agent = Agent.objects.select_for_update().filter(user=user, unit=unit).first()
    if agent is not None and agent.active:
        raise PetitionError(_("该用户已是本单位的代办员。"), code="already_agent", field="user")
    day = appointed_on or _today()
    if agent is None:
        agent = Agent.objects.create(
            user=user, unit=unit, level=unit.kind, appointed_on=day, appointed_by=actor
        )
    else:
        agent.active, agent.appointed_on, agent.appointed_by = True, day, actor
        agent.save(update_fields=["active", "appointed_on", "appointed_by"])
    audit_record(
        actor=actor,
        action="petitions.agent.appointed",
        target=agent,
        after={"user": user.pk, "unit": unit.pk, "level": agent.level, "appointed_on": day},
    )
    return agent


@transaction.atomic
def agent_retire(*, actor, agent: Agent) -> Agent:
    agent = Agent.objects.select_for_update().select_related("unit").get(pk=agent.pk)
    _require(actor, "manage", agent.unit)
    if not agent.active:
        raise PetitionError(_("该代办员已离岗。"), code="not_active")
    agent.active = False
    agent.save(update_fields=["active"])
    audit_record(
        actor=actor,
        action="petitions.agent.retired",
        target=agent,
        before={"active": True},
        after={"active": False},
    )
    return agent


# -- intake -------------------------------------------------------------------------------------


def _check_duplicates(hashes: list[str], request: str, confirm: bool) -> None:
    """Art. 19: a likely duplicate (same petitioner, similar request) is flagged; the agent may
    go on only after confirming it is a different matter or brings new facts and reasons."""
    if confirm:
        return
    found = likely_duplicates(hashes=hashes, text=request)
    if not found:
        return
    listed = "；".join(
        _("%(number)s（%(unit)s，%(state)s）")
        % {"number": p.number, "unit": p.handling_unit.name, "state": p.get_state_display()}
        for p, _score in found[:5]
    )
    if any(p.state == PetitionState.CLOSED for p, _score in found):
        raise PetitionError(
            _(
                "同一信访人的相似诉求已经复核终结（%(list)s），同一事实和理由不再受理"
                "（第三十六条）。如有新的事实和理由，请勾选确认后再登记。"
            )
            % {"list": listed},
            code="final_after_rereview",
            field="confirm_duplicate",
        )
    raise PetitionError(
        _(
            "可能与已登记的信访件重复：%(list)s。上级不受理下级正在办理的信访事项（第十九条）；"
            "如确属不同事项，请勾选确认后再登记。"
        )
        % {"list": listed},
        code="likely_duplicate",
        field="confirm_duplicate",
    )


@transaction.atomic
def petition_intake(
    *,
    actor,
    agent: Agent,
    received_on: datetime.date,
    channel: str,
    title: str,
    request: str,
    category: str,
    first_time: bool,
    petitioners: Sequence,
    attachments: Sequence = (),
    confirm_duplicate: bool = False,
    kind: str = CaseKind.PETITION,
) -> Petition:
    """An agent takes a petition in at their unit (登记); or, of kind "union", a new-form
    worker's rights case (工会维权), numbered GH… instead of XF…, on the same clock."""
    agent = Agent.objects.select_related("unit").get(pk=agent.pk)
    if not agent.active or (actor is not None and agent.user_id != actor.pk):
        raise PetitionError(_("只有本单位在岗的代办员可以登记信访件。"), code="not_agent")
    _require(actor, "record", agent.unit)
    title = _text(title, field="title", message=_("请填写事由。"), max_length=100)
    request = _text(request, field="request", message=_("请填写诉求。"))
    if channel not in Channel.values:
        raise PetitionError(_("信访形式无效。"), code="bad_channel", field="channel")
    if kind not in CaseKind.values:
        raise PetitionError(_("案件类型无效。"), code="bad_kind", field="kind")
    if category not in dict(categories_for(kind)):
        raise PetitionError(
            _("类别无效：%(kind)s可选%(list)s。")
            % {
                "kind": CaseKind(kind).label,
                "list": "、".join(str(label) for _v, label in categories_for(kind)),
            },
            code="bad_category",
            field="category",
        )
    received_on = _date(received_on, field="received_on")
    people = _clean_petitioners(petitioners)
    hashes = [crypto.person_hash(p.name, p.id_number, p.phone) for p in people]
    _check_duplicates(hashes, request, confirm_duplicate)
    with metric_changes(Petition) as changes:
        petition = Petition.objects.create(
            unit=agent.unit,
            received_on=received_on,
            channel=channel,
            title=title,
            request=request,
            kind=kind,
            category=category,
            first_time=bool(first_time),
            intake_agent=agent,
            handling_unit=agent.unit,
            handed_on=received_on,
            created_by=actor,
        )
        prefix = "GH" if kind == CaseKind.UNION else "XF"
        petition.number = f"{prefix}{received_on:%Y%m%d}{petition.pk:06d}"
        petition.save(update_fields=["number"])
        PetitionTransition.objects.create(
            petition=petition, to_state=PetitionState.RECEIVED, day=received_on, actor=actor
        )
        changes.created([petition.pk])
    Petitioner.objects.bulk_create(
        Petitioner(
            petition=petition,
            ordinal=i,
            name_enc=crypto.encrypt(p.name),
            id_number_enc=crypto.encrypt(p.id_number),
            phone_enc=crypto.encrypt(p.phone),
            address_enc=crypto.encrypt(p.address),
            person_hash=h,
        )
        for i, (p, h) in enumerate(zip(people, hashes, strict=True), start=1)
    )
    for checked in evidence_types.check_all(attachments):
        _attach(actor, petition, checked)
    audit_record(
        actor=actor,
        action="petitions.petition.received",
        target=petition,
        after={
            **_snapshot(petition),
            "number": petition.number,
            "agent": agent.pk,
            "petitioners": [crypto.mask_name(p.name) for p in people],
            "confirm_duplicate": bool(confirm_duplicate),
        },
    )
    petition_refresh_light(petition)
    return petition


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
            code="not_routable",
        )
    if to_unit is None or not to_unit.active or to_unit.pk == petition.handling_unit_id:
        raise PetitionError(_("请选择另一个接收单位。"), code="bad_target", field="to_unit")
    if not route_allowed(petition, to_unit):
        raise PetitionError(
            _("只能转送到本旗县范围内或上级的有权处理机关。"),
            code="target_outside",
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
    petition = _locked(petition)
    _require(actor, "record", petition.handling_unit)
    if petition.state not in PRE_ACCEPTANCE:
        raise PetitionError(_("该信访件不在待受理状态。"), code="not_acceptable")
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
    petition = _locked(petition)
    _require(actor, "record", petition.handling_unit)
    if petition.state not in PRE_ACCEPTANCE:
        raise PetitionError(_("该信访件不在待受理状态。"), code="not_acceptable")
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
        raise PetitionError(_("还没有书面告知，无从提出异议。"), code="not_notified")
    if petition.objection_on is not None:
        raise PetitionError(_("已登记过异议。"), code="already_objected")
    text = _text(text, field="text", message=_("请填写异议内容。"))
    raised_on = _date(raised_on, field="raised_on", floor=petition.notified_on, what=_("告知日期"))
    last = clock.objection_end(petition.notified_on)
    if raised_on > last:
        raise PetitionError(
            _("异议须在书面告知之日起5个工作日内（%(day)s 前）提出。") % {"day": last.isoformat()},
            code="objection_window_closed",
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
    if actor is not None and not user_can(actor, "review", petition.handling_unit):
        raise PetitionError(_("延期须经办理单位负责人批准。"), code="forbidden")
    if petition.state != PetitionState.ACCEPTED:
        raise PetitionError(_("只有已受理、尚未答复的信访件可以延期。"), code="not_accepted")
    if PetitionExtension.objects.filter(petition=petition).exists():
        raise PetitionError(_("办理期限只能延长一次。"), code="already_extended")
    if not isinstance(days, int) or not 1 <= days <= clock.MAX_EXTENSION_DAYS:
        raise PetitionError(_("延长期限为1至30日。"), code="extension_too_long", field="days")
    reason = _text(reason, field="reason", message=_("请写明延期理由。"))
    approved_on = _date(
        approved_on, field="approved_on", floor=petition.accepted_on, what=_("受理日期")
    )
    if approved_on > clock.handling_due(petition.accepted_on):
        raise PetitionError(
            _("办理期限已过，不能再延期。"), code="extension_too_late", field="approved_on"
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
        raise PetitionError(_("受理后才能答复。"), code="not_accepted")
    text = _text(text, field="text", message=_("请填写答复意见。"))
    if told_by not in ToldBy.values:
        raise PetitionError(_("请选择告知方式。"), code="bad_told_by", field="told_by")
    replied_on = _date(
        replied_on, field="replied_on", floor=petition.accepted_on, what=_("受理日期")
    )
    told_on = _date(told_on or replied_on, field="told_on", floor=replied_on, what=_("答复日期"))
    extension = PetitionExtension.objects.filter(petition=petition).first()
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
        raise PetitionError(_("答复后才能登记满意度。"), code="not_replied")
    if satisfaction not in Satisfaction.values:
        raise PetitionError(_("请选择满意度。"), code="bad_satisfaction", field="satisfaction")
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


# -- review and re-review -----------------------------------------------------------------------


def _review_refusal(facts: clock.Facts) -> PetitionError:
    if facts.review(ReviewLevel.REREVIEW) is not None:
        return PetitionError(
            _("复核意见为终结意见，同一事项不再受理复查、复核（第三十六条）。"),
            code="no_further_review",
        )
    if facts.replied_on is None:
        return PetitionError(_("答复后才能请求复查。"), code="not_replied")
    return PetitionError(_("复查尚未办结，不能请求复核。"), code="review_pending")


@transaction.atomic
def petition_review_request(
    *,
    actor,
    petition: Petition,
    requested_on: datetime.date,
    text: str = "",
    body: Unit | None = None,
) -> PetitionReview:
    """The petitioner asks the body above the one that answered for a review (复查), then a
    re-review (复核); each within 30 days of the answer it is about; none after a 复核."""
    petition = _locked(petition)
    facts = petition_facts(petition)
    level = clock.next_review_level(facts)
    if level is None:
        raise _review_refusal(facts)
    last = clock.review_request_due(facts, level)
    requested_on = _date(requested_on, field="requested_on")
    if requested_on > last:
        raise PetitionError(
            _("已超过请求%(level)s的期限（%(day)s）。")
            % {"level": ReviewLevel(level).label, "day": last.isoformat()},
            code="review_request_late",
            field="requested_on",
        )
    body = body or _review_body(petition, level)
    if body is None:
        raise PetitionError(_("没有可以复查的上一级机关。"), code="no_body", field="body")
    if actor is not None and not user_can(actor, "record", body):
        agent = petition.intake_agent
        if agent is None or agent.user_id != actor.pk:
            _require(actor, "record", body)
    review = PetitionReview.objects.create(
        petition=petition,
        level=level,
        body=body,
        requested_on=requested_on,
        request_text=(text or "").strip(),
        requested_by=actor,
    )
    to_state = (
        PetitionState.REVIEW_REQUESTED
        if level == ReviewLevel.REVIEW
        else PetitionState.REREVIEW_REQUESTED
    )
    _save(
        petition,
        actor=actor,
        to_state=to_state,
        day=requested_on,
        comment=(text or "").strip(),
        to_unit=body,
    )
    audit_record(
        actor=actor,
        action="petitions.review.requested",
        target=petition,
        after={"level": level, "body": body.pk, "requested_on": requested_on},
    )
    petition_refresh_light(petition)
    return review


def _review_body(petition: Petition, level: str) -> Unit | None:
    """The body above the one that answered (复查), above the reviewing body (复核)."""
    if level == ReviewLevel.REVIEW:
        below = petition.answered_by
    else:
        below = petition.reviews.get(level=ReviewLevel.REVIEW).body
    return Unit.objects.get_parent(below) if below is not None else None


def _locked_review(review: PetitionReview) -> PetitionReview:
    return (
        PetitionReview.objects.select_for_update(of=("self",))
        .select_related("body", "petition")
        .get(pk=review.pk)
    )


@transaction.atomic
def petition_review_hearing(
    *, actor, review: PetitionReview, started_on: datetime.date, ended_on: datetime.date
) -> PetitionReview:
    """A hearing held in a re-review (听证); its days do not count in the 30 (Art. 36)."""
    review = _locked_review(review)
    _require(actor, "record", review.body)
    if review.level != ReviewLevel.REREVIEW:
        raise PetitionError(_("只有复核可以举行听证。"), code="hearing_not_rereview")
    if review.decided_on is not None:
        raise PetitionError(_("复核已办结。"), code="already_decided")
    started_on = _date(
        started_on, field="started_on", floor=review.requested_on, what=_("请求日期")
    )
    ended_on = _date(ended_on, field="ended_on", floor=started_on, what=_("开始日期"))
    review.hearing_started_on, review.hearing_ended_on = started_on, ended_on
    review.save(update_fields=["hearing_started_on", "hearing_ended_on"])
    audit_record(
        actor=actor,
        action="petitions.review.hearing",
        target=review.petition,
        after={"review": review.pk, "started_on": started_on, "ended_on": ended_on},
    )
    petition_refresh_light(_locked(review.petition))
    return review


@transaction.atomic
def petition_review_decide(
    *,
    actor,
    review: PetitionReview,
    decided_on: datetime.date,
    opinion: str,
    told_on: datetime.date | None = None,
) -> PetitionReview:
    review = _locked_review(review)
    _require(actor, "record", review.body)
    if review.decided_on is not None:
        raise PetitionError(_("已提出意见。"), code="already_decided")
    opinion = _text(opinion, field="opinion", message=_("请填写意见。"))
    decided_on = _date(
        decided_on, field="decided_on", floor=review.requested_on, what=_("请求日期")
    )
    told_on = _date(told_on or decided_on, field="told_on", floor=decided_on)
    review.decided_on, review.opinion, review.told_on = decided_on, opinion, told_on
    review.decided_by = actor
    review.save(update_fields=["decided_on", "opinion", "told_on", "decided_by"])
    petition = _locked(review.petition)
    to_state = (
        PetitionState.REVIEWED if review.level == ReviewLevel.REVIEW else PetitionState.CLOSED
    )
    _save(petition, actor=actor, to_state=to_state, day=decided_on, comment=opinion)
    audit_record(
        actor=actor,
        action="petitions.review.decided",
        target=petition,
        after={"level": review.level, "decided_on": decided_on, "told_on": told_on},
    )
    petition_refresh_light(petition)
    return review


# -- problem, attachments -----------------------------------------------------------------------


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
        raise PetitionError(_("受理后才能转入问题清单。"), code="not_accepted")
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


def _attach(actor, petition: Petition, checked) -> PetitionAttachment:
    data = b"".join(checked.file.chunks())
    token = crypto.encrypt_bytes(data)
    attachment = PetitionAttachment(
        petition=petition,
        original_name=checked.name,
        content_type=checked.mime,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    attachment.file.save(f"{uuid.uuid4().hex}.enc", ContentFile(token), save=False)
    attachment.save()
    audit_record(
        actor=actor,
        action="petitions.attachment.added",
        target=petition,
        after={"attachment": attachment.pk, "size": checked.size, "sha256": checked.sha256},
    )
    return attachment


@transaction.atomic
def petition_attachment_add(*, actor, petition: Petition, file) -> PetitionAttachment:
    petition = _locked(petition)
    _require_handler_or_agent(actor, petition)
    return _attach(actor, petition, evidence_types.check(file))


# -- audited reads ------------------------------------------------------------------------------


def _masked(p: Petitioner) -> PetitionerView:
    return PetitionerView(
        name=crypto.mask_name(crypto.decrypt(p.name_enc)),
        id_number=crypto.mask_id_number(crypto.decrypt(p.id_number_enc)),
        phone=crypto.mask_phone(crypto.decrypt(p.phone_enc)),
        address=crypto.mask_address(crypto.decrypt(p.address_enc)),
        masked=True,
    )


def _clear(p: Petitioner) -> PetitionerView:
    return PetitionerView(
        name=crypto.decrypt(p.name_enc),
        id_number=crypto.decrypt(p.id_number_enc),
        phone=crypto.decrypt(p.phone_enc),
        address=crypto.decrypt(p.address_enc),
        masked=False,
    )


@transaction.atomic
def petitioners_read(
    *, user, petitions: Sequence[Petition], purpose: str = "page"
) -> dict[int, list[PetitionerView]]:
    """The petitioners of each petition as `user` may see them: in the clear where the user
    holds the right (`access.can_reveal`), masked elsewhere. Each petition read in the clear
    writes one `petitions.petitioner.viewed` entry (`purpose`: page, api, export)."""
    by_petition: dict[int, list[Petitioner]] = {p.pk: [] for p in petitions}
    rows = Petitioner.objects.filter(petition__in=list(by_petition)).order_by("petition", "ordinal")
    for row in rows:
        by_petition[row.petition_id].append(row)
    views: dict[int, list[PetitionerView]] = {}
    revealed: list[Petition] = []
    for petition in petitions:
        clear = can_reveal(user, petition)
        views[petition.pk] = [(_clear if clear else _masked)(r) for r in by_petition[petition.pk]]
        if clear:
            revealed.append(petition)
    if revealed:
        audit_record_many(
            actor=user,
            action="petitions.petitioner.viewed",
            items=(
                AuditItem(
                    "petitions.petition",
                    str(p.pk),
                    str(p),
                    None,
                    {"purpose": purpose, "handling_unit": p.handling_unit_id},
                )
                for p in revealed
            ),
        )
    return views


@transaction.atomic
def attachment_read(*, user, attachment: PetitionAttachment) -> bytes:
    """A material's content, decrypted, for a user holding the right; audited."""
    petition = attachment.petition
    if not can_reveal(user, petition):
        raise PetitionError(_("您无权查看信访人材料。"), code="forbidden")
    with attachment.file.open("rb") as handle:
        data = crypto.decrypt_bytes(handle.read())
    if hashlib.sha256(data).hexdigest() != attachment.sha256:
        raise PetitionError(_("材料文件已损坏。"), code="corrupt")
    audit_record(
        actor=user,
        action="petitions.attachment.viewed",
        target=petition,
        after={"attachment": attachment.pk},
    )
    return data


_PERSONAL = ("name_enc", "id_number_enc", "phone_enc", "address_enc")


def petition_keys_rotate(
    *, actor, batch_size: int = 500, on_batch: Callable[[str, int], None] | None = None
) -> tuple[int, int]:
    """Re-encrypt every petitioner and material with the current (first) key, so that older
    keys can then be dropped from SHIGAN_PETITION_KEY. Returns (petitioners, materials)
    re-encrypted by this run.

    Batch by batch, each its own transaction with its audit entry: an interrupted run keeps
    the batches it finished, and the next run continues where it stopped — a value already
    under the current key is recognised (it decrypts with that key alone) and left as is.
    `on_batch(what, count)` is told after each batch (the command's progress)."""
    people = _rotate_batches(Petitioner, _rotate_petitioners, batch_size, actor, on_batch)
    files = _rotate_batches(PetitionAttachment, _rotate_attachments, batch_size, actor, on_batch)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="petitions.keys.rotated",
            target_type="petitions.petitioner",
            target_id="*",
            after={"petitioners": people, "materials": files},
        )
    return people, files


def _rotate_batches(model, rotate, batch_size: int, actor, on_batch) -> int:
    done, last = 0, 0
    while True:
        with transaction.atomic():
            rows = list(
                model.objects.select_for_update().filter(pk__gt=last).order_by("pk")[:batch_size]
            )
            if not rows:
                return done
            last = rows[-1].pk
            changed = rotate(rows)
            if changed:
                audit_record(
                    actor=actor,
                    action="petitions.keys.batch_rotated",
                    target_type=model._meta.label_lower,
                    target_id=f"{rows[0].pk}-{last}",
                    after={"rows": changed},
                )
        done += changed
        if on_batch:
            on_batch(model._meta.label_lower, done)


def _rotate_petitioners(rows: list[Petitioner]) -> int:
    stale = [
        row for row in rows if any(not crypto.is_current(getattr(row, name)) for name in _PERSONAL)
    ]
    for row in stale:
        for name in _PERSONAL:
            setattr(row, name, crypto.rotate(getattr(row, name)))
    Petitioner.objects.bulk_update(stale, _PERSONAL)
    return len(stale)


def _rotate_attachments(rows: list[PetitionAttachment]) -> int:
    """Each material is written anew under a new name; the row points to it in the batch's
    transaction, and the old file is removed only once that committed (a crash leaves at
    worst an unused file, never a row without its file)."""
    changed, written = 0, []
    try:
        for attachment in rows:
            storage, old = attachment.file.storage, attachment.file.name
            with attachment.file.open("rb") as handle:
                token = handle.read()
            if crypto.is_current(token):
                continue
            new = storage.save(
                f"{Path(old).parent}/{uuid.uuid4().hex}.enc",
                ContentFile(crypto.rotate_bytes(token)),
            )
            written.append((storage, new))
            attachment.file.name = new
            attachment.save(update_fields=["file"])
            transaction.on_commit(lambda s=storage, n=old: s.delete(n))
            changed += 1
    except BaseException:
        for storage, name in written:  # the batch rolls back: its new files go
            storage.delete(name)
        raise
    return changed
