"""The petitions API: intake, the handling steps, scope (404) and rights (403), masking."""

import pytest

from shigan.petitions.models import Petition
from shigan.petitions.tests.conftest import PERSON

pytestmark = pytest.mark.django_db

API = "/api/petitions/petitions/"


def post(client, user, url, data):
    client.force_login(user)
    return client.post(url, data, content_type="application/json")


def test_the_whole_way_through_the_api(client, agents, people, places):
    response = post(
        client,
        people["gacha_agent"],
        API,
        {
            "agent": agents["gacha"].pk,
            "received_on": "2023-04-03",
            "channel": "visit",
            "title": "草场边界纠纷",
            "request": "要求解决草场边界纠纷",
            "category": "land",
            "petitioners": [PERSON],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["petitioners"][0]["name"] == "张三" and body["first_time"] is True
    pk = body["id"]
    response = post(
        client,
        people["gacha_agent"],
        f"{API}{pk}/route/",
        {"to_unit": places["sumu"].pk, "day": "2023-04-04"},
    )
    assert response.json()["handling_unit"] == places["sumu"].pk
    assert (
        post(
            client, people["viewer"], f"{API}{pk}/accept/", {"accepted_on": "2023-04-05"}
        ).status_code
        == 403
    )
    assert (
        post(
            client, people["sumu_agent"], f"{API}{pk}/accept/", {"accepted_on": "2023-04-05"}
        ).status_code
        == 200
    )
    response = post(
        client,
        people["sumu_agent"],
        f"{API}{pk}/reply/",
        {"text": "已确认边界", "replied_on": "2023-04-20", "told_by": "writing"},
    )
    assert (
        response.json()["resolved_locally"] is True and response.json()["replied_on_time"] is True
    )
    response = post(
        client,
        people["gacha_agent"],
        f"{API}{pk}/rate/",
        {"satisfaction": "basically", "rated_on": "2023-04-22"},
    )
    assert response.json()["satisfaction"] == "basically"
    response = post(
        client, people["gacha_agent"], f"{API}{pk}/review/", {"requested_on": "2023-05-05"}
    )
    assert response.status_code == 201 and response.json()["level"] == "review"


def test_errors_are_coded_and_name_the_field(client, agents, people):
    response = post(
        client,
        people["gacha_agent"],
        API,
        {
            "agent": agents["gacha"].pk,
            "received_on": "2023-04-03",
            "channel": "visit",
            "title": "x",
            "request": "y",
            "category": "land",
            "petitioners": [{**PERSON, "id_number": "152527198001011230"}],
        },
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_id_number" and response.json()["field"] == "id_number"
    response = post(client, people["sumu_agent"], API, {"agent": agents["gacha"].pk})
    assert response.status_code == 400
    assert not Petition.objects.exists()


def test_scope_and_rights(client, routed, people):
    client.force_login(people["other_sumu_editor"])
    assert client.get(f"{API}{routed.pk}/").status_code == 404
    assert (
        post(
            client,
            people["other_sumu_editor"],
            f"{API}{routed.pk}/accept/",
            {"accepted_on": "2023-04-05"},
        ).status_code
        == 404
    )
    client.force_login(people["banner_leader"])
    listed = client.get(API).json()["results"]
    assert [p["id"] for p in listed] == [routed.pk]
    assert listed[0]["petitioners"][0]["masked"] is True
    client.force_login(people["viewer"])
    assert client.get("/api/petitions/agents/").json()["results"]


def test_list_filters(client, routed, people, places):
    client.force_login(people["banner_leader"])
    assert len(client.get(f"{API}?state=routed").json()["results"]) == 1
    assert client.get(f"{API}?state=replied").json()["results"] == []
    assert len(client.get(f"{API}?under={places['sumu'].pk}").json()["results"]) == 1
    assert client.get(f"{API}?under={places['other_sumu'].pk}").json()["results"] == []
