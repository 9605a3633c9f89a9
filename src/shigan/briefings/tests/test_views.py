"""Briefing pages and API: the permission matrix, generate → issue → re-open → what changed,
the downloads, and the template editor with the catalogue beside it."""

import datetime
import io

import pytest
from django.urls import reverse
from docx import Document

from shigan.accounts.system import system_actor
from shigan.briefings.models import Briefing, BriefingTemplate
from shigan.dashboards.tests.world import AS_OF
from shigan.orgs.choices import Role
from shigan.problems import services as problems

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "place", "detail", "docx", "issue"),
    [
        (Role.ADMIN, "region", 200, 200, 302),
        (Role.VIEWER, "region", 200, 200, 403),
        (Role.EDITOR, "own", 404, 404, 404),
        (Role.ADMIN, "unrelated", 404, 404, 404),
    ],
)
def test_permission_matrix(client, briefing, units, make_user, role, place, detail, docx, issue):
    client.force_login(make_user(role, units[place]))
    assert client.get(briefing.get_absolute_url()).status_code == detail
    assert client.get(reverse("briefings:docx", args=[briefing.pk])).status_code == docx
    assert client.post(reverse("briefings:issue", args=[briefing.pk])).status_code == issue
    briefing.refresh_from_db()
    assert briefing.issued == (issue == 302)


def test_generate_issue_reopen_and_changes(client, world, units, office):
    client.force_login(office)
    query = f"?unit={units['region'].pk}&campaign={world['campaign'].pk}"
    page = client.get(reverse("briefings:list") + query)
    assert page.status_code == 200 and "生成简报" in page.content.decode()
    response = client.post(
        reverse("briefings:generate") + query,
        {"as_of": AS_OF.isoformat(), "batch": world["batch"].pk},
    )
    briefing = Briefing.objects.get()
    assert response.status_code == 302 and response["Location"] == briefing.get_absolute_url()
    html = client.get(briefing.get_absolute_url()).content.decode()
    assert "草稿" in html and "193.7亿元" in html and "第一批参学单位检视出2个方面4个问题" in html
    assert client.post(reverse("briefings:issue", args=[briefing.pk])).status_code == 302
    problems.problem_create(
        actor=system_actor("test"),
        unit=units["sibling"], campaign=world["campaign"], aspect=world["aspects"][0],
        source="self_inspection", title="后来补报的问题", found_on=datetime.date(2023, 5, 20),
    )  # fmt: skip
    html = client.get(briefing.get_absolute_url()).content.decode()
    assert "已印发" in html and "第一批参学单位检视出2个方面4个问题" in html
    changes = client.get(
        reverse("briefings:changes", args=[briefing.pk]) + f"?as_of={AS_OF}"
    ).content.decode()
    assert "后来补报的问题" in changes and "+1" in changes


def test_bad_date_is_refused_in_chinese(client, world, units, office):
    client.force_login(office)
    query = f"?unit={units['region'].pk}&campaign={world['campaign'].pk}"
    response = client.post(reverse("briefings:generate") + query, {"as_of": "6/7/2023"})
    assert response.status_code == 400
    assert "日期格式应为 2023-06-07" in response.content.decode()
    assert not Briefing.objects.exists()


def test_downloads(client, briefing, office):
    client.force_login(office)
    response = client.get(reverse("briefings:docx", args=[briefing.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text == briefing.title
    response = client.get(reverse("briefings:html", args=[briefing.pk]) + "?download=1")
    assert "attachment" in response["Content-Disposition"]
    assert "193.7亿元" in response.content.decode()


def test_template_editor_lists_the_catalogue_and_names_the_bad_line(client, world, office):
    client.force_login(office)
    url = reverse("briefings:template_create") + f"?campaign={world['campaign'].pk}"
    page = client.get(url).content.decode()
    assert "指标目录" in page and "self_inspection_problems" in page
    assert "参学单位检视出的问题" in page
    response = client.post(url, {"name": "周报", "title": "{{ unit }}周报",
                                 "text": "第一行\n共{{ batch_unitz }}个"})  # fmt: skip
    assert response.status_code == 400
    assert "第 2 行：没有名为“batch_unitz”的指标。" in response.content.decode()
    assert not BriefingTemplate.objects.exists()
    response = client.post(url, {"name": "周报", "title": "{{ unit }}周报",
                                 "text": "共{{ batch_units }}个", "is_default": "on"})  # fmt: skip
    template = BriefingTemplate.objects.get()
    assert response.status_code == 302 and template.is_default


def test_only_the_office_opens_the_template_editor(client, world, units, make_user):
    client.force_login(make_user(Role.EDITOR, units["region"]))
    url = reverse("briefings:template_create") + f"?campaign={world['campaign'].pk}"
    assert client.get(url).status_code == 403


def test_api_generate_issue_and_read(client, world, units, office):
    client.force_login(office)
    response = client.post(
        "/api/briefings/",
        {"campaign": world["campaign"].pk, "unit": units["region"].pk, "as_of": AS_OF.isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "draft" and "193.7亿元" in body["text"]
    figures = {f["key"]: f for f in body["figures"]}
    assert figures["self_inspection_problems"]["record_count"] == 4
    issued = client.post(f"/api/briefings/{body['id']}/issue/").json()
    assert issued["state"] == "issued"
    again = client.post(f"/api/briefings/{body['id']}/issue/")
    assert again.status_code == 400 and again.json()["code"] == "already_issued"
    assert client.get("/api/briefings/").json()["results"][0]["id"] == body["id"]


def test_api_template_refused_with_the_line(client, world, office):
    client.force_login(office)
    response = client.post(
        "/api/briefings/templates/",
        {"campaign": world["campaign"].pk, "name": "t", "text": "{% if x %}"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "template_invalid" and "第 1 行" in response.json()["detail"]
