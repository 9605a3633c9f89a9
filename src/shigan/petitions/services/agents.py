"""Petition agents (代办员): appointed to and retired from a village, township or county unit."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from shigan.audit.services import audit_record
from shigan.orgs.models import Unit
from shigan.orgs.permissions import user_can
from shigan.petitions.choices import AgentLevel
from shigan.petitions.errors import ErrorCode
from shigan.petitions.models import Agent
from shigan.petitions.services.base import PetitionError, _require, _today

__all__ = ["agent_appoint", "agent_retire"]


@transaction.atomic
def agent_appoint(*, actor, user, unit: Unit, appointed_on: datetime.date | None = None) -> Agent:
    """Appoint `user` a petition agent of a village, township or county unit."""
    _require(actor, "manage", unit)
    if unit.kind not in AgentLevel.values:
        raise PetitionError(
            _("代办员只能设在嘎查（村）、苏木（乡镇）和旗县三级。"),
            code=ErrorCode.BAD_LEVEL,
            field="unit",
        )
    if not user_can(user, "record", unit):
        raise PetitionError(
            _("请先授予该用户在本单位的填报员或领导角色。"),
            code=ErrorCode.AGENT_NEEDS_ROLE,
            field="user",
        )
    agent = Agent.objects.select_for_update().filter(user=user, unit=unit).first()
    if agent is not None and agent.active:
        raise PetitionError(
            _("该用户已是本单位的代办员。"), code=ErrorCode.ALREADY_AGENT, field="user"
        )
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
        raise PetitionError(_("该代办员已离岗。"), code=ErrorCode.NOT_ACTIVE)
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
