"""Two people editing the same key task or project (core.edits): edits of different fields both
survive; a change over someone else's change of the same field is refused and changes nothing.
Indicators, milestones and livelihood items have no edit page; their services take `seen` too."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from shigan.audit.models import AuditEntry
from shigan.core.edits import EditedElsewhere
from shigan.core.tests.page_forms import opened
from shigan.initiatives.services import indicators, milestones
from shigan.orgs.choices import Role

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def editors(units, make_user, editor):
    return editor, make_user(Role.EDITOR, units["own"])


def test_two_editors_edit_different_fields_of_a_key_task_and_both_survive(editors, task):
    url = reverse("initiatives:key_task_edit", args=[task.pk])
    (a, form_a), (b, form_b) = (opened(user, url, "title") for user in editors)
    assert a.post(url, {**form_a, "title": "草原生态保护修复工程"}).status_code == 302
    assert b.post(url, {**form_b, "goal": "退化草原治理 100 万亩"}).status_code == 302
    task.refresh_from_db()
    assert (task.title, task.goal) == ("草原生态保护修复工程", "退化草原治理 100 万亩")


def test_a_key_task_title_changed_meanwhile_refuses_the_second_change(editors, task):
    url = reverse("initiatives:key_task_edit", args=[task.pk])
    (a, form_a), (b, form_b) = (opened(user, url, "title") for user in editors)
    assert a.post(url, {**form_a, "title": "草原生态保护修复工程"}).status_code == 302
    entries = AuditEntry.objects.count()
    response = b.post(url, {**form_b, "title": "草原修复", "goal": "退化草原治理"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "“任务名称”已被他人修改为“草原生态保护修复工程”，请刷新后重新修改。" in body
    assert 'value="草原修复"' in body
    task.refresh_from_db()
    assert (task.title, task.goal) == ("草原生态保护修复工程", "")
    assert AuditEntry.objects.count() == entries


def test_two_editors_edit_different_fields_of_a_project_and_both_survive(editors, project):
    url = reverse("initiatives:project_detail", args=[project.pk])
    (a, form_a), (b, form_b) = (opened(user, url, "funds_allocated") for user in editors)
    assert a.post(url, {**form_a, "name": "草场网围栏"}).status_code == 302
    assert b.post(url, {**form_b, "started_on": "2023-05-08"}).status_code == 302
    project.refresh_from_db()
    assert (project.name, project.started_on) == ("草场网围栏", D(2023, 5, 8))
    assert project.funds_allocated == Decimal("150000000")


def test_project_funds_changed_meanwhile_refuse_the_second_change(editors, project):
    url = reverse("initiatives:project_detail", args=[project.pk])
    (a, form_a), (b, form_b) = (opened(user, url, "funds_allocated") for user in editors)
    assert a.post(url, {**form_a, "funds_allocated": "160000000"}).status_code == 302
    response = b.post(url, {**form_b, "funds_allocated": "170000000", "name": "围栏"})
    assert response.status_code == 400
    assert "“安排资金（元）”已被他人修改为“160000000.00”" in response.content.decode()
    project.refresh_from_db()
    assert (project.funds_allocated, project.name) == (Decimal("160000000"), "草场围栏")


def test_indicator_and_milestone_services_refuse_a_change_over_anothers(editor, task):
    indicator = indicators.indicator_declare(
        actor=editor, key_task=task, name="治理面积", measure="mu", target="1000000"
    )
    indicators.indicator_update(actor=editor, indicator=indicator, name="治理草原面积")
    with pytest.raises(EditedElsewhere) as refused:
        indicators.indicator_update(
            actor=editor, indicator=indicator, name="修复面积", seen={"name": "治理面积"}
        )
    assert refused.value.fields == ["name"] and "治理草原面积" in refused.value.message
    milestone = task.milestones.first()
    milestones.milestone_update(actor=editor, milestone=milestone, weight=2)
    with pytest.raises(EditedElsewhere):
        milestones.milestone_update(actor=editor, milestone=milestone, weight=3, seen={"weight": 1})
    milestone.refresh_from_db()
    assert milestone.weight == 2
