"""The daily deadline watch: lights as of a day, notifications when one turns yellow or red."""

import datetime

import pytest

from shigan.audit.models import AuditEntry
from shigan.notifications.models import Notification
from shigan.notifications.watch import watch_run, watchers
from shigan.petitions import services
from shigan.petitions.models import Petition
from shigan.petitions.watch import petitions_watch

pytestmark = pytest.mark.django_db

d = datetime.date


def light(petition) -> str:
    return Petition.objects.get(pk=petition.pk).light


def test_the_watch_is_registered():
    assert watchers()["petitions"] is petitions_watch


def test_lights_follow_the_route_deadline_and_agents_are_told(petition, people):
    # Received Mon Apr 3: to be routed by Tue Apr 18.
    assert Petition.objects.get(pk=petition.pk).due_on == d(2023, 4, 18)
    assert petitions_watch(d(2023, 4, 5)) == 0
    assert light(petition) == "green"
    # Apr 12: four working days left, nothing done yet → yellow.
    assert petitions_watch(d(2023, 4, 12)) == 1
    assert light(petition) == "yellow"
    assert petitions_watch(d(2023, 4, 13)) == 0  # unchanged: told once
    assert watch_run(d(2023, 4, 19), only="petitions").marked == {"petitions": 1}
    assert light(petition) == "red"
    told = Notification.objects.filter(user=people["gacha_agent"]).order_by("pk")
    assert [n.kind for n in told] == ["petitions.deadline", "petitions.deadline"]
    assert petition.number in told.last().text and told.last().link == petition.get_absolute_url()
    assert AuditEntry.objects.filter(action="petitions.petition.light_changed").count() == 3


def test_the_next_duty_after_acceptance_and_no_light_once_replied(replied, people):
    assert light(replied) == ""
    assert Petition.objects.get(pk=replied.pk).due_on is None
    assert petitions_watch(d(2023, 7, 1)) == 0


def test_the_answering_agents_are_told_too(accepted, people):
    # Accepted Thu Apr 6: handled by Mon Jun 5 (Jun 5 is day 60).
    assert Petition.objects.get(pk=accepted.pk).due_on == d(2023, 6, 5)
    petitions_watch(d(2023, 4, 7))  # the day after: green
    petitions_watch(d(2023, 6, 6))
    assert light(accepted) == "red"
    assert Notification.objects.filter(user=people["sumu_agent"]).count() == 1
    assert Notification.objects.filter(user=people["gacha_agent"]).count() == 1
    services.petition_reply(
        actor=people["sumu_agent"],
        petition=accepted,
        text="答复",
        replied_on=d(2023, 6, 7),
        told_by="sms",
    )
    accepted.refresh_from_db()
    assert accepted.light == "" and accepted.replied_on_time is False
