"""Campaign pages: the permission matrix, the workspace, enrolment, aspects, visits."""

import pytest
from django.urls import reverse

from shigan.audit.models import AuditEntry
from shigan.campaigns import services
from shigan.campaigns.models import Aspect, GuidanceVisit, Participation
from shigan.campaigns.tests.conftest import D
from shigan.orgs.choices import Role
from shigan.orgs.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(units, make_user, office, member):
    return {
        "office": office,
        "root_editor": make_user(Role.EDITOR, units["region"], username="root_editor"),
        "unit_editor": make_user(Role.EDITOR, units["own"], username="unit_editor"),
        "member": member,
        # an admin elsewhere in the region: 鄂尔多斯市, outside the campaign office's sight
        "outsider": make_user(Role.ADMIN, units["unrelated"], username="outsider"),
    }


# role → (campaign page GET, office POST: new batch)
CAMPAIGN_MATRIX = {
    "office": (200, 302),
    "root_editor": (200, 403),
    "member": (200, 403),
    "unit_editor": (404, 404),
    "outsider": (404, 404),
}


@pytest.mark.parametrize("role", CAMPAIGN_MATRIX)
def test_campaign_page_permission_matrix(client, people, campaign, role):
    expected_get, expected_post = CAMPAIGN_MATRIX[role]
    client.force_login(people[role])
    assert client.get(reverse("campaigns:detail", args=[campaign.pk])).status_code == expected_get
    response = client.post(
        reverse("campaigns:batch_create", args=[campaign.pk]),
        {"name": "第二批", "starts_on": "2023-09-01"},
    )
    assert response.status_code == expected_post
    assert campaign.batches.filter(name="第二批").exists() == (expected_post == 302)


def test_campaign_list_shows_own_group_and_workspace_campaigns_only(client, people, campaign):
    for role, expected in [
        ("office", True),
        ("root_editor", True),
        ("member", True),
        ("unit_editor", True),  # by its unit's workspace (issue 14), not the campaign's page
        ("outsider", True),  # its league lies in the region: its workspace is there
    ]:
        client.force_login(people[role])
        text = client.get(reverse("campaigns:list")).content.decode()
        assert (campaign.name in text) is expected, role


# role → {unit key: workspace status}
WORKSPACE_MATRIX = {
    "office": {"own": 200, "grandchild": 200, "sibling": 200},
    "unit_editor": {"own": 200, "grandchild": 200, "sibling": 404},
    "member": {"own": 200, "grandchild": 200, "sibling": 404, "parent": 404},
    "outsider": {"own": 404, "sibling": 404},
}


@pytest.mark.parametrize("role", WORKSPACE_MATRIX)
def test_workspace_permission_matrix(client, people, campaign, units, role):
    client.force_login(people[role])
    for key, expected in WORKSPACE_MATRIX[role].items():
        url = reverse("campaigns:workspace", args=[campaign.pk, units[key].pk])
        assert client.get(url).status_code == expected, key


def test_workspace_of_a_unit_outside_the_campaign_is_404(client, office, units, make_user):
    other = services.campaign_create(
        actor=office, name="旗级活动", root_unit=units["own"], starts_on=D
    )
    client.force_login(office)
    url = reverse("campaigns:workspace", args=[other.pk, units["sibling"].pk])
    assert client.get(url).status_code == 404


def test_workspace_shows_enrolment_visits_and_figures_link(
    client, office, member, campaign, batch, group, units
):
    services.participation_enroll(actor=office, batch=batch, units=[units["own"]], enrolled_on=D)
    services.guidance_visit_log(
        actor=member,
        group=group,
        unit=units["child"],
        visited_on=D,
        purpose="research",
        notes="检查调研方案",
    )
    client.force_login(member)
    url = reverse("campaigns:workspace", args=[campaign.pk, units["own"].pk])
    text = client.get(url + "?tab=guidance").content.decode()
    assert "第一批" in text
    assert "检查调研方案" in text
    assert units["child"].name in text
    assert f"/metrics/?unit={units['own'].pk}&campaign={campaign.pk}" in text
    assert reverse("campaigns:visit_log", args=[campaign.pk]) in text
    # the unit's breadcrumbs: the member does not see the league above the assigned banner
    assert units["parent"].name not in text


def test_workspace_tabs_include_other_apps_only_when_their_templates_exist(
    client, office, campaign, units, monkeypatch
):
    from shigan.campaigns import views

    monkeypatch.setattr(views, "WORKSPACE_TABS", {"study": "no/such/_workspace_tab.html"})
    client.force_login(office)
    url = reverse("campaigns:workspace", args=[campaign.pk, units["own"].pk])
    response = client.get(url + "?tab=study")
    assert response.status_code == 200
    assert 'href="?tab=study"' not in response.content.decode()
    assert "巡回指导" in response.content.decode()


def test_unit_detail_links_to_the_units_campaigns(client, office, campaign, units):
    client.force_login(office)
    text = client.get(units["own"].get_absolute_url()).content.decode()
    link = reverse("campaigns:list") + f"?unit={units['own'].pk}"
    assert link in text
    listing = client.get(link).content.decode()
    assert reverse("campaigns:workspace", args=[campaign.pk, units["own"].pk]) in listing


def test_enrol_without_and_with_subtree(client, office, campaign, batch, units):
    client.force_login(office)
    url = reverse("campaigns:batch", args=[campaign.pk, batch.pk])
    response = client.post(url, {"units": [units["own"].pk], "enrolled_on": "2023-04-10"})
    assert response.status_code == 302
    assert list(Participation.objects.filter(batch=batch).values_list("unit", flat=True)) == [
        units["own"].pk
    ]
    subtree = Unit.objects.subtree_of(units["child"]).count()
    response = client.post(
        url,
        {"units": [units["child"].pk], "include_subtree": "on", "enrolled_on": "2023-04-10"},
    )
    assert response.status_code == 302
    assert Participation.objects.filter(batch=batch).count() == 1 + subtree


def test_enrolling_more_than_50_units_asks_for_confirmation(client, office, campaign, batch, units):
    size = Unit.objects.subtree_of(units["own"]).count()
    assert size > 50
    client.force_login(office)
    url = reverse("campaigns:batch", args=[campaign.pk, batch.pk])
    data = {"units": [units["own"].pk], "include_subtree": "on", "enrolled_on": "2023-04-10"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert f"确认纳入 {size} 个单位" in response.content.decode()
    assert not Participation.objects.filter(batch=batch).exists()
    response = client.post(url, {**data, "confirmed": "on"})
    assert response.status_code == 302
    assert Participation.objects.filter(batch=batch).count() == size


def test_enrol_refuses_units_outside_the_campaign(client, office, units, make_user):
    small = services.campaign_create(
        actor=office, name="旗级活动", root_unit=units["own"], starts_on=D
    )
    batch = services.batch_create(actor=office, campaign=small, name="第一批", starts_on=D)
    client.force_login(office)
    url = reverse("campaigns:batch", args=[small.pk, batch.pk])
    response = client.post(url, {"units": [units["sibling"].pk], "enrolled_on": "2023-04-10"})
    assert response.status_code == 400
    assert "不在本次主题教育的范围内" in response.content.decode()
    assert not Participation.objects.filter(batch=batch).exists()


def test_participation_remove_needs_the_office(client, people, campaign, batch, units):
    services.participation_enroll(
        actor=people["office"], batch=batch, units=[units["own"]], enrolled_on=D
    )
    participation = Participation.objects.get(batch=batch)
    url = reverse("campaigns:participation_remove", args=[campaign.pk, participation.pk])
    client.force_login(people["root_editor"])
    assert client.post(url).status_code == 403
    client.force_login(people["outsider"])
    assert client.post(url).status_code == 404
    client.force_login(people["office"])
    assert client.post(url).status_code == 302
    assert not Participation.objects.filter(batch=batch).exists()
    assert AuditEntry.objects.filter(action="campaigns.participation.removed").exists()


def test_participation_list_paged_counted_and_query_count_pinned(
    client, office, campaign, batch, units, django_assert_num_queries
):
    villages = list(Unit.objects.subtree_of(units["own"]).filter(depth=5)[:60])
    services.participation_enroll(actor=office, batch=batch, units=villages[:10], enrolled_on=D)
    client.force_login(office)
    url = reverse("campaigns:batch", args=[campaign.pk, batch.pk])
    client.get(url)  # warm the session
    with django_assert_num_queries(QUERIES) as small:
        client.get(url)
    services.participation_enroll(actor=office, batch=batch, units=villages[10:], enrolled_on=D)
    with django_assert_num_queries(QUERIES):
        response = client.get(url)
    text = response.content.decode()
    assert "参学单位共 60 个" in text
    assert "第 1 / 2 页" in text
    assert text.count("确定将该单位移出本批次吗") == 50  # one page of 50, each with its confirm
    assert small is not None


# session, user, campaign, role scope (every action at once), batch, count, page, counts by
# kind, …; the session is not saved (shigan.accounts.idle)
QUERIES = 8


def test_aspects_rename_and_reorder_through_the_page(client, office, campaign):
    client.force_login(office)
    for name in ["基层治理", "安全生产", "乡村振兴"]:
        response = client.post(
            reverse("campaigns:aspect_create", args=[campaign.pk]),
            {"kind": "research", "name": name},
        )
        assert response.status_code == 302
    a, b, c = Aspect.objects.filter(campaign=campaign, kind="research").order_by("ordinal")
    response = client.post(
        reverse("campaigns:aspect_move", args=[campaign.pk, c.pk]), {"direction": "up"}
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#aspect-{c.pk}")
    order = list(
        Aspect.objects.filter(campaign=campaign, kind="research")
        .order_by("ordinal")
        .values_list("name", flat=True)
    )
    assert order == ["基层治理", "乡村振兴", "安全生产"]
    # the first one cannot go further up: nothing changes
    client.post(reverse("campaigns:aspect_move", args=[campaign.pk, a.pk]), {"direction": "up"})
    a.refresh_from_db()
    assert a.ordinal == 1
    client.post(reverse("campaigns:aspect_rename", args=[campaign.pk, b.pk]), {"name": "安全稳定"})
    b.refresh_from_db()
    assert b.name == "安全稳定"
    # a duplicate name is refused with a message, nothing changes
    response = client.post(
        reverse("campaigns:aspect_rename", args=[campaign.pk, b.pk]),
        {"name": "基层治理"},
        follow=True,
    )
    assert "已有名为“基层治理”的方面" in response.content.decode()
    b.refresh_from_db()
    assert b.name == "安全稳定"
    page = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert page.index("基层治理") < page.index("乡村振兴") < page.index("安全稳定")
    assert "上移“乡村振兴”" in page


def test_aspect_pages_forbidden_to_non_office(client, people, campaign):
    aspect = services.aspect_create(
        actor=people["office"], campaign=campaign, kind="problem", name="形式主义"
    )
    client.force_login(people["member"])
    url = reverse("campaigns:aspect_rename", args=[campaign.pk, aspect.pk])
    assert client.post(url, {"name": "官僚主义"}).status_code == 403
    client.force_login(people["unit_editor"])
    assert client.post(url, {"name": "官僚主义"}).status_code == 404
    aspect.refresh_from_db()
    assert aspect.name == "形式主义"


def test_groups_members_and_units_through_the_page(client, office, campaign, units, make_user):
    user = make_user(username="zhangsan")
    client.force_login(office)
    client.post(reverse("campaigns:group_create", args=[campaign.pk]), {"name": "第三组"})
    group = campaign.groups.get(name="第三组")
    client.post(
        reverse("campaigns:group_member_add", args=[campaign.pk, group.pk]),
        {"username": "zhangsan"},
    )
    client.post(
        reverse("campaigns:group_assign", args=[campaign.pk, group.pk]),
        {"units": [units["sibling"].pk]},
    )
    assert list(group.members.all()) == [user]
    assert list(group.units.all()) == [units["sibling"]]
    client.force_login(user)
    url = reverse("campaigns:workspace", args=[campaign.pk, units["sibling"].pk])
    assert client.get(url).status_code == 200
    client.force_login(office)
    client.post(reverse("campaigns:group_member_remove", args=[campaign.pk, group.pk, user.pk]))
    assert not group.members.exists()
    client.force_login(user)
    assert client.get(url).status_code == 404


def test_unit_picker_searches_the_campaign_tree(client, office, campaign, units):
    client.force_login(office)
    url = reverse("campaigns:unit_picker", args=[campaign.pk])
    text = client.get(url, {"q": "阿巴嘎", "field": "units"}).content.decode()
    assert f'name="units" value="{units["own"].pk}"' in text


def test_visit_log_only_by_members_and_list_filters_and_export(
    client, people, campaign, group, units
):
    url = reverse("campaigns:visit_log", args=[campaign.pk])
    client.force_login(people["office"])
    assert client.get(url).status_code == 403
    client.force_login(people["member"])
    assert client.get(url, {"unit": units["own"].pk}).status_code == 200
    response = client.get(url, {"unit": units["sibling"].pk})
    assert response.status_code == 404
    data = {
        "group": group.pk,
        "unit": units["child"].pk,
        "visited_on": "2023-05-06",
        "purpose": "rectification",
        "notes": "督促整改",
    }
    assert client.post(url, data).status_code == 302
    data2 = {**data, "purpose": "research", "notes": "指导调研", "visited_on": "2023-06-01"}
    assert client.post(url, data2).status_code == 302
    assert GuidanceVisit.objects.count() == 2
    listing = reverse("campaigns:visit_list", args=[campaign.pk])
    text = client.get(listing, {"purpose": "research"}).content.decode()
    assert "指导调研" in text and "督促整改" not in text
    text = client.get(listing, {"date_to": "2023-05-31"}).content.decode()
    assert "督促整改" in text and "指导调研" not in text
    export = client.get(listing, {"purpose": "rectification", "format": "csv"})
    body = b"".join(export).decode("utf-8-sig")
    assert "督促整改" in body and "指导调研" not in body
    # the office sees the visits too; someone outside the campaign does not
    client.force_login(people["office"])
    assert "督促整改" in client.get(listing).content.decode()
    client.force_login(people["outsider"])
    assert client.get(listing).status_code == 404


def test_visit_to_an_unassigned_unit_is_refused_with_a_message(
    client, people, campaign, group, units
):
    client.force_login(people["member"])
    # the member sees the region? No: only the assigned subtree. A unit outside it is a 404.
    data = {
        "group": group.pk,
        "unit": units["sibling"].pk,
        "visited_on": "2023-05-06",
        "purpose": "general",
    }
    response = client.post(reverse("campaigns:visit_log", args=[campaign.pk]), data)
    assert response.status_code == 404
    assert not GuidanceVisit.objects.exists()


@pytest.mark.parametrize("tab", ["study", "research", "guidance"])
def test_every_workspace_tab_renders(client, office, campaign, units, tab):
    client.force_login(office)
    url = reverse("campaigns:workspace", args=[campaign.pk, units["own"].pk])
    assert client.get(url, {"tab": tab}).status_code == 200
