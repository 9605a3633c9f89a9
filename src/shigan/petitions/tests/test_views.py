"""Pages: the permission matrix (role × place × page → status), the whole flow through the
forms, the desk's order, query counts on the lists, the figures page, agents."""

import datetime

import pytest
from django.urls import reverse

from shigan.petitions import services
from shigan.petitions.models import Agent, Petition
from shigan.petitions.tests.conftest import PERSON, D, intake

pytestmark = pytest.mark.django_db

day = datetime.timedelta(days=1)


def status(client, user, url):
    client.force_login(user)
    return client.get(url).status_code


@pytest.mark.parametrize(
    ("who", "detail", "accept", "extend", "unit_list"),
    [
        ("sumu_agent", 200, 200, 403, 200),
        ("sumu_leader", 200, 200, 200, 200),
        ("gacha_agent", 200, 403, 403, 404),  # sees it (took it in); the sumu is not its unit
        ("banner_leader", 200, 200, 200, 200),  # above: may act, sees masked data
        ("viewer", 200, 403, 403, 200),
        ("other_sumu_editor", 404, 404, 404, 404),
    ],
)
def test_permission_matrix(client, routed, people, places, who, detail, accept, extend, unit_list):
    user = people[who]
    assert status(client, user, reverse("petitions:detail", args=[routed.pk])) == detail
    assert status(client, user, reverse("petitions:accept", args=[routed.pk])) == accept
    assert status(client, user, reverse("petitions:extend", args=[routed.pk])) == extend
    assert (
        status(client, user, reverse("petitions:unit_list", args=[places["sumu"].pk])) == unit_list
    )


def test_intake_page_only_for_ones_own_post(client, agents, people):
    url = reverse("petitions:intake", args=[agents["gacha"].pk])
    assert status(client, people["gacha_agent"], url) == 200
    assert status(client, people["sumu_agent"], url) == 404


def test_the_flow_through_the_pages(client, agents, people, places):
    client.force_login(people["gacha_agent"])
    response = client.post(
        reverse("petitions:intake", args=[agents["gacha"].pk]),
        {
            "received_on": "2023-04-03",
            "channel": "visit",
            "name": "张三",
            "id_number": PERSON["id_number"],
            "phone": "13812345678",
            "address": "某嘎查",
            "title": "草场边界纠纷",
            "request": "要求解决草场边界纠纷",
            "category": "land",
            "first_time": "on",
        },
    )
    petition = Petition.objects.get()
    assert response.status_code == 302 and response.url == petition.get_absolute_url()
    desk = client.get(reverse("petitions:desk")).content.decode()
    assert petition.number in desk
    response = client.post(
        reverse("petitions:route", args=[petition.pk]),
        {"to_unit": places["sumu"].pk, "day": "2023-04-04", "note": "属苏木职权"},
    )
    assert response.status_code == 302

    client.force_login(people["sumu_agent"])
    assert petition.number in client.get(reverse("petitions:desk")).content.decode()
    client.post(reverse("petitions:accept", args=[petition.pk]), {"accepted_on": "2023-04-06"})
    response = client.post(
        reverse("petitions:reply", args=[petition.pk]),
        {"text": "已重新确认边界", "replied_on": "2023-04-20", "told_by": "writing"},
    )
    assert response.status_code == 302

    client.force_login(people["gacha_agent"])
    desk = client.get(reverse("petitions:desk")).content.decode()
    assert "已答复待回访" in desk
    client.post(
        reverse("petitions:rate", args=[petition.pk]),
        {"satisfaction": "satisfied", "rated_on": "2023-04-25"},
    )
    petition.refresh_from_db()
    assert (petition.state, petition.satisfaction, petition.resolved_locally) == (
        "replied",
        "satisfied",
        True,
    )
    body = client.get(petition.get_absolute_url()).content.decode()
    for text in ("按期办理", "别力古台社区居委会 → 别力古台镇", "属苏木职权", "满意"):
        assert text in body


def test_a_refused_step_names_the_field_and_changes_nothing(client, routed, people):
    client.force_login(people["sumu_agent"])
    response = client.post(
        reverse("petitions:accept", args=[routed.pk]), {"accepted_on": "2023-04-01"}
    )
    assert response.status_code == 400
    assert "受理日期：日期不能早于收到日期（2023-04-04）。" in response.content.decode()
    routed.refresh_from_db()
    assert routed.state == "routed"


def test_the_duplicate_warning_on_the_intake_form(client, petition, agents, people):
    client.force_login(people["gacha_agent"])
    data = {
        "received_on": "2023-04-10",
        "channel": "phone",
        "name": "张三",
        "id_number": PERSON["id_number"],
        "title": "草场边界",
        "request": "要求解决草场边界纠纷问题",
        "category": "land",
    }
    url = reverse("petitions:intake", args=[agents["gacha"].pk])
    response = client.post(url, data)
    assert response.status_code == 400 and petition.number in response.content.decode()
    assert client.post(url, {**data, "confirm_duplicate": "on"}).status_code == 302
    assert Petition.objects.count() == 2


def test_desk_puts_the_one_due_first_on_top(client, agents, people):
    late = intake(agents["gacha"], day=D, request="诉求一")
    early = intake(agents["gacha"], day=D - 10 * day, request="诉求二")
    client.force_login(people["gacha_agent"])
    body = client.get(reverse("petitions:desk")).content.decode()
    assert body.index(early.number) < body.index(late.number)


def test_lists_pin_their_queries(client, agents, people, places, django_assert_max_num_queries):
    for i in range(55):
        intake(agents["gacha"], day=D, request=f"诉求{i}", person={**PERSON, "name": f"人{i}"})
    client.force_login(people["gacha_agent"])
    for url in (
        reverse("petitions:unit_list", args=[places["gacha"].pk]),
        reverse("petitions:desk"),
    ):
        client.get(url)
        with django_assert_max_num_queries(14):
            response = client.get(url)
        assert response.status_code == 200
    assert (
        "共 55 件"
        in client.get(reverse("petitions:unit_list", args=[places["gacha"].pk])).content.decode()
    )


def test_detail_page_queries_are_fixed(client, replied, people, django_assert_max_num_queries):
    client.force_login(people["sumu_agent"])
    url = replied.get_absolute_url()
    client.get(url)
    with django_assert_max_num_queries(30):
        client.get(url)


def test_figures_page_shows_the_rates(
    client, replied, people, places, django_assert_max_num_queries
):
    services.petition_rate(
        actor=people["gacha_agent"],
        petition=replied,
        satisfaction="satisfied",
        rated_on=D + 25 * day,
    )
    client.force_login(people["banner_leader"])
    url = reverse("petitions:figures", args=[places["banner"].pk])
    client.get(url)
    # One read of the children and two of the facts per figure, whatever the records behind.
    with django_assert_max_num_queries(8 * 3 + 10):
        body = client.get(url).content.decode()
    assert body.count("100.0%") >= 3
    assert places["sumu"].name in body


def test_agents_page_appoints_and_retires(client, people, places, calendar_2023):
    url = reverse("petitions:agents", args=[places["gacha"].pk])
    assert status(client, people["viewer"], url) == 200
    assert (
        client.post(url, {"username": "gacha_editor", "appointed_on": "2023-04-01"}).status_code
        == 403
    )
    client.force_login(people["banner_admin"])
    response = client.post(url, {"username": "gacha_editor", "appointed_on": "2023-04-01"})
    assert response.status_code == 302
    agent = Agent.objects.get(user=people["gacha_editor"])
    response = client.post(url, {"username": "nobody", "appointed_on": "2023-04-01"})
    assert "没有这个用户。" in response.content.decode()
    client.post(reverse("petitions:agent_retire", args=[agent.pk]))
    agent.refresh_from_db()
    assert not agent.active
