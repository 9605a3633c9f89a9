"""What the initiatives services share: the domain error, who may record for a unit or run a
key task, and the checks of text, choices, units, attachments and dates."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.campaigns.models import Campaign
from shigan.core import uploads
from shigan.core.actors import require_actor
from shigan.core.errors import FieldCode
from shigan.initiatives.errors import ErrorCode, InitiativeError
from shigan.initiatives.models import KeyTask
from shigan.orgs.models import Unit
from shigan.orgs.permissions import user_can

__all__ = [
    "InitiativeError",
    "can_run_key_task",
]


def forbidden(message=None) -> InitiativeError:
    return InitiativeError(message or _("您没有在该单位登记的权限。"), code=ErrorCode.FORBIDDEN)


def require(actor, action: str, unit: Unit) -> None:
    if not user_can(actor, action, unit):
        raise forbidden()


def can_run_key_task(actor, key_task: KeyTask) -> bool:
    """Who keeps a key task's timetable: those who record for its unit or its lead unit."""
    require_actor(actor)
    owner = key_task.owner_unit if key_task.owner_unit_id else None
    units = [key_task.unit] + ([owner] if owner is not None else [])
    return any(user_can(actor, "record", unit) for unit in units)


def require_run(actor, key_task: KeyTask) -> None:
    if not can_run_key_task(actor, key_task):
        raise forbidden(_("您不是该重点任务所属单位或牵头单位的填报人员。"))


def required_text(value, *, field: str, message: str, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise InitiativeError(message, code=FieldCode.required(field), field=field)
    if max_length and len(value) > max_length:
        raise InitiativeError(
            _("不能超过 %(n)d 个字。") % {"n": max_length},
            code=FieldCode.too_long(field),
            field=field,
        )
    return value


def valid_choice(value, choices, *, field: str, message: str) -> str:
    if value not in choices.values:
        raise InitiativeError(message, code=ErrorCode(f"invalid_{field}"), field=field)
    return value


def in_campaign(unit: Unit | None, campaign: Campaign, field: str = "unit") -> None:
    if unit is None or not unit.path.startswith(campaign.root_unit.path):
        raise InitiativeError(
            _("该单位不在这次主题教育的范围内。"), code=ErrorCode.UNIT_OUTSIDE_CAMPAIGN, field=field
        )


def check_attachment(upload, field: str) -> None:
    """By its content, as every upload is (core.uploads)."""
    if upload:
        uploads.check(upload, field=field)


def not_future(day: datetime.date, field: str) -> None:
    if day > timezone.localdate():
        raise InitiativeError(_("日期不能晚于今天。"), code=ErrorCode.FUTURE_DATE, field=field)
