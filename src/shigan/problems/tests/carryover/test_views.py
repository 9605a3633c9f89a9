"""The carry-over page, the campaign start page, the problem page's links across campaigns and
the carry-over API."""

import re

import pytest
from django.urls import reverse

from shigan.campaigns.models import Campaign
from shigan.core import pagination
from shigan.orgs.choices import Role
from shigan.problems.models import Problem
from shigan.problems.tests.carryover.conftest import D

pytestmark = pytest.mark.django_db


def _page(new):
    return reverse("problems:carry_over", args=[new.pk])


def _post(client, new, old, **data):
    payload = {"source": old["campaign"].pk, "unit": new.root_unit_id, "day": "2024-04-08"}
    payload.update(data)
    return client.post(_page(new), payload)


def test_the_office_sees_the_candidates(client, office, old, new):
    client.force_login(office)
    page = client.get(_page(new)).content.decode()
    assert "2 个可转入的问题" in page
    assert "办事环节多" in page and "基层负担重" in page and "已整改的问题" not in page


@pytest.mark.parametrize(
    ("role", "place", "status"),
    [(Role.LEADER, "region", 403), (Role.EDITOR, "own", 404), (Role.ADMIN, "unrelated", 404)],
)
def test_others_may_not_carry_over(client, make_user, units, old, new, role, place, status):
    client.force_login(make_user(role, units[place]))
    assert client.get(_page(new)).status_code == status
    assert _post(client, new, old, problems=[old["slow"].pk]).status_code == status
    assert not Problem.objects.filter(campaign=new).exists()


def test_chosen_problems_are_carried_and_linked_both_ways(client, office, old, new):
    client.force_login(office)
    response = _post(client, new, old, problems=[old["slow"].pk])
    assert response.status_code == 302
    carried = Problem.objects.get(campaign=new)
    assert carried.carried_from == old["slow"] and carried.carried_on == D(2024, 4, 8)
    page = client.get(carried.get_absolute_url()).content.decode()
    assert old["slow"].get_absolute_url() in page and "已精简一半材料" in page  # its history
    original = client.get(old["slow"].get_absolute_url()).content.decode()
    assert carried.get_absolute_url() in original and "2024年党纪学习教育" in original
    # The original offers no more actions (the services would refuse them).
    assert reverse("problems:report_create", args=[old["slow"].pk]) not in original
    assert reverse("problems:report_create", args=[carried.pk]) in page
    left = client.get(_page(new)).content.decode()
    assert "1 个可转入的问题" in left and "办事环节多" not in left


def test_a_whole_subtree_across_pages(client, office, old, new, units, monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 1)
    client.force_login(office)
    page = client.get(_page(new), {"unit": units["own"].pk}).content.decode()
    assert "第 1 / 2 页" in page
    response = _post(client, new, old, unit=units["own"].pk, everything="on")
    assert response.status_code == 302
    assert set(Problem.objects.filter(campaign=new).values_list("carried_from", flat=True)) == {
        old["slow"].pk,
        old["lasting"].pk,
    }


def test_nothing_chosen_is_refused_and_changes_nothing(client, office, old, new):
    client.force_login(office)
    response = _post(client, new, old)
    assert response.status_code == 400
    assert "请至少选择一个问题。" in response.content.decode()
    early = _post(client, new, old, problems=[old["slow"].pk], day="2024-03-01")
    assert early.status_code == 400
    assert "转入日期不能早于这次主题教育的开始日期。" in early.content.decode()
    assert not Problem.objects.filter(campaign=new).exists()


def test_start_the_next_campaign_from_the_previous_one(client, office, old, units):
    client.force_login(office)
    url = reverse("campaigns:start_next", args=[old["campaign"].pk])
    response = client.post(
        url,
        {
            "name": "2024年党纪学习教育",
            "root_unit": units["region"].pk,
            "starts_on": "2024-04-08",
            "aspects": "copy",
        },
    )
    started = Campaign.objects.get(name="2024年党纪学习教育")
    assert response.status_code == 302 and response["Location"] == _page(started)
    assert started.previous == old["campaign"]
    assert list(started.aspects.values_list("name", flat=True)) == ["作风建设"]
    detail = client.get(reverse("campaigns:detail", args=[started.pk])).content.decode()
    assert _page(started) in detail and reverse("dashboards:compare") in detail


def test_the_api_carries_over(client, office, make_user, units, old, new):
    url = reverse("problems-carry-over")
    body = {
        "campaign": new.pk,
        "source": old["campaign"].pk,
        "problems": [old["lasting"].pk],
        "day": "2024-04-15",
        "deadline": "2024-07-01",
    }
    client.force_login(make_user(Role.LEADER, units["region"]))  # sees it, not the office
    assert client.post(url, body, content_type="application/json").status_code == 403
    client.force_login(office)
    listed = client.get(url, {"campaign": new.pk, "source": old["campaign"].pk}).json()
    assert {p["id"] for p in listed} == {old["slow"].pk, old["lasting"].pk}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201
    (carried,) = response.json()
    assert carried["carried_from"] == old["lasting"].pk and carried["carried_on"] == "2024-04-15"
    again = client.post(url, body, content_type="application/json")
    assert again.status_code == 400
    assert re.search("不可转入", again.content.decode())
