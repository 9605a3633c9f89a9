"""The research workflow in headless Chromium: a banner editor takes a topic, a guidance member
asks for a revision, the plan is resubmitted and approved, trips, a problem and a result are
logged; the metrics overview of the banner and its league shows the new figures."""

import datetime
import functools
import os

import pytest

from shigan.accounts.services import user_create
from shigan.accounts.system import system_actor
from shigan.campaigns import services as campaigns
from shigan.demo.services import DEMO_PASSWORD
from shigan.orgs.choices import PersonRank
from shigan.orgs.models import Unit
from shigan.orgs.services import person_create
from shigan.research.models import ResearchTopic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting(demo_accounts):
    region = Unit.objects.get(division_level=1, division_code="150000000000")
    league = Unit.objects.get(division_level=2, division_code="152500000000")
    banner = Unit.objects.get(division_level=3, division_code="152522000000")
    campaign = campaigns.campaign_create(
        actor=system_actor("test"),
        name="主题教育",
        root_unit=region,
        starts_on=datetime.date(2023, 4, 1),
    )
    campaigns.aspect_create(
        actor=system_actor("test"), campaign=campaign, kind="research", name="生态保护"
    )
    group = campaigns.guidance_group_create(
        actor=system_actor("test"), campaign=campaign, name="第三指导组"
    )
    campaigns.guidance_group_assign(actor=system_actor("test"), group=group, units=[league])
    guide = user_create(actor=system_actor("test"), username="guide3", password=DEMO_PASSWORD)
    campaigns.guidance_group_add_member(actor=system_actor("test"), group=group, user=guide)
    person_create(
        actor=system_actor("test"), unit=banner, name="巴特尔", rank=PersonRank.COUNTY, post="旗长"
    )
    gacha = Unit.objects.get_children(Unit.objects.get_children(banner).first()).first()
    return {"campaign": campaign, "league": league, "banner": banner, "gacha": gacha}


@pytest.fixture
def login(login):
    """The shared `login` (conftest.py) on a phone-sized screen: agents work from phones."""
    return functools.partial(login, width=390, height=844)


def review(page, live_server, verdict, comments=""):
    page.goto(f"{live_server.url}/research/inbox/")
    page.get_by_role("link", name="草原生态保护调研").click()
    page.get_by_label(verdict).check()
    if comments:
        page.get_by_label("具体意见").fill(comments)
    page.get_by_role("button", name="提交审核意见").click()
    page.get_by_text("已审核调研方案。").wait_for()


def test_research_workflow_and_figures(login, live_server, setting, screenshot_dir):
    banner, league, campaign = setting["banner"], setting["league"], setting["campaign"]
    editor = login("banner_editor")
    editor.goto(f"{live_server.url}/research/units/{banner.pk}/?campaign={campaign.pk}")
    editor.get_by_role("link", name="确定调研课题").click()
    editor.get_by_label("课题名称").fill("草原生态保护调研")
    editor.get_by_label("方面").select_option(label="生态保护")
    editor.get_by_label("牵头领导").select_option(index=1)
    editor.get_by_role("button", name="保存").click()
    editor.get_by_role("link", name="提交调研方案").click()
    editor.get_by_label("方案内容").fill("走访三个嘎查。")
    editor.get_by_role("button", name="保存").click()
    editor.get_by_text("方案待审核").first.wait_for()
    topic = ResearchTopic.objects.get(title="草原生态保护调研")

    guide = login("guide3")
    review(guide, live_server, "修改完善", "请增加调研点")

    editor.reload()
    editor.get_by_role("link", name="提交修改后的方案").click()
    editor.get_by_label("方案内容").fill("走访五个嘎查。")
    editor.get_by_role("button", name="保存").click()
    editor.get_by_text("第 2 版").wait_for()

    review(guide, live_server, "通过")
    guide.screenshot(path=os.path.join(screenshot_dir, "research-approved.png"), full_page=True)

    editor.reload()
    for day in ("2023-04-12", "2023-04-15"):
        editor.get_by_role("link", name="登记调研", exact=True).click()
        editor.get_by_label("调研日期").fill(day)
        editor.get_by_label("调研地点").fill(setting["gacha"].division_code)
        editor.get_by_label("调研发现").fill("草场退化")
        editor.get_by_role("button", name="保存").click()
        editor.get_by_text("已登记调研。").wait_for()
    editor.get_by_role("link", name="登记发现的问题").click()
    editor.get_by_label("问题", exact=False).first.fill("草场超载")
    editor.get_by_role("button", name="保存").click()
    editor.get_by_text("已登记问题。").wait_for()
    editor.get_by_role("link", name="登记调研成果").click()
    editor.get_by_label("成果类型").select_option(label="举措")
    editor.get_by_label("成果名称").fill("草畜平衡奖补")
    editor.get_by_role("button", name="保存").click()
    editor.get_by_text("已登记调研成果。").wait_for()
    editor.screenshot(path=os.path.join(screenshot_dir, "research-topic.png"), full_page=True)
    topic.refresh_from_db()
    assert topic.state == "researching"

    leader = login("league_leader")
    figures = (
        ("research.topics", "调研课题数：1", 1),
        ("problems.research", "调研发现问题数：1", 1),
        ("research.results", "调研成果数：1", 1),
        ("research.trips", "开展调研次数：2", 2),
    )
    for unit in (banner, league):
        for key, heading, _n in figures:
            leader.goto(
                f"{live_server.url}/metrics/?unit={unit.pk}&campaign={campaign.pk}&metric={key}"
            )
            assert leader.get_by_role("heading", name=heading).is_visible()
    # Every figure opens exactly the records behind it.
    for key, heading, n in figures:
        leader.goto(
            f"{live_server.url}/metrics/?unit={league.pk}&campaign={campaign.pk}&metric={key}"
        )
        leader.get_by_role("heading", name=heading).get_by_role("link", name=str(n)).click()
        leader.get_by_text(f"共 {n} 条记录").wait_for()
    assert leader.get_by_role("link", name="草原生态保护调研").count() == 2
    leader.screenshot(path=os.path.join(screenshot_dir, "research-figures.png"), full_page=True)
