"""The permission matrix of the study pages and API: role × place × action → status."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from shigan.orgs.choices import Role
from shigan.study.models import StudyActivity
from shigan.study.tests.conftest import D

pytestmark = pytest.mark.django_db

INSIDE = ("own", "child")
OUTSIDE = ("parent", "sibling", "unrelated")
PLACES = INSIDE + OUTSIDE


def expected(role: str, place: str, action: str) -> int:
    if place in OUTSIDE:
        return 404  # a unit or record outside the scope is never revealed
    if action == "view":
        return 200
    return 200 if role in (Role.ADMIN, Role.EDITOR, Role.LEADER) else 403


MATRIX = [
    (role, place, action, expected(role, place, action))
    for role in Role.values
    for place in PLACES
    for action in ("view", "record")
]


@pytest.fixture
def member(units, make_user):
    def make(role):
        return make_user(role, units["own"])

    return make


@pytest.fixture
def activities(units, make_activity):
    return {place: make_activity(unit=units[place], title=f"{place}读书班") for place in PLACES}


@pytest.mark.parametrize(("role", "place", "action", "status"), MATRIX)
def test_list_and_create_pages(client, units, member, campaign, role, place, action, status):
    client.force_login(member(role))
    name = "study:unit_list" if action == "view" else "study:activity_create"
    response = client.get(reverse(name, args=[units[place].pk]), {"campaign": campaign.pk})
    assert response.status_code == status
    if status == 200:
        assert units[place].name in response.content.decode()


@pytest.mark.parametrize(("role", "place", "action", "status"), MATRIX)
def test_activity_pages(client, member, activities, role, place, action, status):
    client.force_login(member(role))
    activity = activities[place]
    name = "study:activity_detail" if action == "view" else "study:activity_edit"
    response = client.get(reverse(name, args=[activity.pk]))
    assert response.status_code == status
    if status == 200:
        assert activity.title in response.content.decode()


@pytest.mark.parametrize(("role", "place", "action", "status"), MATRIX)
def test_api_retrieve_and_create(units, member, activities, campaign, role, place, action, status):
    api = APIClient()
    api.force_authenticate(member(role))
    if action == "view":
        response = api.get(f"/api/study/activities/{activities[place].pk}/")
        assert response.status_code == status
        if status == 200:
            assert response.json()["title"] == activities[place].title
        return
    before = StudyActivity.objects.count()
    response = api.post(
        "/api/study/activities/",
        {
            "unit": units[place].pk,
            "campaign": campaign.pk,
            "kind": "lecture",
            "title": "专题讲座",
            "held_on": D.isoformat(),
            "participants": 20,
        },
        format="json",
    )
    assert response.status_code == (201 if status == 200 else status)
    assert StudyActivity.objects.count() == before + (1 if status == 200 else 0)
    if status != 200:
        assert response.json()["code"] in ("not_found", "permission_denied")


def test_sunid_left_editor_gets_404_on_abag(client, units, make_user, activities, people):
    """The issue's case: 苏尼特左旗's editor never sees 阿巴嘎旗's records, page or API."""
    editor = make_user(Role.EDITOR, units["sibling"])
    abag = activities["own"]
    client.force_login(editor)
    for url in (
        reverse("study:activity_detail", args=[abag.pk]),
        reverse("study:activity_edit", args=[abag.pk]),
        reverse("study:attachment", args=[abag.pk]),
        reverse("study:unit_list", args=[units["own"].pk]),
        reverse("study:leaders", args=[units["own"].pk]),
        reverse("study:export", args=[units["own"].pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("study:activity_delete", args=[abag.pk])).status_code == 404
    api = APIClient()
    api.force_authenticate(editor)
    assert api.get(f"/api/study/activities/{abag.pk}/").status_code == 404
    assert api.get("/api/study/activities/", {"unit": units["own"].pk}).status_code == 404
    assert api.get("/api/study/persons/", {"unit": units["own"].pk}).status_code == 404
    listed = api.get("/api/study/activities/").json()["results"]
    assert {a["title"] for a in listed} == {"sibling读书班"}
    assert StudyActivity.objects.filter(pk=abag.pk).exists()


def test_anonymous(client, units, activities):
    response = client.get(reverse("study:unit_list", args=[units["own"].pk]))
    assert response.status_code == 302
    assert APIClient().get("/api/study/activities/").status_code == 401
