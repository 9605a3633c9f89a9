"""Writes on the service points of livelihood items (服务网点)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.audit.services import audit_record
from shigan.audit.snapshots import snapshot
from shigan.core.changes import create_tracked
from shigan.initiatives.errors import ErrorCode
from shigan.initiatives.models import LivelihoodItem, ServicePoint
from shigan.initiatives.services.common import (
    InitiativeError,
    in_campaign,
    not_future,
    require,
    required_text,
)
from shigan.initiatives.services.livelihood import lock_item
from shigan.orgs.models import Unit

__all__ = [
    "service_point_open",
]


@transaction.atomic
def service_point_open(
    *,
    actor,
    item: LivelihoodItem,
    name: str,
    unit: Unit,
    partner: str = "",
    opened_on: datetime.date | None = None,
    services: str = "",
) -> ServicePoint:
    """A service point of a livelihood item opened in `unit` (with a partner such as a bank
    branch): counted from `opened_on` in the unit's subtree."""
    item = lock_item(item)
    require(actor, "record", unit)
    in_campaign(unit, item.campaign)
    name = required_text(name, field="name", message=_("网点名称不能为空。"), max_length=200)
    if ServicePoint.objects.filter(item=item, name=name).exists():
        raise InitiativeError(
            _("该民生项目已有名为“%(name)s”的服务网点。") % {"name": name},
            code=ErrorCode.DUPLICATE_NAME,
            field="name",
        )
    partner = (partner or "").strip()
    if len(partner) > 200:
        raise InitiativeError(
            _("不能超过 %(n)d 个字。") % {"n": 200},
            code=ErrorCode.PARTNER_TOO_LONG,
            field="partner",
        )
    day = opened_on or timezone.localdate()
    not_future(day, "opened_on")
    point = create_tracked(
        ServicePoint,
        item=item,
        name=name,
        unit=unit,
        partner=partner,
        opened_on=day,
        services=(services or "").strip(),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="initiatives.service_point.opened",
        target=point,
        after=snapshot(point, ("item", "name", "unit", "partner", "opened_on", "services")),
    )
    return point
