"""The research API: scoped lists and 404s, the workflow, coded errors, cursor pagination."""

import datetime

import pytest
from rest_framework.test import APIClient

from shigan.orgs.choices import Role
from shigan.research import services

pytestmark = pytest.mark.django_db

D = datetime.date(2023, 4, 10)


@pytest.fixture
def api():
    return APIClient()


def as_user(api, user):
    api.force_authenticate(user)
    return api


def test_workflow_over_the_api(api, editor, guide, units, campaign, aspect, lead):
    as_user(api, editor)
    response = api.post(
        "/api/research/topics/",
        {
            "unit": units["own"].pk,
            "campaign": campaign.pk,
            "aspect": aspect.pk,
            "title": "接口课题",
            "lead": lead.pk,
            "participants": [lead.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    topic_id = response.json()["id"]
    assert api.post(f"/api/research/topics/{topic_id}/plans/", {"text": "一稿"}).status_code == 201
    as_user(api, guide)
    response = api.post(
        f"/api/research/topics/{topic_id}/review/", {"verdict": "revise"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "comments"
    response = api.post(
        f"/api/research/topics/{topic_id}/review/",
        {"verdict": "revise", "comments": "补充"},
        format="json",
    )
    assert response.status_code == 201
    as_user(api, editor)
    response = api.post(f"/api/research/topics/{topic_id}/plans/", {"text": "二稿"})
    assert response.json()["version"] == 2
    as_user(api, guide)
    api.post(f"/api/research/topics/{topic_id}/review/", {"verdict": "approved"}, format="json")
    as_user(api, editor)
    response = api.post(
        f"/api/research/topics/{topic_id}/trips/",
        {"visited_on": "2023-04-11", "place": units["grandchild"].name, "people": [lead.pk]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    response = api.post(
        f"/api/research/topics/{topic_id}/problems/",
        {"title": "问题一", "found_on": "2023-04-11"},
        format="json",
    )
    assert response.json()["source"] == "research"
    response = api.post(
        f"/api/research/topics/{topic_id}/results/",
        {"kind": "policy", "title": "新政策"},
        format="json",
    )
    assert response.status_code == 201
    api.post(f"/api/research/topics/{topic_id}/report/", {"text": "报告"})
    api.post(f"/api/research/topics/{topic_id}/conclude/", {}, format="json")
    response = api.post(
        f"/api/research/topics/{topic_id}/trips/",
        {"visited_on": "2023-04-20", "place": units["own"].name},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"code": "concluded", "detail": "课题已结题，不能再登记调研。"}
    detail = api.get(f"/api/research/topics/{topic_id}/").json()
    assert [p["version"] for p in detail["plans"]] == [1, 2]
    assert detail["state"] == "concluded"


def test_review_outside_the_group(api, topic, editor, units, make_user, outsider_guide):
    services.topic_plan_submit(actor=editor, topic=topic, text="方案", day=D)
    as_user(api, outsider_guide)
    response = api.post(
        f"/api/research/topics/{topic.pk}/review/", {"verdict": "approved"}, format="json"
    )
    assert response.status_code == 404
    assert api.get(f"/api/research/topics/{topic.pk}/").status_code == 404
    as_user(api, make_user(Role.LEADER, units["parent"]))
    response = api.post(
        f"/api/research/topics/{topic.pk}/review/", {"verdict": "approved"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_in_group"


@pytest.mark.parametrize(
    ("who", "list_count", "detail", "create"),
    [("editor", 1, 200, 201), ("viewer", 1, 200, 403), ("sibling", 0, 404, 404)],
)
def test_permission_matrix(
    api, topic, units, make_user, editor, campaign, aspect, lead, who, list_count, detail, create
):
    user = {
        "editor": editor,
        "viewer": make_user(Role.VIEWER, units["own"]),
        "sibling": make_user(Role.EDITOR, units["sibling"]),
    }[who]
    as_user(api, user)
    assert len(api.get("/api/research/topics/").json()["results"]) == list_count
    assert api.get(f"/api/research/topics/{topic.pk}/").status_code == detail
    response = api.post(
        "/api/research/topics/",
        {
            "unit": units["own"].pk,
            "campaign": campaign.pk,
            "aspect": aspect.pk,
            "title": f"新课题{who}",
            "lead": lead.pk,
        },
        format="json",
    )
    assert response.status_code == create


def test_cursor_pagination_and_filters(api, editor, units, campaign, aspect, lead):
    for i in range(5):
        services.topic_create(
            actor=editor,
            unit=units["own"],
            campaign=campaign,
            aspect=aspect,
            title=f"T{i}",
            lead=lead,
        )
    as_user(api, editor)
    page = api.get("/api/research/topics/?page_size=2").json()
    assert len(page["results"]) == 2 and page["next"]
    following = api.get(page["next"]).json()
    assert {t["title"] for t in following["results"]}.isdisjoint(
        {t["title"] for t in page["results"]}
    )
    assert api.get("/api/research/topics/?state=concluded").json()["results"] == []
    under = api.get(f"/api/research/topics/?under={units['child'].pk}").json()
    assert under["results"] == []
