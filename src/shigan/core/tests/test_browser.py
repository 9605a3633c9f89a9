"""The UI shell in headless Chromium: login, tree, pinyin search, scope, 404."""

import os

import pytest

from shigan.demo.services import DEMO_PASSWORD
from shigan.orgs.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


def test_banner_editor_tree_search_and_scope(demo_accounts, page, live_server, screenshot_dir):
    login(page, live_server, "banner_editor")
    assert page.get_by_role("heading", name="阿巴嘎旗填报员，您好").is_visible()
    page.screenshot(path=os.path.join(screenshot_dir, "home.png"), full_page=True)

    banner = Unit.objects.get(division_level=3, division_code="152522000000")
    first_sumu = Unit.objects.get_children(banner).first()
    page.get_by_role("link", name="单位", exact=True).click()
    node = page.locator(f"li[data-unit='{banner.pk}']")
    node.get_by_role("button", name="展开").click()
    page.locator(f"li[data-unit='{first_sumu.pk}']").wait_for()
    assert node.locator(".children > li").count() == banner.numchild

    page.get_by_label("查找单位").fill("xlglm")
    results = page.locator("#tree-search-results")
    results.get_by_text("没有找到").wait_for()  # the league is above the editor's scope
    page.get_by_label("查找单位").fill(first_sumu.name[:3])
    results.get_by_role("link", name=first_sumu.name).wait_for()

    sibling = Unit.objects.get(division_level=3, division_code="152523000000")
    response = page.goto(f"{live_server.url}/units/{sibling.pk}/")
    assert response.status == 404
    assert page.get_by_role("heading", name="页面不存在").is_visible()
    page.screenshot(path=os.path.join(screenshot_dir, "sibling-404.png"))


def test_league_leader_finds_xilingol_by_initials(demo_accounts, page, live_server):
    login(page, live_server, "league_leader")
    page.get_by_placeholder("切换单位：输入名称或拼音首字母").fill("xlglm")
    link = page.locator("#switcher-results").get_by_role("link", name="锡林郭勒盟", exact=True)
    link.click()
    page.wait_for_url(f"{live_server.url}/units/*/")
    assert page.get_by_role("heading", name="锡林郭勒盟").is_visible()
