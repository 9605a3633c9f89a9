"""Two people editing the same study activity (core.edits): edits of different fields both
survive; a change over someone else's change of the same field is refused and changes nothing."""

import pytest
from django.urls import reverse

from shigan.audit.models import AuditEntry
from shigan.core.tests.page_forms import opened
from shigan.orgs.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def editors(units, make_user, editor):
    return editor, make_user(Role.EDITOR, units["own"])


def test_two_editors_edit_different_fields_and_both_survive(editors, make_activity, people):
    activity = make_activity(title="读书班", participants=30, leaders=[people["banner_head"]])
    url = reverse("study:activity_edit", args=[activity.pk])
    (a, form_a), (b, form_b) = (opened(user, url, "title") for user in editors)
    leaders = [str(people["banner_head"].pk), str(people["deputy"].pk)]
    assert a.post(url, {**form_a, "title": "第一期读书班"}).status_code == 302
    assert b.post(url, {**form_b, "participants": "45", "leaders": leaders}).status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.participants) == ("第一期读书班", 45)
    assert {p.name for p in activity.leaders.all()} == {"巴特尔", "王建国"}


def test_a_title_changed_meanwhile_refuses_the_second_change_of_it(editors, make_activity):
    activity = make_activity(title="读书班", participants=30)
    url = reverse("study:activity_edit", args=[activity.pk])
    (a, form_a), (b, form_b) = (opened(user, url, "title") for user in editors)
    assert a.post(url, {**form_a, "title": "第一期读书班"}).status_code == 302
    entries = AuditEntry.objects.count()
    response = b.post(url, {**form_b, "title": "第二期读书班", "participants": "45"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "“主题”已被他人修改为“第一期读书班”，请刷新后重新修改。" in body
    assert 'value="第二期读书班"' in body
    activity.refresh_from_db()
    assert (activity.title, activity.participants) == ("第一期读书班", 30)
    assert AuditEntry.objects.count() == entries


def test_leaders_changed_meanwhile_refuse_the_second_change_of_them(editors, make_activity, people):
    activity = make_activity(title="读书班", leaders=[people["banner_head"]])
    url = reverse("study:activity_edit", args=[activity.pk])
    (a, form_a), (b, form_b) = (opened(user, url, "title") for user in editors)
    both = [str(people["banner_head"].pk), str(people["deputy"].pk)]
    assert a.post(url, {**form_a, "leaders": both}).status_code == 302
    response = b.post(url, {**form_b, "leaders": []})
    assert response.status_code == 400
    assert "“参加领导”已被他人修改为“" in response.content.decode()
    assert activity.leaders.count() == 2
