"""Taking a petition in (登记): the petitioners checked and encrypted, a likely duplicate flagged
(Art. 19), the case numbered XF… (or GH… for a union case)."""

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from shigan.audit.services import audit_record
from shigan.core import uploads
from shigan.core.actors import is_system_actor, require_actor
from shigan.metrics.engine import metric_changes
from shigan.orgs.phones import phone_count
from shigan.petitions import crypto
from shigan.petitions.choices import CaseKind, Channel, PetitionState, categories_for
from shigan.petitions.errors import ErrorCode
from shigan.petitions.models import Agent, Petition, Petitioner, PetitionTransition
from shigan.petitions.selectors import likely_duplicates
from shigan.petitions.services.base import (
    PetitionError,
    _date,
    _require,
    _snapshot,
    _text,
    petition_refresh_light,
)
from shigan.petitions.services.materials import _attach

__all__ = ["PetitionerData", "petition_intake"]

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
PHONE = re.compile(r"^\+?[0-9]{5,20}$")


@dataclass(frozen=True)
class PetitionerData:
    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""


def _clean_id_number(value: str) -> str:
    number = crypto.normalize(value)
    if not number:
        return ""
    if re.fullmatch(r"[0-9]{15}", number):
        return number
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        raise PetitionError(
            _("身份证号应为18位（最后一位可以是X）。"),
            code=ErrorCode.BAD_ID_NUMBER,
            field="id_number",
        )
    total = sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True))
    if ID_CHECK[total % 11] != number[17]:
        raise PetitionError(
            _("身份证号校验位不对，请核对。"), code=ErrorCode.BAD_ID_NUMBER, field="id_number"
        )
    return number


def _clean_phone(value: str) -> str:
    # A petitioner has one number on file: two are refused as such, not called "not digits".
    # The message does not repeat the numbers: an import's error report is kept on disk, and
    # its personal cells are masked there (petitions.imports.mask_errors).
    if (count := phone_count(value)) > 1:
        raise PetitionError(
            _("联系电话中有 %(n)d 个号码，只能填一个号码，请只保留一个。") % {"n": count},
            code=ErrorCode.BAD_PHONE,
            field="phone",
        )
    phone = crypto.normalize(value).replace("-", "")
    if phone and not PHONE.match(phone):
        raise PetitionError(_("联系电话只能是数字。"), code=ErrorCode.BAD_PHONE, field="phone")
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
        raise PetitionError(_("请填写信访人姓名。"), code=ErrorCode.NAME_REQUIRED, field="name")
    return cleaned


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
            code=ErrorCode.FINAL_AFTER_REREVIEW,
            field="confirm_duplicate",
        )
    raise PetitionError(
        _(
            "可能与已登记的信访件重复：%(list)s。上级不受理下级正在办理的信访事项（第十九条）；"
            "如确属不同事项，请勾选确认后再登记。"
        )
        % {"list": listed},
        code=ErrorCode.LIKELY_DUPLICATE,
        field="confirm_duplicate",
    )


def _intake_agent(actor, agent: Agent) -> Agent:
    """The agent, fresh: in post, the actor themself, with the right to record at their unit."""
    agent = Agent.objects.select_related("unit").get(pk=agent.pk)
    require_actor(actor)
    if not agent.active or (not is_system_actor(actor) and agent.user_id != actor.pk):
        raise PetitionError(_("只有本单位在岗的代办员可以登记信访件。"), code=ErrorCode.NOT_AGENT)
    _require(actor, "record", agent.unit)
    return agent


def _check_case(channel: str, kind: str, category: str) -> None:
    if channel not in Channel.values:
        raise PetitionError(_("信访形式无效。"), code=ErrorCode.BAD_CHANNEL, field="channel")
    if kind not in CaseKind.values:
        raise PetitionError(_("案件类型无效。"), code=ErrorCode.BAD_KIND, field="kind")
    if category not in dict(categories_for(kind)):
        raise PetitionError(
            _("类别无效：%(kind)s可选%(list)s。")
            % {
                "kind": CaseKind(kind).label,
                "list": "、".join(str(label) for _v, label in categories_for(kind)),
            },
            code=ErrorCode.BAD_CATEGORY,
            field="category",
        )


def _create_numbered(*, actor, agent: Agent, **fields) -> Petition:
    """The petition row, numbered from its id and day, with its first transition (received)."""
    received_on, kind = fields["received_on"], fields["kind"]
    with metric_changes(Petition) as changes:
        petition = Petition.objects.create(
            unit=agent.unit,
            intake_agent=agent,
            handling_unit=agent.unit,
            handed_on=received_on,
            created_by=actor,
            **fields,
        )
        prefix = "GH" if kind == CaseKind.UNION else "XF"
        petition.number = f"{prefix}{received_on:%Y%m%d}{petition.pk:06d}"
        petition.save(update_fields=["number"])
        PetitionTransition.objects.create(
            petition=petition, to_state=PetitionState.RECEIVED, day=received_on, actor=actor
        )
        changes.created([petition.pk])
    return petition


def _store_petitioners(petition: Petition, people: list[PetitionerData], hashes: list[str]):
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
    agent = _intake_agent(actor, agent)
    title = _text(title, field="title", message=_("请填写事由。"), max_length=100)
    request = _text(request, field="request", message=_("请填写诉求。"))
    _check_case(channel, kind, category)
    received_on = _date(received_on, field="received_on")
    people = _clean_petitioners(petitioners)
    hashes = [crypto.person_hash(p.name, p.id_number, p.phone) for p in people]
    _check_duplicates(hashes, request, confirm_duplicate)
    petition = _create_numbered(
        actor=actor,
        agent=agent,
        received_on=received_on,
        channel=channel,
        title=title,
        request=request,
        kind=kind,
        category=category,
        first_time=bool(first_time),
    )
    _store_petitioners(petition, people, hashes)
    for checked in uploads.check_all(attachments):
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
