"""Pages: the permission matrix (role × place × action → status), the flow through the forms,
the inbox, query counts on the list."""

import datetime

import pytest
from django.urls import reverse

from shigan.accounts.system import system_actor
from shigan.orgs.choices import Role
from shigan.research import services
from shigan.research.models import ResearchTopic

pytestmark = pytest.mark.django_db

D = datetime.date(2023, 4, 10)


@pytest.fixture
def actors(units, make_user, editor, guide, outsider_guide):
    return {
        "editor": editor,
        "viewer": make_user(Role.VIEWER, units["own"]),
        "league_leader": make_user(Role.LEADER, units["parent"]),
        "sibling_editor": make_user(Role.EDITOR, units["sibling"]),
        "guide": guide,
        "outsider_guide": outsider_guide,
    }


def _get(client, user, url):
    client.force_login(user)
    return client.get(url).status_code


@pytest.mark.parametrize(
    ("who", "list_", "detail", "create", "trip"),
    [
        ("editor", 200, 200, 200, 200),
        ("viewer", 200, 200, 403, 403),
        ("league_leader", 200, 200, 200, 200),
        ("sibling_editor", 404, 404, 404, 404),
        ("guide", 200, 200, 403, 403),
        ("outsider_guide", 404, 404, 404, 404),
    ],
)
def test_permission_matrix(
    client, actors, approved_topic, units, campaign, who, list_, detail, create, trip
):
    user = actors[who]
    own = units["own"]
    q = f"?campaign={campaign.pk}"
    assert _get(client, user, reverse("research:unit_list", args=[own.pk]) + q) == list_
    assert _get(client, user, approved_topic.get_absolute_url()) == detail
    assert _get(client, user, reverse("research:topic_create", args=[own.pk]) + q) == create
    assert _get(client, user, reverse("research:trip_create", args=[approved_topic.pk])) == trip


def test_guidance_member_cannot_see_unassigned_units_plan(client, topic, editor, outsider_guide):
    plan = services.topic_plan_submit(actor=editor, topic=topic, text="方案", day=D)
    client.force_login(outsider_guide)
    assert client.get(topic.get_absolute_url()).status_code == 404
    response = client.post(reverse("research:plan_review", args=[plan.pk]), {"verdict": "approved"})
    assert response.status_code == 404
    topic.refresh_from_db()
    assert topic.state == "plan_submitted"


def test_leader_above_but_outside_the_group_cannot_approve(client, topic, editor, units, make_user):
    leader = make_user(Role.LEADER, units["parent"])  # may "review", but is no group member
    plan = services.topic_plan_submit(actor=editor, topic=topic, text="方案", day=D)
    client.force_login(leader)
    response = client.post(reverse("research:plan_review", args=[plan.pk]), {"verdict": "approved"})
    assert response.status_code == 403
    topic.refresh_from_db()
    assert topic.state == "plan_submitted"


def test_flow_through_the_pages(client, editor, guide, units, campaign, aspect, lead):
    own = units["own"]
    client.force_login(editor)
    response = client.post(
        reverse("research:topic_create", args=[own.pk]) + f"?campaign={campaign.pk}",
        {"title": "草原生态调研", "aspect": aspect.pk, "lead": lead.pk, "created_on": "2023-04-10"},
    )
    topic = ResearchTopic.objects.get(title="草原生态调研")
    assert response.status_code == 302
    client.post(reverse("research:plan_submit", args=[topic.pk]), {"text": "第一稿"})

    client.force_login(guide)
    inbox = client.get(reverse("research:inbox"))
    assert "草原生态调研" in inbox.content.decode()
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "提交审核意见" in page
    plan1 = topic.plans.get()
    client.post(
        reverse("research:plan_review", args=[plan1.pk]),
        {"verdict": "revise", "comments": "补充调研点"},
    )
    assert "草原生态调研" not in client.get(reverse("research:inbox")).content.decode()

    client.force_login(editor)
    client.post(reverse("research:plan_submit", args=[topic.pk]), {"text": "第二稿"})
    topic.refresh_from_db()
    assert topic.plans.count() == 2 and topic.state == "plan_submitted"

    client.force_login(guide)
    client.post(
        reverse("research:plan_review", args=[topic.plans.get(version=2).pk]),
        {"verdict": "approved"},
    )
    client.force_login(editor)
    gacha = units["grandchild"]
    response = client.post(
        reverse("research:trip_create", args=[topic.pk]),
        {"visited_on": "2023-04-12", "place": gacha.division_code, "findings": "草场退化"},
    )
    assert response.status_code == 302
    client.post(reverse("research:report_submit", args=[topic.pk]), {"text": "报告"})
    client.post(reverse("research:conclude", args=[topic.pk]), {"comment": ""})
    topic.refresh_from_db()
    assert topic.state == "concluded"
    response = client.post(
        reverse("research:trip_create", args=[topic.pk]),
        {"visited_on": "2023-04-20", "place": gacha.division_code},
    )
    assert response.status_code == 400
    assert "课题已结题，不能再登记调研。" in response.content.decode()
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "第 2 版" in page and "补充调研点" in page and "草场退化" in page


def test_unknown_place_names_the_field(client, approved_topic, editor):
    client.force_login(editor)
    response = client.post(
        reverse("research:trip_create", args=[approved_topic.pk]),
        {"visited_on": "2023-04-12", "place": "不存在的嘎查"},
    )
    assert response.status_code == 400
    assert "调研地点：找不到调研地点" in response.content.decode()
    assert not approved_topic.trips.exists()


def test_list_filters_paginates_and_pins_queries(
    client, editor, units, campaign, aspect, lead, django_assert_num_queries
):
    for i in range(55):
        services.topic_create(
            actor=editor,
            unit=units["child"] if i % 2 else units["own"],
            campaign=campaign,
            aspect=aspect,
            title=f"课题{i:02d}",
            lead=lead,
        )
    client.force_login(editor)
    url = reverse("research:unit_list", args=[units["own"].pk]) + f"?campaign={campaign.pk}"
    client.get(url)  # warm the session
    with django_assert_num_queries(9):  # no session save, one scope query
        response = client.get(url)
    body = response.content.decode()
    assert "共 55 个课题" in body and "第 1 / 2 页" in body
    response = client.get(url + "&state=plan_submitted")
    assert "共 0 个课题" in response.content.decode()


def test_export_and_template(client, editor, approved_topic, units, campaign):
    client.force_login(editor)
    base = f"?campaign={campaign.pk}"
    own = units["own"].pk
    for sheet in ("topics", "trips", "results"):
        response = client.get(reverse("research:export", args=[own, sheet, "xlsx"]) + base)
        assert response.status_code == 200
        response = client.get(reverse("research:template", args=[own, sheet]) + base)
        assert response.status_code == 200
    csv = client.get(reverse("research:export", args=[own, "topics", "csv"]) + base)
    assert "牧区基层治理调研" in csv.content.decode("utf-8")


def test_visit_log_from_the_inbox(client, guide, group, units, campaign):
    from shigan.metrics.selectors import metric_value

    client.force_login(guide)
    assert client.get(reverse("research:visit_log")).status_code == 200
    response = client.post(
        reverse("research:visit_log"),
        {"group": group.pk, "unit": units["parent"].pk, "visited_on": "2023-04-15"},
    )
    assert response.status_code == 302
    assert (
        metric_value(
            "research.guidance_visits",
            unit=units["parent"],
            campaign=campaign,
            user=system_actor("test"),
        )
        == 1
    )


def test_topic_page_queries_do_not_grow_with_trips(
    client, editor, approved_topic, units, django_assert_num_queries
):
    client.force_login(editor)
    url = approved_topic.get_absolute_url()
    services.topic_trip_log(actor=editor, topic=approved_topic, visited_on=D, place=units["own"])
    client.get(url)
    with django_assert_num_queries(13) as first:  # no session save, one scope query
        client.get(url)
    for _i in range(5):
        services.topic_trip_log(
            actor=editor, topic=approved_topic, visited_on=D, place=units["child"]
        )
        services.result_create(
            actor=editor, topic=approved_topic, kind="rule", title=f"制度成果第{_i}号"
        )
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(url)
    # A title no random token (CSRF, cache key) can contain by chance.
    assert response.content.decode().count("制度成果第4号") == 1


def test_figures_page_links_every_figure(
    client, editor, guide, topic, units, campaign, office, make_user
):
    from shigan.campaigns import services as campaigns

    batch = campaigns.batch_create(actor=office, campaign=campaign, name="第一批", starts_on=D)
    campaigns.participation_enroll(actor=office, batch=batch, units=[units["own"]], enrolled_on=D)
    plan = services.topic_plan_submit(actor=editor, topic=topic, text="方案", day=D)
    services.topic_plan_review(actor=guide, plan=plan, verdict="revise", comments="改", day=D)
    leader = make_user(Role.LEADER, units["parent"])
    client.force_login(leader)
    q = f"?unit={units['parent'].pk}&campaign={campaign.pk}"
    body = client.get(reverse("research:figures") + q).content.decode()
    assert reverse("research:revised_units") in body
    records = client.get(reverse("research:batch_records", args=["research.topics"]) + q)
    assert "牧区基层治理调研" in records.content.decode()
    revised = client.get(reverse("research:revised_units") + q).content.decode()
    assert "共 1 条记录" in revised and units["own"].name in revised
    client.force_login(make_user(Role.EDITOR, units["sibling"]))
    assert client.get(reverse("research:figures") + q).status_code == 404


def test_workspace_tab_shows_linked_figures(client, editor, approved_topic, units, campaign):
    services.topic_trip_log(actor=editor, topic=approved_topic, visited_on=D, place=units["own"])
    client.force_login(editor)
    url = reverse("campaigns:workspace", args=[campaign.pk, units["own"].pk]) + "?tab=research"
    body = client.get(url).content.decode()
    assert "开展调研次数" in body
    assert reverse("metrics:records", args=["research.trips"]) in body
    assert reverse("research:unit_list", args=[units["own"].pk]) in body


def test_import_page_runs_the_job_with_the_campaign(
    client, editor, units, campaign, aspect, lead, make_user
):
    import io

    import xlsxwriter
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["课题名称", "方面", "牵头领导"])
    sheet.write_row(1, 0, ["导入的课题", aspect.name, lead.name])
    book.close()
    upload = SimpleUploadedFile(
        "topics.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    client.force_login(editor)
    url = reverse("research:import", args=[units["own"].pk, "topics"]) + f"?campaign={campaign.pk}"
    assert client.get(url).status_code == 200
    response = client.post(url, {"file": upload, "mode": "all"})
    assert response.status_code == 302
    assert ResearchTopic.objects.filter(title="导入的课题", campaign=campaign).exists()
    client.force_login(make_user(Role.VIEWER, units["own"]))
    assert client.get(url).status_code == 403


def test_inbox_lists_only_this_members_plans_in_fixed_queries(
    client,
    editor,
    guide,
    outsider_guide,
    units,
    campaign,
    aspect,
    lead,
    django_assert_num_queries,
):
    for i in range(3):
        topic = services.topic_create(
            actor=editor,
            unit=units["own"],
            campaign=campaign,
            aspect=aspect,
            title=f"待审{i}",
            lead=lead,
        )
        services.topic_plan_submit(actor=editor, topic=topic, text="方案", day=D)
    client.force_login(guide)
    client.get(reverse("research:inbox"))
    with django_assert_num_queries(9):  # no session save, one scope query
        body = client.get(reverse("research:inbox")).content.decode()
    assert all(f"待审{i}" in body for i in range(3))
    client.force_login(outsider_guide)
    assert "待审0" not in client.get(reverse("research:inbox")).content.decode()
