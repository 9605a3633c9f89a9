"""Two office members editing the same briefing template (core.edits): edits of different
fields both survive; a change over someone else's change of the same field is refused."""

import pytest
from django.urls import reverse

from shigan.briefings.services import briefing_template_save
from shigan.core.tests.page_forms import opened
from shigan.orgs.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(world, office):
    return briefing_template_save(
        actor=office, campaign=world["campaign"], name="周报", text="共{{ batch_units }}个"
    )


@pytest.fixture
def editors(office, units, make_user):
    return office, make_user(Role.ADMIN, units["region"])


def test_two_office_members_edit_different_fields_and_both_survive(template, editors):
    url = reverse("briefings:template_edit", args=[template.pk])
    (a, form_a), (b, form_b) = (opened(user, url, "text") for user in editors)
    assert a.post(url, {**form_a, "name": "每周简报"}).status_code == 302
    assert b.post(url, {**form_b, "text": "参学单位{{ batch_units }}个"}).status_code == 302
    template.refresh_from_db()
    assert (template.name, template.text) == ("每周简报", "参学单位{{ batch_units }}个")


def test_a_text_changed_meanwhile_refuses_the_second_change_of_it(template, editors):
    url = reverse("briefings:template_edit", args=[template.pk])
    (a, form_a), (b, form_b) = (opened(user, url, "text") for user in editors)
    assert a.post(url, {**form_a, "text": "甲{{ batch_units }}"}).status_code == 302
    response = b.post(url, {**form_b, "text": "乙{{ batch_units }}", "name": "月报"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "“模板内容”已被他人修改为“甲{{ batch_units }}”，请刷新后重新修改。" in body
    template.refresh_from_db()
    assert (template.name, template.text) == ("周报", "甲{{ batch_units }}")
