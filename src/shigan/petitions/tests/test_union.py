"""Rights cases of new-form workers (工会维权): taken in by the same agents as petitions, with
their own categories, through routing and reply on the same statutory clock, the petitioner
masked as for petitions; the union figures by subtree, apart from the petitions'."""

import datetime

import pytest
from django.urls import reverse

from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry
from shigan.core.errors import DomainError
from shigan.metrics.selectors import metric_records, metric_value
from shigan.petitions import clock as petition_clock
from shigan.petitions import selectors, services
from shigan.petitions.models import Petitioner
from shigan.petitions.selectors import petition_facts
from shigan.petitions.tests.conftest import PERSON, D, intake

pytestmark = pytest.mark.django_db

WORKER = {**PERSON, "name": "李四", "phone": "13987654321"}


def union_case(agent, **kwargs):
    kwargs.setdefault("category", "wages")
    return intake(
        agent,
        kind="union",
        title=kwargs.pop("title", "外卖骑手被拖欠报酬"),
        request=kwargs.pop("request", "平台合作商拖欠三个月配送报酬，要求支付"),
        person=kwargs.pop("person", WORKER),
        **kwargs,
    )


def test_union_intake_numbers_checks_categories_and_audits(agents):
    case = union_case(agents["gacha"])
    assert case.kind == "union" and case.number.startswith("GH20230403")
    assert case.state == "received" and case.due_on is not None  # the clock runs at once
    entry = AuditEntry.objects.filter(action="petitions.petition.received").latest("seq")
    assert entry.after["kind"] == "union"
    for kind, category in (("union", "land"), ("petition", "wages"), ("other", "wages")):
        with pytest.raises(DomainError) as exc:
            intake(agents["gacha"], kind=kind, category=category, request=f"{kind}{category}")
        assert exc.value.field in ("category", "kind")


def test_union_case_routed_accepted_replied_on_the_statutory_clock(agents, people, places):
    case = union_case(agents["gacha"], category="social_insurance")
    facts = petition_clock.clock(petition_facts(case))
    # Art. 22–23: the 15-day notice applies to union cases as to petitions.
    assert facts.next_duty().due_on == petition_clock.period_end(D, 15)
    services.petition_route(
        actor=people["gacha_agent"],
        petition=case,
        to_unit=places["sumu"],
        day=D + datetime.timedelta(days=1),
    )
    services.petition_accept(
        actor=people["sumu_agent"], petition=case, accepted_on=D + datetime.timedelta(days=3)
    )
    case.refresh_from_db()
    handle = petition_clock.clock(petition_facts(case)).step("handle")
    assert handle.due_on == petition_clock.handling_due(case.accepted_on)  # Art. 34: 60 days
    services.petition_reply(
        actor=people["sumu_agent"],
        petition=case,
        text="已协调平台为其补缴社会保险。",
        replied_on=D + datetime.timedelta(days=20),
        told_by="phone",
    )
    case.refresh_from_db()
    assert case.state == "replied" and case.resolved_locally and case.replied_on_time
    # Union figures count it; petition figures do not.
    banner = places["banner"]
    for key, n in (
        ("union.received", 1),
        ("union.first_time", 1),
        ("union.first_time_resolved_locally", 1),
        ("union.on_time", 1),
        ("petitions.received", 0),
        ("petitions.first_time_resolved_locally", 0),
    ):
        assert metric_value(key, unit=banner, user=system_actor("test")) == n, key
    records = metric_records(
        "union.first_time_resolved_locally", unit=banner, user=system_actor("test")
    )
    assert list(records) == [case]
    assert (
        metric_value(
            "union.received", unit=banner, category="social_insurance", user=system_actor("test")
        )
        == 1
    )
    # As of the day before the reply it was not yet resolved.
    before = D + datetime.timedelta(days=19)
    assert (
        metric_value(
            "union.first_time_resolved_locally",
            unit=banner,
            as_of=before,
            user=system_actor("test"),
        )
        == 0
    )


def test_review_request_takes_it_off_local_resolution_as_for_petitions(agents, people, places):
    case = union_case(agents["sumu"], category="rest_leave")
    services.petition_accept(actor=people["sumu_agent"], petition=case, accepted_on=D)
    services.petition_reply(
        actor=people["sumu_agent"],
        petition=case,
        text="已责令合作商安排轮休。",
        replied_on=D + datetime.timedelta(days=10),
        told_by="writing",
    )
    assert (
        metric_value(
            "union.first_time_resolved_locally", unit=places["banner"], user=system_actor("test")
        )
        == 1
    )
    services.petition_review_request(
        actor=people["sumu_agent"], petition=case, requested_on=D + datetime.timedelta(days=15)
    )
    assert (
        metric_value(
            "union.first_time_resolved_locally", unit=places["banner"], user=system_actor("test")
        )
        == 0
    )


def test_the_worker_is_encrypted_and_masked_as_a_petitioner(client, agents, people):
    case = union_case(agents["gacha"])
    stored = Petitioner.objects.get(petition=case)
    assert WORKER["name"] not in stored.name_enc and WORKER["phone"] not in stored.phone_enc
    client.force_login(people["viewer"])
    body = client.get(reverse("petitions:detail", args=[case.pk])).content.decode()
    assert "李*" in body and WORKER["phone"] not in body and "工会维权" in body
    client.force_login(people["gacha_agent"])
    body = client.get(reverse("petitions:detail", args=[case.pk])).content.decode()
    assert WORKER["phone"] in body
    assert AuditEntry.objects.filter(action="petitions.petitioner.viewed").count() == 1
    client.force_login(people["other_sumu_editor"])
    assert client.get(reverse("petitions:detail", args=[case.pk])).status_code == 404


def test_union_intake_page_and_figures_page(client, agents, people, places):
    client.force_login(people["gacha_agent"])
    url = reverse("petitions:union_intake", args=[agents["gacha"].pk])
    form = client.get(url).content.decode()
    assert "劳动报酬" in form and "职业安全" in form and "土地草场" not in form
    data = {
        "received_on": "2023-04-03",
        "channel": "visit",
        "name": "王五",
        "title": "骑手工伤",
        "request": "配送途中受伤，要求认定工伤",
        "category": "safety",
        "first_time": "on",
    }
    assert client.post(url, {**data, "category": "land"}).status_code == 400
    response = client.post(url, data)
    assert response.status_code == 302
    case = selectors.petition_list(user=people["gacha_agent"], unit=places["gacha"]).get()
    assert (case.kind, case.category) == ("union", "safety")
    client.force_login(people["banner_leader"])
    page = client.get(reverse("petitions:union_figures", args=[places["banner"].pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "工会维权指标" in text
    assert "/metrics/union.received/" in text
    petitions_page = client.get(reverse("petitions:figures", args=[places["banner"].pk]))
    assert "/metrics/petitions.received/" in petitions_page.content.decode()


def test_union_cases_over_the_api(client, agents, people):
    client.force_login(people["gacha_agent"])
    body = {
        "agent": agents["gacha"].pk,
        "received_on": "2023-04-03",
        "channel": "phone",
        "title": "网约车司机超时劳动",
        "request": "平台派单导致每天工作十四小时",
        "kind": "union",
        "category": "rest_leave",
        "petitioners": [{"name": "赵六"}],
    }
    response = client.post("/api/petitions/petitions/", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "union" and response.json()["number"].startswith("GH")
    bad = client.post(
        "/api/petitions/petitions/",
        {**body, "category": "land", "request": "另一件"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "bad_category"
    listed = client.get("/api/petitions/petitions/?kind=union").json()["results"]
    assert [p["kind"] for p in listed] == ["union"]
