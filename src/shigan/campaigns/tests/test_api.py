"""The campaigns API: the permission matrix, services behind every write, pagination."""

import pytest
from rest_framework.test import APIClient

from shigan.campaigns import services
from shigan.campaigns.models import Aspect, GuidanceVisit, Participation
from shigan.campaigns.tests.conftest import D
from shigan.orgs.choices import Role
from shigan.orgs.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def people(units, make_user, office, member):
    return {
        "office": office,
        "root_editor": make_user(Role.EDITOR, units["region"], username="root_editor"),
        "unit_editor": make_user(Role.EDITOR, units["own"], username="unit_editor"),
        "member": member,
        "outsider": make_user(Role.ADMIN, units["unrelated"], username="outsider"),
    }


# role → (GET campaign, POST batch, POST aspect, GET visits)
MATRIX = {
    "office": (200, 201, 201, 200),
    "root_editor": (200, 403, 403, 200),
    "member": (200, 403, 403, 200),
    "unit_editor": (404, 404, 404, 404),
    "outsider": (404, 404, 404, 404),
}


@pytest.mark.parametrize("role", MATRIX)
def test_api_permission_matrix(api, people, campaign, role):
    get_campaign, post_batch, post_aspect, get_visits = MATRIX[role]
    api.force_authenticate(people[role])
    base = f"/api/campaigns/{campaign.pk}/"
    assert api.get(base).status_code == get_campaign
    response = api.post(base + "batches/", {"name": "第二批", "starts_on": "2023-09-01"})
    assert response.status_code == post_batch
    if post_batch >= 400:
        assert response.json()["code"] in ("permission_denied", "not_found")
    response = api.post(base + "aspects/", {"kind": "problem", "name": "形式主义"})
    assert response.status_code == post_aspect
    assert Aspect.objects.filter(campaign=campaign).exists() == (post_aspect == 201)
    assert api.get(base + "visits/").status_code == get_visits


def test_campaign_list_is_scoped(api, people, campaign):
    for role, expected in [("office", 1), ("member", 1), ("unit_editor", 0), ("outsider", 0)]:
        api.force_authenticate(people[role])
        assert len(api.get("/api/campaigns/").json()["results"]) == expected, role


def test_campaign_create_by_root_admin_only(api, people, units):
    body = {"name": "旗级活动", "root_unit": units["own"].pk, "starts_on": "2023-04-01"}
    api.force_authenticate(people["unit_editor"])
    assert api.post("/api/campaigns/", body).status_code == 403
    api.force_authenticate(people["outsider"])
    assert api.post("/api/campaigns/", body).status_code == 404
    api.force_authenticate(people["office"])
    response = api.post("/api/campaigns/", body)
    assert response.status_code == 201 and response.json()["root_unit"] == units["own"].pk


def test_participations_create_list_delete(api, office, campaign, batch, units, people):
    api.force_authenticate(office)
    url = f"/api/campaigns/{campaign.pk}/participations/"
    response = api.post(
        url,
        {"batch": batch.pk, "units": [units["child"].pk], "enrolled_on": "2023-04-10"},
        format="json",
    )
    assert response.status_code == 201 and len(response.json()) == 1
    response = api.post(
        url,
        {
            "batch": batch.pk,
            "units": [units["child"].pk],
            "enrolled_on": "2023-04-10",
            "include_subtree": True,
        },
        format="json",
    )
    subtree = Unit.objects.subtree_of(units["child"]).count()
    assert len(response.json()) == subtree - 1
    page = api.get(url, {"batch": batch.pk, "page_size": 2}).json()
    assert len(page["results"]) == 2 and page["next"]
    # a unit editor of 阿巴嘎旗 cannot even see the campaign; the member sees but cannot delete
    pk = Participation.objects.get(unit=units["child"]).pk
    api.force_authenticate(people["member"])
    assert api.delete(f"{url}{pk}/").status_code == 403
    api.force_authenticate(people["outsider"])
    assert api.delete(f"{url}{pk}/").status_code == 404
    api.force_authenticate(office)
    assert api.delete(f"{url}{pk}/").status_code == 204
    assert not Participation.objects.filter(pk=pk).exists()


def test_participation_outside_campaign_tree_is_refused(api, office, units):
    small = services.campaign_create(
        actor=office, name="旗级活动", root_unit=units["own"], starts_on=D
    )
    batch = services.batch_create(actor=office, campaign=small, name="第一批", starts_on=D)
    api.force_authenticate(office)
    response = api.post(
        f"/api/campaigns/{small.pk}/participations/",
        {"batch": batch.pk, "units": [units["sibling"].pk], "enrolled_on": "2023-04-10"},
        format="json",
    )
    assert response.status_code == 400 and response.json()["field"] == "units"


def test_aspects_rename_and_reorder(api, office, campaign):
    api.force_authenticate(office)
    base = f"/api/campaigns/{campaign.pk}/aspects/"
    ids = [api.post(base, {"kind": "research", "name": n}).json()["id"] for n in ["甲", "乙", "丙"]]
    response = api.patch(f"{base}{ids[1]}/", {"name": "乙二"})
    assert response.status_code == 200 and response.json()["name"] == "乙二"
    response = api.patch(f"{base}{ids[1]}/", {"name": "甲"})
    assert response.status_code == 400 and response.json()["code"] == "duplicate_name"
    response = api.post(base + "reorder/", {"kind": "research", "order": ids[::-1]}, format="json")
    assert [a["name"] for a in response.json()] == ["丙", "乙二", "甲"]
    response = api.post(base + "reorder/", {"kind": "research", "order": ids[:2]}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "bad_order"
    assert [a["name"] for a in api.get(base, {"kind": "research"}).json()] == ["丙", "乙二", "甲"]


def test_groups_members_and_units(api, office, campaign, group, member, units, make_user):
    make_user(username="lisi")
    api.force_authenticate(office)
    base = f"/api/campaigns/{campaign.pk}/groups/"
    response = api.post(f"{base}{group.pk}/members/", {"username": "lisi"})
    assert response.status_code == 200 and "lisi" in response.json()["members"]
    response = api.post(f"{base}{group.pk}/units/", {"units": [units["sibling"].pk]}, format="json")
    assert set(response.json()["units"]) == {units["own"].pk, units["sibling"].pk}
    assert api.post(f"{base}{group.pk}/members/", {"username": "nobody"}).status_code == 400
    # a member sees their own group and may not add people to it
    api.force_authenticate(member)
    assert [g["id"] for g in api.get(base).json()["results"]] == [group.pk]
    assert api.post(f"{base}{group.pk}/members/", {"username": "lisi"}).status_code == 403


def test_visits_create_by_members_and_list(api, people, campaign, group, units):
    base = f"/api/campaigns/{campaign.pk}/visits/"
    body = {
        "group": group.pk,
        "unit": units["child"].pk,
        "visited_on": "2023-05-06",
        "purpose": "research",
        "notes": "查看调研方案",
    }
    api.force_authenticate(people["office"])
    assert api.post(base, body).status_code == 403
    api.force_authenticate(people["member"])
    assert api.post(base, body).status_code == 201
    assert api.post(base, {**body, "unit": units["sibling"].pk}).status_code == 404
    assert GuidanceVisit.objects.count() == 1
    for role, n in [("member", 1), ("office", 1), ("root_editor", 1)]:
        api.force_authenticate(people[role])
        assert len(api.get(base).json()["results"]) == n, role
    api.force_authenticate(people["member"])
    assert api.get(base, {"purpose": "general"}).json()["results"] == []
    assert api.get(base, {"purpose": "bogus"}).status_code == 400
