"""The daily deadline watch over petitions (the rectification issue's watch covers them too):
recompute each open petition's light; when one turns yellow or red, tell the agent who took it
in and the agents of the body that must answer it."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from shigan.accounts.system import system_actor
from shigan.audit.services import audit_record
from shigan.core.deadlines import Light
from shigan.notifications.services import notification_send
from shigan.notifications.watch import register_watcher
from shigan.petitions.choices import OPEN_STATES
from shigan.petitions.models import Agent, Petition
from shigan.petitions.services import petition_refresh_light

__all__ = ["petitions_watch", "register", "WATCHER_NAME"]

WATCHER_NAME = "petitions"


def _recipients(petition: Petition) -> list:
    agents = Agent.objects.filter(unit=petition.handling_unit_id, active=True).select_related(
        "user"
    )
    users = {a.user for a in agents}
    if petition.intake_agent is not None:
        users.add(petition.intake_agent.user)
    return sorted((u for u in users if u.is_active), key=lambda u: u.pk)


def _notify(petition: Petition) -> None:
    due_on = petition.due_on
    assert due_on is not None  # a yellow or red light is about a due day
    if petition.light == Light.RED:
        text = _("信访件%(p)s已超过办理期限（%(day)s）。")
    else:
        text = _("信访件%(p)s的办理期限（%(day)s）临近，请抓紧办理。")
    notification_send(
        recipients=_recipients(petition),
        kind="petitions.deadline",
        text=text % {"p": str(petition), "day": due_on.isoformat()},
        link=reverse("petitions:detail", args=[petition.pk]),
    )


def petitions_watch(today: datetime.date) -> int:
    """Mark the open petitions' lights as of `today`; returns how many turned yellow or red."""

    marked = 0
    actor = system_actor("信访时限巡检")
    petitions = (
        Petition.objects.filter(state__in=OPEN_STATES)
        .select_related("intake_agent__user", "handling_unit", "extension")
        .prefetch_related("reviews")
        .order_by("pk")
    )
    for petition in petitions.iterator(chunk_size=500):
        before = petition.light
        with transaction.atomic():
            if not petition_refresh_light(petition, today=today):
                continue
            audit_record(
                actor=actor,
                action="petitions.petition.light_changed",
                target=petition,
                before={"light": before},
                after={"light": petition.light, "due_on": petition.due_on, "day": today},
            )
            if petition.light in (Light.YELLOW, Light.RED):
                marked += 1
                _notify(petition)
    return marked


def register() -> None:
    """Join the daily watch (Celery beat, `shigan watch`, the "watch" job)."""
    register_watcher(WATCHER_NAME, petitions_watch)
