import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from shigan.accounts.system import system_actor
from shigan.core.spreadsheets.reading import read_rows
from shigan.orgs.choices import Role
from shigan.study.models import StudyActivity
from shigan.study.tests.conftest import D

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_phone_form_records_an_activity_with_leaders(client, units, campaign, people, editor):
    client.force_login(editor)
    url = reverse("study:activity_create", args=[units["own"].pk]) + f"?campaign={campaign.pk}"
    page = client.get(url).content.decode()
    assert "巴特尔" in page and "孟和" not in page  # only this banner's people are offered
    response = client.post(
        url,
        {
            "kind": "reading_class",
            "title": "主题教育读书班",
            "held_on": "2023-04-13",
            "participants": "30",
            "leaders": [people["banner_head"].pk, people["section"].pk],
        },
    )
    activity = StudyActivity.objects.get()
    assert response.status_code == 302 and response["Location"] == activity.get_absolute_url()
    assert activity.campaign == campaign
    detail = client.get(activity.get_absolute_url()).content.decode()
    assert "主题教育读书班" in detail and "巴特尔" in detail and "乌云" in detail
    assert "data-confirm=" in detail  # deleting asks first (static/shigan/shigan.js)


def test_form_errors_name_the_field(client, units, people, editor):
    client.force_login(editor)
    response = client.post(
        reverse("study:activity_create", args=[units["own"].pk]),
        {
            "kind": "reading_class",
            "title": "读书班",
            "held_on": "2023-04-13",
            "participants": "1",
            "leaders": [people["banner_head"].pk, people["deputy"].pk],
        },
    )
    assert response.status_code == 400
    assert "参加人数（1）少于参加领导人数（2）" in response.content.decode()
    response = client.post(
        reverse("study:activity_create", args=[units["own"].pk]),
        {
            "kind": "lecture",
            "title": "讲座",
            "held_on": "2023-04-13",
            "leaders": [people["sibling_head"].pk],
        },
    )
    assert response.status_code == 400 and not StudyActivity.objects.exists()


def test_leader_picker_keeps_ticked_people(client, units, people, editor):
    client.force_login(editor)
    response = client.get(
        reverse("study:leader_picker", args=[units["own"].pk]),
        {"q": "王", "leaders": [people["banner_head"].pk, people["sibling_head"].pk]},
    )
    html = response.content.decode()
    assert "王建国" in html and "巴特尔" in html and "checked" in html
    assert "孟和" not in html


def test_the_form_lists_thirty_people_and_finds_the_rest(client, units, campaign, people, editor):
    # A league has thousands of people below it: the form shows the first 30 and says how many
    # more the search finds; one of those, once ticked, is shown again and is recorded.
    from shigan.orgs.choices import PersonRank
    from shigan.orgs.services import person_create

    for i in range(35):
        person_create(
            actor=system_actor("test"),
            unit=units["child"],
            name=f"干部{i:02d}",
            rank=PersonRank.SECTION,
        )
    last = person_create(
        actor=system_actor("test"), unit=units["child"], name="最后一位", rank=PersonRank.SECTION
    )
    client.force_login(editor)
    url = reverse("study:activity_create", args=[units["own"].pk]) + f"?campaign={campaign.pk}"
    page = client.get(url).content.decode()
    shown = page.count('name="leaders"')
    assert shown == 30 and "最后一位" not in page
    total = len(people) + 36  # the fixture's people who are in the banner or below, and these
    assert f"另有 {total - 30 - _outside(people, units)} 人未列出" in page
    refused = client.post(url, {"kind": "lecture", "title": "", "leaders": [last.pk]})
    assert refused.status_code == 400
    assert "最后一位" in refused.content.decode()  # the ticked one stays ticked
    data = {"kind": "lecture", "title": "讲座", "held_on": "2023-04-13", "leaders": [last.pk]}
    assert client.post(url, data).status_code == 302
    assert list(StudyActivity.objects.get().leaders.all()) == [last]
    # The search answers the same way: 30 of the 35 who match, and how many more match.
    picker = reverse("study:leader_picker", args=[units["own"].pk])
    found = client.get(picker, {"q": "干部", "leaders": [last.pk]}).content.decode()
    assert found.count('name="leaders"') == 31 and "最后一位" in found  # 30 and the ticked one
    assert "另有 5 人符合条件未列出" in found


def _outside(people, units) -> int:
    """The fixture's people the banner's form does not offer (above or beside it)."""
    own = units["own"].path
    return sum(1 for p in people.values() if not p.unit.path.startswith(own))


def test_list_filters_and_query_count(
    client, units, campaign, editor, make_activity, django_assert_num_queries
):
    make_activity(kind="reading_class", title="本级读书班")
    make_activity(unit=units["child"], kind="lecture", title="苏木讲座")
    client.force_login(editor)
    url = reverse("study:unit_list", args=[units["own"].pk])
    html = client.get(url, {"campaign": campaign.pk}).content.decode()
    assert "本级读书班" in html and "苏木讲座" in html
    html = client.get(url, {"campaign": campaign.pk, "subtree": "0"}).content.decode()
    assert "本级读书班" in html and "苏木讲座" not in html
    html = client.get(url, {"kind": "lecture"}).content.decode()
    assert "本级读书班" not in html and "苏木讲座" in html
    html = client.get(url, {"held_from": "2023-05-01"}).content.decode()
    assert "本级读书班" not in html

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"campaign": campaign.pk}).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for i in range(60):
        make_activity(unit=units["child"], kind="lecture", title=f"讲座{i}")
    assert queries() == few  # 50 a page, no query per row
    with django_assert_num_queries(few):
        client.get(url, {"campaign": campaign.pk, "page": "2"})


def test_export_follows_the_filters(client, units, editor, make_activity):
    make_activity(kind="reading_class", title="读书班")
    make_activity(kind="lecture", title="讲座")
    client.force_login(editor)
    response = client.get(reverse("study:export", args=[units["own"].pk]), {"kind": "lecture"})
    rows = read_rows(response.content, "x.xlsx")
    assert [r[3] for r in rows[1:]] == ["讲座"]


def test_attachment_served_only_through_the_scoped_view(
    client, units, editor, make_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(editor)
    client.post(
        reverse("study:activity_create", args=[units["own"].pk]),
        {
            "kind": "party_day",
            "title": "主题党日",
            "held_on": "2023-04-13",
            "attachment": SimpleUploadedFile("照片.png", PNG, content_type="image/png"),
        },
    )
    activity = StudyActivity.objects.get()
    response = client.get(reverse("study:attachment", args=[activity.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"  # what the bytes are, not the name
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG
    client.force_login(make_user(Role.VIEWER, units["sibling"]))
    assert client.get(reverse("study:attachment", args=[activity.pk])).status_code == 404


def test_delete_from_the_page(client, units, editor, make_user, make_activity):
    activity = make_activity()
    client.force_login(make_user(Role.ADMIN, units["region"]))
    assert client.post(reverse("study:activity_delete", args=[activity.pk])).status_code == 403
    client.force_login(editor)
    response = client.post(reverse("study:activity_delete", args=[activity.pk]))
    assert response.status_code == 302 and not StudyActivity.objects.exists()


def test_participants_on_the_activity_page(client, units, people, editor, make_activity):
    activity = make_activity()
    client.force_login(editor)
    url = reverse("study:participant_add", args=[activity.pk])
    client.post(url, {"person": people["deputy"].pk})
    assert list(activity.leaders.values_list("name", flat=True)) == ["王建国"]
    assert client.post(url, {"person": people["sibling_head"].pk}).status_code == 404
    client.post(reverse("study:participant_remove", args=[activity.pk, people["deputy"].pk]))
    assert not activity.leaders.exists()


def test_leaders_page_and_workspace_tab(client, units, campaign, people, make_activity):
    from django.template import engines

    from shigan.campaigns import services as campaign_services

    make_activity(unit=units["region"], kind="reading_class", title="常委会读书班")
    make_activity(kind="central_group", leaders=[people["banner_head"], people["deputy"]])
    make_activity(kind="lecture", leaders=[people["banner_head"]])
    batch = campaign_services.batch_create(
        actor=system_actor("test"), campaign=campaign, name="第一批", starts_on=D
    )
    campaign_services.participation_enroll(
        actor=system_actor("test"), batch=batch, units=[units["own"]], enrolled_on=D
    )
    from django.contrib.auth import get_user_model

    office = get_user_model().objects.create_superuser("office", password="x-x-x-x-x-1A")
    client.force_login(office)
    html = client.get(
        reverse("study:leaders", args=[units["region"].pk]), {"campaign": campaign.pk}
    ).content.decode()
    assert "共 2 人" in html and "巴特尔" in html and "王建国" in html
    request = client.get(reverse("study:unit_list", args=[units["region"].pk])).wsgi_request
    template = engines["django"].from_string('{% include "study/_workspace_tab.html" %}')
    tab = template.render({"unit": units["region"], "campaign": campaign, "as_of": None}, request)
    assert reverse("study:unit_list", args=[units["region"].pk]) in tab
    assert reverse("metrics:records", args=["study.sessions"]) in tab
    assert "第一批" in tab and "0/1" in tab  # 阿巴嘎旗 held no reading class itself
    html = client.get(
        reverse("study:coverage", args=[units["region"].pk]),
        {"campaign": campaign.pk, "batch": batch.pk, "kind": "central_group"},
    ).content.decode()
    assert "1 个参学单位中 1 个已开展" in html


def test_person_lookup_api(units, people, editor):
    api = APIClient()
    api.force_authenticate(editor)
    names = [p["name"] for p in api.get("/api/study/persons/", {"unit": units["own"].pk}).json()]
    assert sorted(names) == ["乌云", "巴特尔", "王建国"]
    found = api.get("/api/study/persons/", {"unit": units["own"].pk, "q": "旗长"}).json()
    assert [p["name"] for p in found] == ["王建国"]


def test_api_create_filters_and_cursor(units, campaign, people, editor, make_activity):
    api = APIClient()
    api.force_authenticate(editor)
    response = api.post(
        "/api/study/activities/",
        {
            "unit": units["own"].pk,
            "campaign": campaign.pk,
            "kind": "reading_class",
            "title": "读书班",
            "held_on": "2023-04-13",
            "participants": 30,
            "leaders": [people["banner_head"].pk],
        },
        format="json",
    )
    assert response.status_code == 201 and response.json()["leaders"] == [people["banner_head"].pk]
    bad = api.post(
        "/api/study/activities/",
        {
            "unit": units["own"].pk,
            "kind": "reading_class",
            "title": "读书班",
            "held_on": "2023-04-13",
            "leaders": [people["sibling_head"].pk],
        },
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "leaders"
    bad = api.post(
        "/api/study/activities/",
        {
            "unit": units["own"].pk,
            "kind": "reading_class",
            "title": "读书班",
            "held_on": "2023-04-13",
            "ends_on": "2023-04-01",
        },
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "bad_dates"
    for i in range(5):
        make_activity(unit=units["child"], kind="lecture", title=f"讲座{i}")
    page = api.get(
        "/api/study/activities/", {"unit": units["own"].pk, "kind": "lecture", "page_size": 3}
    ).json()
    assert len(page["results"]) == 3 and page["next"]
    rest = api.get(page["next"]).json()
    assert len(rest["results"]) == 2 and not rest["next"]
    own = api.get("/api/study/activities/", {"unit": units["own"].pk, "own": "true"}).json()
    assert [a["title"] for a in own["results"]] == ["读书班"]


def test_template_download(client, units, editor):
    client.force_login(editor)
    response = client.get(reverse("study:template", args=[units["own"].pk]))
    with zipfile.ZipFile(io.BytesIO(response.content)) as z:
        assert "读书班" in z.read("xl/worksheets/sheet1.xml").decode()


def test_campaign_workspace_shows_the_study_tab(
    client, units, campaign, people, editor, make_activity
):
    make_activity(kind="central_group", leaders=[people["banner_head"]])
    client.force_login(editor)
    response = client.get(
        reverse("campaigns:workspace", args=[campaign.pk, units["own"].pk]), {"tab": "study"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "理论学习中心组学习" in html and "学习台账" in html
    assert reverse("study:leaders", args=[units["own"].pk]) in html
    assert reverse("metrics:records", args=["study.sessions"]) in html


def test_import_page_runs_the_office_sheet(client, units, campaign, people, editor, make_user):
    from shigan.study.tests.test_imports import office_sheet

    client.force_login(editor)
    url = reverse("study:import", args=[units["own"].pk]) + f"?campaign={campaign.pk}"
    data = office_sheet([(1, "阿巴嘎旗", "读书班", "读书班", "2023年4月13日", 30, "巴特尔")])
    upload = SimpleUploadedFile(
        "台账.xlsx",
        data,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response = client.post(url, {"file": upload, "mode": "all"})
    assert response.status_code == 302
    activity = StudyActivity.objects.get()
    assert activity.campaign == campaign and activity.created_by == editor
    assert list(activity.leaders.values_list("name", flat=True)) == ["巴特尔"]
    client.force_login(make_user(Role.VIEWER, units["own"]))
    assert client.get(url).status_code == 403


def test_figure_drill_down_lists_the_sessions(client, units, campaign, editor, make_activity):
    make_activity(kind="reading_class", title="读书班甲")
    make_activity(kind="lecture", title="讲座乙")
    make_activity(unit=units["sibling"], kind="reading_class", title="邻旗读书班")
    client.force_login(editor)
    html = client.get(
        reverse("metrics:records", args=["study.sessions"]),
        {"unit": units["own"].pk, "campaign": campaign.pk, "kind": "reading_class"},
    ).content.decode()
    assert "读书班甲" in html and "讲座乙" not in html and "邻旗读书班" not in html


@pytest.mark.parametrize(
    "query",
    [
        {"as_of": "2023-02-30"},  # well formed, no such day: a ValueError in parse_date
        {"as_of": "2023-13-01"},
        {"campaign": "99999999999999999999999"},  # beyond a database integer
    ],
)
def test_a_malformed_query_is_not_found_not_a_server_error(client, units, campaign, editor, query):
    client.force_login(editor)
    url = reverse("study:leaders", args=[units["own"].pk])
    assert client.get(url, {"campaign": campaign.pk, **query}).status_code == 404


def test_the_coverage_lists_come_in_pages(client, units, campaign, make_activity, monkeypatch):
    # A batch of a region enrolls thousands of units: each list turns its own pages, and no
    # unit is left out of both (the lists stopped at 500 without a word).
    from django.contrib.auth import get_user_model

    from shigan.campaigns import services as campaign_services
    from shigan.core import pagination

    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    batch = campaign_services.batch_create(
        actor=system_actor("test"), campaign=campaign, name="第一批", starts_on=D
    )
    enrolled = [units["own"], units["child"], units["grandchild"], units["sibling"]]
    campaign_services.participation_enroll(
        actor=system_actor("test"), batch=batch, units=enrolled, enrolled_on=D
    )
    make_activity(unit=units["sibling"], kind="reading_class")
    client.force_login(get_user_model().objects.create_superuser("office", password="x-x-x-x-x-1A"))
    url = reverse("study:coverage", args=[units["region"].pk])
    query = {"campaign": campaign.pk, "batch": batch.pk, "kind": "reading_class"}
    first = client.get(url, query).content.decode()
    second = client.get(url, {**query, "missing_page": 2}).content.decode()
    assert "尚未开展（3）" in first and "已开展（1）" in first
    assert "missing_page=2" in first and "covered_page" not in first  # one page of covered
    missing = [u.name for u in enrolled[:3]]
    assert sum(name in first for name in missing) == 2
    assert [name for name in missing if name in second and name not in first] != []
    assert units["sibling"].name in second  # the covered list keeps its first page
