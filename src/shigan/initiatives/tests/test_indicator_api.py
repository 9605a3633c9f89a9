"""The indicator API: declare, report values typed with their unit (a JSON float refused), read
the exact sum as of a date with the address of its reports; 404 outside the scope."""

import datetime

import pytest
from rest_framework.test import APIClient

from shigan.initiatives.models import IndicatorReport
from shigan.initiatives.services import projects
from shigan.orgs.choices import Role

pytestmark = pytest.mark.django_db

D = datetime.date


def client_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def project(task, editor, units):
    return projects.project_create(
        actor=editor, campaign=task.campaign, unit=units["own"], key_task=task,
        name="光伏治沙", kind="energy", approved_on=D(2023, 5, 2),
    )  # fmt: skip


def test_indicators_through_the_api(task, project, editor, units, make_user):
    api = client_for(editor)
    body = {"key_task": task.pk, "name": "新能源并网装机", "measure": "kw", "target": "0.1万千瓦"}
    response = api.post("/api/initiatives/indicators/", body, format="json")
    assert response.status_code == 201, response.json()
    indicator = response.json()
    assert (indicator["target"], indicator["measure_label"]) == ("1000", "千瓦")
    report = {"project": project.pk, "indicator": indicator["id"], "reported_on": "2023-05-10"}
    floats = api.post(
        "/api/initiatives/indicator-reports/", {**report, "value": 5.31}, format="json"
    )
    assert floats.status_code == 400 and floats.json()["field"] == "value"
    wrong = api.post(
        "/api/initiatives/indicator-reports/", {**report, "value": "5万亩"}, format="json"
    )
    assert wrong.status_code == 400 and "不能换算" in str(wrong.json())
    for value in ("0.0231万千瓦", "0.3兆瓦"):
        created = api.post(
            "/api/initiatives/indicator-reports/", {**report, "value": value}, format="json"
        )
        assert created.status_code == 201, created.json()
    assert created.json()["value"] == "300" and created.json()["entered"] == "0.3兆瓦"
    total = api.get(
        f"/api/initiatives/indicators/{indicator['id']}/total/?unit={units['own'].pk}"
    ).json()
    assert (total["value"], total["text"], total["exact"]) == ("531", "531千瓦", "531千瓦")
    api.force_login(editor)  # the records are a page of the site
    page = api.get(total["records"]).content.decode()
    assert page.count("光伏治沙 · 新能源并网装机") == 2
    early = api.get(f"/api/initiatives/indicators/{indicator['id']}/total/?as_of=2023-05-09").json()
    assert early["value"] == "0"
    listed = api.get(f"/api/initiatives/indicator-reports/?indicator={indicator['id']}").json()
    assert sorted(r["text"] for r in listed["results"]) == ["231千瓦", "300千瓦"]
    stranger = client_for(make_user(Role.EDITOR, units["sibling"]))
    assert stranger.get(f"/api/initiatives/indicators/{indicator['id']}/").status_code == 404
    gone = stranger.post(
        "/api/initiatives/indicator-reports/", {**report, "value": "1"}, format="json"
    )
    assert gone.status_code == 404 and IndicatorReport.objects.count() == 2
    url = f"/api/initiatives/indicators/{indicator['id']}/"
    changed = api.patch(url, {"target": "0.2万千瓦", "name": "新能源装机"}, format="json")
    assert changed.status_code == 200 and changed.json()["target"] == "2000"
    locked = api.patch(url, {"measure": "mw"}, format="json")
    assert locked.status_code == 400 and locked.json()["field"] == "measure"
    first = listed["results"][0]["id"]
    assert api.delete(f"/api/initiatives/indicator-reports/{first}/").status_code == 204
    assert IndicatorReport.objects.count() == 1
