"""Issue 14, build point 3: every entry of the navigation works for every demo role, or is not
shown. Each demo account opens its landing page, and every link of its menu (the main
navigation and the user menu) is followed to the page it ends on: none is a 404 or 403, and the
pages that used to be dead ends now show what the role can reach."""

import re

import pytest
from django.contrib.auth import get_user_model

from shigan.accounts.services import user_create
from shigan.accounts.system import system_actor
from shigan.campaigns.models import GuidanceGroup
from shigan.demo.services import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db

MENU = re.compile(r'<div class="shell-menu" id="shell-menu">(.*?)</header>', re.S)
LINK = re.compile(r'<a href="(/[^"]*)"[^>]*>([^<]+)<')


def menu_links(client) -> list[tuple[str, str]]:
    """The (href, label) of every link of the page shell's menu, as the landing page draws it."""
    home = client.get("/")
    assert home.status_code == 200
    menu = MENU.search(home.content.decode())
    assert menu, "the landing page has no menu"
    return LINK.findall(menu.group(1))


def signed_in(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.mark.parametrize("username", [a.username for a in DEMO_ACCOUNTS] + ["newcomer"])
def test_every_menu_link_works_for_the_role(scenario, client, username):
    if username == "newcomer":  # an account not yet given any role
        user_create(
            actor=system_actor("test"), username=username, password="correct-horse-battery-1"
        )
    links = menu_links(signed_in(client, username))
    assert links
    for href, label in links:
        response = client.get(href, follow=True)
        assert response.status_code == 200, (username, label, href, response.status_code)
        assert "页面不存在" not in response.content.decode(), (username, label, href)


def test_every_role_sees_the_pillars_except_the_auditor(scenario, client):
    labels = [label for _href, label in menu_links(signed_in(client, "league_leader"))]
    for label in ("学习活动", "调查研究", "问题整改", "销号审核", "调研方案审核", "主题教育"):
        assert label in labels
    client.logout()
    assert [label for _h, label in menu_links(signed_in(client, "auditor"))] == [
        "审计",
        "消息",
        "API 令牌",
        "动态口令",  # issue 16: the second factor and one's password, for every user
        "修改密码",
    ]


def test_campaigns_list_the_workspaces_of_a_leader(scenario, client):
    page = signed_in(client, "league_leader").get("/campaigns/").content.decode()
    assert "没有可查看的主题教育" not in page
    workspace = f"/campaigns/{scenario.campaign.pk}/units/"
    assert workspace in page and "锡林郭勒盟 · " in page
    href = re.search(rf'href="({workspace}\d+/)"', page).group(1)
    assert client.get(href).status_code == 200


def test_guidance_member_lands_on_the_group_units(scenario, client):
    group = GuidanceGroup.objects.get(members__username="guide")
    page = signed_in(client, "guide").get("/").content.decode()
    assert "您还没有任何单位的角色" not in page
    for unit in group.units.all():
        assert f'href="{unit.get_absolute_url()}"' in page, unit.name


@pytest.mark.parametrize("path", ["/study/", "/research/"])
def test_study_and_research_have_index_pages(scenario, client, path):
    # One unit: straight to its ledger; several (the guidance member): a choice of them.
    response = signed_in(client, "league_leader").get(path, follow=True)
    assert response.status_code == 200 and "锡林郭勒盟" in response.content.decode()
    assert response.redirect_chain, "one unit in scope: its ledger directly"
    client.logout()
    response = signed_in(client, "guide").get(path)
    group = GuidanceGroup.objects.get(members__username="guide")
    page = response.content.decode()
    assert response.status_code == 200
    assert sum(unit.name in page for unit in group.units.all()) == group.units.count()
