import datetime

import pytest
from rest_framework.test import APIClient

from shigan.accounts.system import system_actor
from shigan.orgs.choices import Role
from shigan.problems.services import problem_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(units, make_user):
    for unit, day in ((units["own"], 4), (units["grandchild"], 9), (units["sibling"], 5)):
        problem_create(
            actor=system_actor("test"),
            unit=unit,
            title=f"问题{day}",
            source="research",
            found_on=datetime.date(2023, 5, day),
        )
    client = APIClient()
    client.force_authenticate(make_user(Role.VIEWER, units["own"]))
    return client


def test_value_by_child_by_dim_and_records_agree(api, units):
    own = units["own"].pk
    value = api.get("/api/metrics/problems.found/value/", {"unit": own}).json()["value"]
    assert value == 2
    rows = api.get("/api/metrics/problems.found/by-child/", {"unit": own}).json()
    assert sum(r["value"] for r in rows) == 2 and rows[-1]["unit"] is None
    assert api.get("/api/metrics/problems.found/by/source/", {"unit": own}).json() == {
        "research": 2
    }
    records = api.get("/api/metrics/problems.found/records/", {"unit": own}).json()["results"]
    assert sorted(r["text"] for r in records) == ["问题4", "问题9"]
    early = {"unit": own, "as_of": "2023-05-08"}
    assert api.get("/api/metrics/problems.found/value/", early).json()["value"] == 1


def test_out_of_scope_unit_is_404_and_bad_input_names_the_field(api, units):
    response = api.get("/api/metrics/problems.found/value/", {"unit": units["sibling"].pk})
    assert response.status_code == 404
    response = api.get(
        "/api/metrics/problems.found/value/", {"unit": units["own"].pk, "as_of": "6月7日"}
    )
    assert response.status_code == 400 and response.json()["field"] == "as_of"
    assert api.get("/api/metrics/nope/value/", {"unit": units["own"].pk}).status_code == 404


def test_catalogue_lists_declared_metrics(api):
    keys = {m["key"] for m in api.get("/api/metrics/").json()}
    assert {"problems.found", "problems.closed", "orgs.memberships"} <= keys
