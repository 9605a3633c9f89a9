"""The problems API: the lifecycle end to end, scoped lists and 404s, coded refusals, evidence
upload and download, special programs and rules, cursor pagination."""

import datetime

import pytest
from rest_framework.test import APIClient

from shigan.accounts.system import system_actor
from shigan.orgs.choices import PersonRank, Role
from shigan.orgs.services import person_create
from shigan.problems import services
from shigan.problems.choices import CloseOutState, ProblemState
from shigan.problems.models import Evidence, Rule
from shigan.problems.tests.conftest import pdf

pytestmark = pytest.mark.django_db

D = datetime.date
NOT_REVIEWER = "只有上级单位或联系该单位的巡回指导组可以审核，本单位不能审核自己的问题。"


@pytest.fixture
def api():
    return APIClient()


def as_user(api, user):
    api.force_authenticate(user)
    return api


def test_lifecycle_over_the_api(api, editor, reviewer, units, campaign, aspect, calendar):
    lead = person_create(
        actor=system_actor("test"), unit=units["own"], name="巴特尔", rank=PersonRank.COUNTY
    )
    as_user(api, editor)
    response = api.post(
        "/api/problems/problems/",
        {
            "unit": units["own"].pk,
            "campaign": campaign.pk,
            "aspect": aspect.pk,
            "title": "接口登记的问题",
            "source": "self_inspection",
            "found_on": "2023-05-04",
            "responsible": lead.pk,
            "deadline_workdays": 20,
            "first_measure": {"text": "建立制度", "owner": lead.pk},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    pk = body["id"]
    # 20 working days from 2023-05-04; Saturday 5-6 is a make-up working day (调休).
    assert body["state"] == "in_progress" and body["deadline"] == "2023-05-31"
    assert body["responsible_name"] == "巴特尔"

    response = api.post(
        f"/api/problems/problems/{pk}/progress/",
        {"text": "完成一半", "percent": 50, "reported_on": "2023-05-20", "files": [pdf()]},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["evidence"][0]["original_name"] == "整改报告.pdf"
    response = api.post(
        f"/api/problems/problems/{pk}/closeout/",
        {"summary": "已整改", "submitted_on": "2023-05-30"},
        format="json",
    )
    # The measure is still unfinished: the request must mark it done or say why not.
    assert response.status_code == 400
    assert response.json()["code"] == "measure_unfinished"
    assert "建立制度" in response.json()["detail"]
    measure = api.get(f"/api/problems/problems/{pk}/").json()["measures"][0]["id"]
    response = api.post(
        f"/api/problems/problems/{pk}/closeout/",
        {
            "summary": "已整改",
            "submitted_on": "2023-05-30",
            "reasons": {str(measure): "制度待印发"},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    closeout = response.json()["id"]
    measures = api.get(f"/api/problems/problems/{pk}/").json()["measures"]
    assert measures[0]["state"] == "planned" and measures[0]["open_reason"] == "制度待印发"

    as_user(api, reviewer)
    inbox = api.get("/api/problems/closeouts/inbox/").json()["results"]
    assert [c["id"] for c in inbox] == [closeout]
    url = f"/api/problems/closeouts/{closeout}/decide/"
    response = api.post(url, {"accept": False}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "reason"
    response = api.post(
        url, {"accept": False, "reason": "佐证不足", "decided_on": "2023-05-31"}, format="json"
    )
    assert response.json()["state"] == CloseOutState.REJECTED
    response = api.post(url, {"accept": True}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "already_decided"

    as_user(api, editor)
    api.post(
        f"/api/problems/problems/{pk}/closeout/",
        {"summary": "补充佐证", "submitted_on": "2023-06-01", "files": [pdf("补充.pdf")]},
        format="multipart",
    )
    as_user(api, reviewer)
    second = api.get("/api/problems/closeouts/inbox/").json()["results"][0]["id"]
    response = api.post(
        f"/api/problems/closeouts/{second}/decide/",
        {"accept": True, "decided_on": "2023-06-02"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    detail = api.get(f"/api/problems/problems/{pk}/").json()
    assert detail["state"] == ProblemState.CLOSED and detail["light"] == ""
    assert [t["to_state"] for t in detail["transitions"]] == [
        "open",
        "in_progress",
        "pending_review",
        "reopened",
        "pending_review",
        "closed",
    ]
    assert len(detail["evidence"]) == 2 and len(detail["closeouts"]) == 2


def test_scope_404_and_refusals(api, submitted, units, make_user, editor):
    problem = submitted.problem
    evidence = Evidence.objects.get()
    sibling = make_user(Role.EDITOR, units["sibling"])
    as_user(api, sibling)
    assert api.get(f"/api/problems/problems/{problem.pk}/").status_code == 404
    assert api.get(f"/api/problems/evidence/{evidence.pk}/download/").status_code == 404
    assert api.get("/api/problems/problems/").json()["results"] == []
    response = api.post(f"/api/problems/closeouts/{submitted.pk}/decide/", {"accept": True})
    assert response.status_code == 404

    viewer = make_user(Role.VIEWER, units["own"])
    as_user(api, viewer)
    response = api.post(
        f"/api/problems/problems/{problem.pk}/measures/", {"text": "越权措施"}, format="json"
    )
    assert response.status_code == 403
    download = api.get(f"/api/problems/evidence/{evidence.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")

    own_leader = make_user(Role.LEADER, units["own"])
    as_user(api, own_leader)
    response = api.post(
        f"/api/problems/closeouts/{submitted.pk}/decide/", {"accept": True}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == NOT_REVIEWER  # the service's refusal, mapped to 403
    submitted.refresh_from_db()
    assert submitted.state == CloseOutState.PENDING


def test_extension_decide_refusals(api, editor, reviewer, units, campaign, make_user):
    problem = services.problem_create(
        actor=editor,
        unit=units["own"],
        campaign=campaign,
        title="会议过多",
        source="self_inspection",
        found_on=D(2023, 5, 4),
        deadline=D(2023, 6, 30),
        first_measure={"text": "精简会议"},
    )
    request = services.extension_request(
        actor=editor,
        problem=problem,
        new_deadline=D(2023, 7, 31),
        reason="涉及多个部门",
        requested_on=D(2023, 6, 1),
    )
    url = f"/api/problems/extensions/{request.pk}/decide/"
    body = {"approve": True, "decided_on": "2023-06-02"}
    as_user(api, make_user(Role.EDITOR, units["sibling"]))
    assert api.post(url, body, format="json").status_code == 404  # outside the view scope
    as_user(api, make_user(Role.LEADER, units["own"]))
    response = api.post(url, body, format="json")
    assert response.status_code == 403 and response.json()["detail"] == NOT_REVIEWER
    as_user(api, reviewer)
    response = api.post(url, body, format="json")
    assert response.status_code == 200 and response.json()["state"] == "approved"
    problem.refresh_from_db()
    assert problem.deadline == D(2023, 7, 31)


def test_forged_evidence_is_refused_and_nothing_is_stored(api, editor, started):
    from django.core.files.uploadedfile import SimpleUploadedFile

    forged = SimpleUploadedFile("报告.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf")
    as_user(api, editor)
    response = api.post(
        f"/api/problems/problems/{started.pk}/evidence/",
        {"files": [pdf("好的.pdf"), forged]},
        format="multipart",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "files" and "报告.pdf" in body["detail"]
    assert not started.evidence.exists()  # the good file of the same request is not kept
    response = api.post(
        f"/api/problems/problems/{started.pk}/evidence/",
        {"files": [pdf("好的.pdf")]},
        format="multipart",
    )
    assert response.status_code == 201 and started.evidence.count() == 1


def test_ledger_filters_and_cursor_pagination(api, editor, units, campaign, calendar):
    for i in range(7):
        services.problem_create(
            actor=editor,
            unit=units["own"] if i % 2 else units["child"],
            campaign=campaign,
            title=f"问题{i}",
            source="petition" if i < 3 else "self_inspection",
            found_on=D(2023, 5, 4),
            deadline=D(2023, 6, 30),
        )
    as_user(api, editor)
    petitions = api.get("/api/problems/problems/", {"source": "petition"}).json()["results"]
    assert {p["title"] for p in petitions} == {"问题0", "问题1", "问题2"}
    red = api.get("/api/problems/problems/", {"light": "red", "under": units["child"].pk})
    assert {p["title"] for p in red.json()["results"]} == {"问题0", "问题2", "问题4", "问题6"}
    first = api.get("/api/problems/problems/", {"page_size": 4}).json()
    assert len(first["results"]) == 4 and first["next"]
    rest = api.get(first["next"]).json()
    seen = {p["id"] for p in first["results"]} | {p["id"] for p in rest["results"]}
    assert len(seen) == 7
    bad = api.get("/api/problems/problems/", {"light": "purple"})
    assert bad.status_code == 400 and bad.json()["field"] == "light"


def test_special_programs_and_rules(api, editor, reviewer, units, campaign, problem):
    as_user(api, reviewer)
    response = api.post(
        "/api/problems/special-programs/",
        {"campaign": campaign.pk, "lead_unit": units["parent"].pk, "name": "整治文山会海"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    program = response.json()["id"]
    as_user(api, editor)  # the banner sees the league's program and files its problem under it
    assert [p["id"] for p in api.get("/api/problems/special-programs/").json()["results"]] == [
        program
    ]
    response = api.post(
        f"/api/problems/special-programs/{program}/assign/",
        {"problems": [problem.pk]},
        format="json",
    )
    assert response.status_code == 200 and response.json() == {"assigned": 1}
    problem.refresh_from_db()
    assert problem.special_program_id == program

    response = api.post(
        "/api/problems/rules/",
        {
            "unit": units["own"].pk,
            "campaign": campaign.pk,
            "title": "会议文件审批制度",
            "kind": "regulation",
            "problems": [problem.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    rule = response.json()["id"]
    response = api.post(
        f"/api/problems/rules/{rule}/issue/", {"issued_on": "2023-07-01"}, format="json"
    )
    assert response.json()["state"] == "issued"
    assert Rule.objects.get().problems.get() == problem
    outside = services.problem_create(
        actor=system_actor("test"),
        unit=units["unrelated"],
        title="外地问题",
        source="petition",
        found_on=D(2023, 5, 1),
    )
    response = api.post(
        "/api/problems/rules/",
        {"unit": units["own"].pk, "title": "越界", "kind": "mechanism", "problems": [outside.pk]},
        format="json",
    )
    assert response.status_code == 400 and response.json()["field"] == "problems"
