"""The petition agency in headless Chromium: a gacha agent takes in a first-time petition and
carries it to the sumu; the sumu accepts and replies on time; the agent records the
petitioner's satisfaction; the banner's first-time local resolution rate shows it and drills
down to it."""

import functools
import os
import re

import pytest

from shigan.accounts.services import user_create
from shigan.accounts.system import system_actor
from shigan.core.services import calendar_year_seed
from shigan.demo.services import DEMO_PASSWORD
from shigan.orgs.models import Unit
from shigan.orgs.services import membership_grant
from shigan.petitions.models import Petition
from shigan.petitions.services import agent_appoint
from shigan.petitions.tests.conftest import PERSON

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting(demo_accounts):
    calendar_year_seed(actor=system_actor("test"), year=2023)
    banner = Unit.objects.get(division_level=3, division_code="152522000000")
    sumu = Unit.objects.get_children(banner).first()
    gacha = Unit.objects.get_children(sumu).first()
    for username, unit in (("village_agent", gacha), ("sumu_agent", sumu)):
        user = user_create(actor=system_actor("test"), username=username, password=DEMO_PASSWORD)
        membership_grant(actor=system_actor("test"), user=user, unit=unit, role="editor")
        agent_appoint(actor=system_actor("test"), user=user, unit=unit)
    return {"banner": banner, "sumu": sumu, "gacha": gacha}


@pytest.fixture
def login(login):
    """The shared `login` (conftest.py) on a phone-sized screen: agents work from phones."""
    return functools.partial(login, width=390, height=844)


def save(page, message):
    page.get_by_role("button", name="保存").click()
    page.get_by_text(message).wait_for()


def test_first_time_petition_resolved_at_the_sumu(login, live_server, setting, screenshot_dir):
    gacha, sumu, banner = setting["gacha"], setting["sumu"], setting["banner"]

    agent = login("village_agent")
    agent.get_by_role("button", name="菜单").click()  # on a phone the menu folds (issue 14)
    agent.get_by_role("link", name="信访代办").click()
    agent.get_by_role("link", name=f"登记信访件（{gacha.name}）").click()
    agent.get_by_label("登记日期").fill("2023-04-03")
    agent.get_by_label("信访形式").select_option(label="来访")
    agent.get_by_label("信访人姓名").fill(PERSON["name"])
    agent.get_by_label("身份证号").fill(PERSON["id_number"])
    agent.get_by_label("联系电话").fill(PERSON["phone"])
    agent.get_by_label("住址").fill(PERSON["address"])
    agent.get_by_label("事由").fill("草场边界纠纷")
    agent.get_by_label("诉求").fill("要求解决与邻户的草场边界纠纷")
    agent.get_by_label("类别").select_option(label="土地草场")
    assert agent.get_by_label("初信初访").is_checked()
    save(agent, "已登记信访件")
    petition = Petition.objects.get()
    assert agent.get_by_text(PERSON["id_number"]).is_visible()  # the agent who took it in
    agent.get_by_role("link", name="转送交办").click()
    agent.get_by_label("转送至").select_option(label=sumu.name)
    agent.get_by_label("转送日期").fill("2023-04-04")
    agent.get_by_label("说明").fill("属苏木职权，转苏木办理")
    save(agent, "已转送。")

    body = login("sumu_agent")
    body.get_by_role("button", name="菜单").click()
    body.get_by_role("link", name="信访代办").click()
    body.get_by_role("link", name=str(petition)).click()
    body.get_by_role("link", name="受理", exact=True).click()
    body.get_by_label("受理日期").fill("2023-04-06")
    save(body, "已受理，并已书面告知信访人。")
    body.get_by_role("link", name="答复", exact=True).click()
    body.get_by_label("答复意见").fill("经实地勘查，已会同双方重新确认草场边界。")
    body.get_by_label("答复日期").fill("2023-04-20")
    body.get_by_label("告知方式").select_option(label="书面答复")
    save(body, "已答复。")
    assert body.locator("#step-handle").get_by_text("按期办理").is_visible()

    agent.goto(f"{live_server.url}{petition.get_absolute_url()}")
    agent.get_by_role("link", name="登记满意度").click()
    agent.get_by_label("满意", exact=True).check()
    agent.get_by_label("评价日期").fill("2023-04-25")
    save(agent, "已登记满意度。")
    agent.screenshot(path=os.path.join(screenshot_dir, "petitions-detail.png"), full_page=True)
    petition.refresh_from_db()
    assert (petition.state, petition.resolved_locally, petition.replied_on_time) == (
        "replied",
        True,
        True,
    )
    assert petition.satisfaction == "satisfied"

    editor = login("banner_editor")
    editor.goto(f"{live_server.url}/petitions/units/{banner.pk}/figures/")
    tile = editor.locator("#rate-first-time-local")
    assert tile.get_by_text("100.0%").is_visible()
    assert editor.get_by_text(PERSON["id_number"]).count() == 0
    editor.screenshot(path=os.path.join(screenshot_dir, "petitions-figures.png"), full_page=True)
    tile.get_by_role("link").first.click()
    editor.get_by_text("共 1 条记录").wait_for()
    assert editor.get_by_role("heading", name=re.compile("初信初访就地化解件数")).is_visible()
    editor.get_by_role("link", name=str(petition)).click()
    editor.get_by_text("张*").wait_for()  # the banner's editor sees the petitioner masked
    assert editor.get_by_text(PERSON["id_number"]).count() == 0
    editor.screenshot(path=os.path.join(screenshot_dir, "petitions-drilldown.png"), full_page=True)
