"""The API: scoping (404 outside), funds in and out as exact decimal strings, the writes."""

import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from shigan.initiatives.models import Project
from shigan.initiatives.services import livelihood
from shigan.orgs.choices import Role

pytestmark = pytest.mark.django_db

D = datetime.date


def client_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_projects_with_funds_through_the_api(task, editor, units, campaign, make_user):
    api = client_for(editor)
    body = {
        "unit": units["own"].pk,
        "campaign": campaign.pk,
        "key_task": task.pk,
        "name": "边境抵边村建设",
        "kind": "ecology",
        "funds_allocated": "193.7亿元",
        "approved_on": "2023-05-02",
    }
    response = api.post("/api/initiatives/projects/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["funds_allocated"] == "19370000000.00"
    floats = api.post(
        "/api/initiatives/projects/",
        {**body, "name": "浮点", "funds_allocated": 19370000000.0},
        format="json",
    )
    assert floats.status_code == 400 and floats.json()["field"] == "funds_allocated"
    negative = api.post(
        "/api/initiatives/projects/",
        {**body, "name": "负数", "funds_allocated": "-1"},
        format="json",
    )
    assert negative.status_code == 400 and "负" in negative.json()["detail"]
    pk = response.json()["id"]
    changed = api.patch(
        f"/api/initiatives/projects/{pk}/", {"funds_allocated": "1937000万元"}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["funds_allocated"] == "19370000000.00"
    changed = api.patch(f"/api/initiatives/projects/{pk}/", {"funds_allocated": 5}, format="json")
    assert changed.json()["funds_allocated"] == "5.00"
    value = api.get(
        "/api/metrics/initiatives.project_funds/value/", {"unit": units["own"].pk}
    ).json()["value"]
    assert value == "5.00"
    outsider = client_for(make_user(Role.EDITOR, units["sibling"]))
    assert outsider.get(f"/api/initiatives/projects/{pk}/").status_code == 404
    assert (
        outsider.patch(f"/api/initiatives/projects/{pk}/", {"funds_allocated": "1"}).status_code
        == 404
    )
    viewer = client_for(make_user(Role.VIEWER, units["own"]))
    assert (
        viewer.patch(f"/api/initiatives/projects/{pk}/", {"funds_allocated": "1"}).status_code
        == 403
    )
    assert Project.objects.get().funds_allocated == Decimal("5.00")
    assert api.delete(f"/api/initiatives/projects/{pk}/").status_code == 204


def test_key_tasks_milestones_and_progress(task, editor, units, campaign, make_user):
    api = client_for(editor)
    listed = api.get("/api/initiatives/key-tasks/", {"area": "ecology"}).json()["results"]
    assert [t["title"] for t in listed] == ["草原生态保护修复"]
    assert listed[0]["progress"]["percent"] == 0 and listed[0]["progress"]["milestones"] == 2
    milestone = task.milestones.get(title="摸清底数")
    done = api.post(
        f"/api/initiatives/milestones/{milestone.pk}/complete/",
        {"done_on": "2023-05-15", "note": "完成"},
        format="json",
    )
    assert done.status_code == 200 and done.json()["late"] is True
    detail = api.get(f"/api/initiatives/key-tasks/{task.pk}/").json()
    assert detail["progress"]["percent"] == 50 and detail["progress"]["done_late"] == 1
    assert detail["roadmap"] == ["摸清底数", "制定方案", "组织实施"]
    bad = api.post(
        f"/api/initiatives/key-tasks/{task.pk}/milestones/",
        {"title": "国庆节", "due_on": "2023-10-03"},
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "due_on_rest_day"
    created = api.post(
        "/api/initiatives/key-tasks/",
        {
            "unit": units["own"].pk,
            "campaign": campaign.pk,
            "area": "energy",
            "title": "风电",
            "roadmap": ["选址", "建设"],
        },
        format="json",
    )
    assert created.status_code == 201 and created.json()["progress"]["percent"] is None
    outsider = client_for(make_user(Role.EDITOR, units["sibling"]))
    assert outsider.get(f"/api/initiatives/key-tasks/{task.pk}/").status_code == 404
    assert outsider.get("/api/initiatives/key-tasks/").json()["results"] == []


def test_the_livelihood_list_over_the_api(office, editor, campaign, units):
    api = client_for(office)
    area = api.post(
        "/api/initiatives/livelihood-areas/",
        {"campaign": campaign.pk, "name": "就业"},
        format="json",
    )
    assert area.status_code == 201
    for title in ("高校毕业生就业", "牧民转移就业"):
        response = api.post(
            "/api/initiatives/livelihood-items/",
            {
                "campaign": campaign.pk,
                "area": area.json()["id"],
                "title": title,
                "unit": units["own"].pk,
            },
            format="json",
        )
        assert response.status_code == 201
    listed = api.get("/api/initiatives/livelihood-items/").json()["results"]
    assert [(i["number"], i["title"]) for i in listed] == [
        (1, "高校毕业生就业"),
        (2, "牧民转移就业"),
    ]
    moved = api.post(f"/api/initiatives/livelihood-items/{listed[1]['id']}/move/", {"number": 1})
    assert moved.json()["number"] == 1
    report = client_for(editor).post(
        f"/api/initiatives/livelihood-items/{listed[0]['id']}/reports/",
        {"text": "进展顺利", "percent": 60},
        format="json",
    )
    assert report.status_code == 201
    denied = client_for(editor).post(
        "/api/initiatives/livelihood-areas/",
        {"campaign": campaign.pk, "name": "教育"},
        format="json",
    )
    assert denied.status_code in (403, 404)
    livelihood.livelihood_area_create(actor=office, campaign=campaign, name="医疗")
    names = [a["name"] for a in api.get("/api/initiatives/livelihood-areas/").json()["results"]]
    assert names == ["就业", "医疗"]
