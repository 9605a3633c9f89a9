"""The permission matrix: role × where the unit stands × action → status, in pages and API."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from shigan.orgs.choices import Role

pytestmark = pytest.mark.django_db

INSIDE = ("own", "child", "grandchild")
OUTSIDE = ("parent", "sibling", "unrelated")
PLACES = INSIDE + OUTSIDE


def expected(role: str, place: str, action: str) -> int:
    if place in OUTSIDE:
        return 404  # never reveal that a unit outside the scope exists
    if action == "view":
        return 200
    return 200 if role == Role.ADMIN else 403


MATRIX = [
    (role, place, action, expected(role, place, action))
    for role in Role.values
    for place in PLACES
    for action in ("view", "change")
]


@pytest.fixture
def member(units, make_user):
    def make(role):
        return make_user(role, units["own"])

    return make


@pytest.mark.parametrize(("role", "place", "action", "status"), MATRIX)
def test_unit_pages(client, units, member, role, place, action, status):
    client.force_login(member(role))
    name = "orgs:unit_detail" if action == "view" else "orgs:unit_edit"
    response = client.get(reverse(name, args=[units[place].pk]))
    assert response.status_code == status
    if status == 200:
        assert units[place].name in response.content.decode()


@pytest.mark.parametrize(("role", "place", "action", "status"), MATRIX)
def test_unit_api(units, member, role, place, action, status):
    api = APIClient()
    api.force_authenticate(member(role))
    url = f"/api/units/{units[place].pk}/"
    if action == "view":
        response = api.get(url)
    else:
        response = api.patch(url, {"short_name": "测试简称"}, format="json")
    assert response.status_code == status
    if status == 200:
        assert response.json()["name"] == units[place].name
    if action == "change" and status == 200:
        units[place].refresh_from_db()
        assert units[place].short_name == "测试简称"
    elif action == "change":
        units[place].refresh_from_db()
        assert units[place].short_name != "测试简称"


@pytest.mark.parametrize("place", PLACES)
def test_anonymous_is_sent_to_login_or_refused(client, units, place):
    response = client.get(reverse("orgs:unit_detail", args=[units[place].pk]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert APIClient().get(f"/api/units/{units[place].pk}/").status_code in (401, 403)


def test_api_list_is_scoped(units, member):
    api = APIClient()
    api.force_authenticate(member(Role.VIEWER))
    ids = set()
    url = "/api/units/?page_size=500"
    while url:
        body = api.get(url).json()
        ids.update(row["id"] for row in body["results"])
        url = body["next"]
    assert units["own"].pk in ids and units["grandchild"].pk in ids
    assert not ids & {units[p].pk for p in OUTSIDE}
