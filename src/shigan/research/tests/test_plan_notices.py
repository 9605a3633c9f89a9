"""Issue 14: the guidance-group members who review a unit's research plans are told when one
is submitted to them (and nobody else is)."""

import datetime

import pytest
from django.urls import reverse

from shigan.notifications.models import Notification
from shigan.research import services

pytestmark = pytest.mark.django_db

D = datetime.date(2023, 4, 10)


def test_a_submitted_plan_notifies_its_reviewers_only(topic, editor, guide, outsider_guide):
    services.topic_plan_submit(actor=editor, topic=topic, text="方案", day=D)
    [notice] = Notification.objects.filter(user=guide, kind="research.plan")
    assert f"“{topic.title}”" in notice.text and topic.unit.name in notice.text
    assert notice.link == reverse("research:inbox")
    for user in (editor, outsider_guide):
        assert not Notification.objects.filter(user=user).exists()
