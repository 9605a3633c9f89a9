"""Mass assignment on the orgs API's edits: a unit's place in the tree and its division code,
a person's unit outside the caller's scope, are never the client's to set by a PATCH."""

import pytest
from rest_framework.test import APIClient

from shigan.accounts.system import system_actor
from shigan.orgs.choices import PersonRank, Role
from shigan.orgs.models import Unit
from shigan.orgs.services import person_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_api(units, make_user):
    client = APIClient()
    client.force_authenticate(make_user(Role.ADMIN, units["own"]))
    return client


def test_a_unit_s_tree_fields_are_ignored(admin_api, units):
    child = units["child"]
    before = Unit.objects.values("path", "depth", "division_code").get(pk=child.pk)
    response = admin_api.patch(
        f"/api/units/{child.pk}/",
        {
            "name": "改名后的单位",
            "path": units["sibling"].path + "0001",
            "depth": 1,
            "parent": units["sibling"].pk,
            "division_code": "110000000000",
            "id": units["sibling"].pk,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    after = Unit.objects.values("name", "path", "depth", "division_code").get(pk=child.pk)
    assert after.pop("name") == "改名后的单位"
    assert after == before
    assert Unit.objects.get(pk=units["sibling"].pk).name == units["sibling"].name


def test_a_person_cannot_be_moved_out_of_the_scope(admin_api, units):
    person = person_create(
        actor=system_actor("test"), unit=units["own"], name="巴特尔", rank=PersonRank.COUNTY
    )
    response = admin_api.patch(
        f"/api/people/{person.pk}/", {"unit": units["sibling"].pk}, format="json"
    )
    assert response.status_code == 404
    person.refresh_from_db()
    assert person.unit == units["own"]
