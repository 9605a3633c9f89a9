"""Promotion in headless Chromium: the campaign office promotes 自治区农牧厅's adopted result to
达拉特旗's gacha/villages; two village editors, on phones, answer "adopted"; the promotion page
reads 推广到 N 个嘎查村，已采用 2 个, and the 2 opens exactly those two villages' answers."""

import datetime
import os

import pytest
from playwright.sync_api import expect

from shigan.accounts.services import user_create
from shigan.accounts.system import system_actor
from shigan.campaigns import services as campaigns
from shigan.demo.services import DEMO_PASSWORD
from shigan.orgs.choices import PersonRank, Role, UnitKind
from shigan.orgs.models import Unit
from shigan.orgs.services import membership_grant, person_create, unit_create
from shigan.research import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = datetime.date(2023, 4, 20)


@pytest.fixture
def setting(demo_accounts):
    region = Unit.objects.get(division_level=1, division_code="150000000000")
    banner = Unit.objects.get(division_level=3, division_code="150621000000")  # 达拉特旗
    department = unit_create(
        actor=system_actor("test"), parent=region, name="自治区农牧厅", kind=UnitKind.DEPARTMENT
    )
    campaign = campaigns.campaign_create(
        actor=system_actor("test"),
        name="主题教育",
        root_unit=region,
        starts_on=datetime.date(2023, 4, 1),
    )
    aspect = campaigns.aspect_create(
        actor=system_actor("test"), campaign=campaign, kind="research", name="乡村振兴"
    )
    group = campaigns.guidance_group_create(
        actor=system_actor("test"), campaign=campaign, name="第一指导组"
    )
    campaigns.guidance_group_assign(actor=system_actor("test"), group=group, units=[department])
    guide = user_create(actor=system_actor("test"), username="guide_promo", password=DEMO_PASSWORD)
    campaigns.guidance_group_add_member(actor=system_actor("test"), group=group, user=guide)
    lead = person_create(
        actor=system_actor("test"),
        unit=department,
        name="农牧厅厅长",
        rank=PersonRank.BUREAU,
        post="厅长",
    )
    topic = services.topic_create(
        actor=system_actor("test"),
        unit=department,
        campaign=campaign,
        aspect=aspect,
        title="“统种共富”土地合作经营模式调研",
        lead=lead,
        created_on=D,
    )
    plan = services.topic_plan_submit(
        actor=system_actor("test"), topic=topic, text="到官牛犋南社调研", day=D
    )
    services.topic_plan_review(actor=guide, plan=plan, verdict="approved", day=D)
    village = Unit.objects.get(name="侯家营子村委会", path__startswith=banner.path)
    services.topic_trip_log(actor=system_actor("test"), topic=topic, visited_on=D, place=village)
    services.result_create(
        actor=system_actor("test"),
        topic=topic,
        kind="measure",
        title="“统种共富”土地合作经营模式推广方案",
        recorded_on=D,
        state="adopted",
        adopted_on=D,
    )
    villages = list(
        Unit.objects.subtree_of(banner).filter(kind=UnitKind.VILLAGE, active=True).order_by("path")
    )
    adopters = (villages[0], villages[-1])
    for i, unit in enumerate(adopters):
        user = user_create(
            actor=system_actor("test"), username=f"village{i}", password=DEMO_PASSWORD
        )
        membership_grant(actor=system_actor("test"), user=user, unit=unit, role=Role.EDITOR)
    return {"topic": topic, "villages": villages, "adopters": adopters}


def test_office_promotes_two_villages_adopt_figure_reads_two_of_n(
    login, live_server, setting, screenshot_dir
):
    n = len(setting["villages"])
    office = login("office")
    office.goto(f"{live_server.url}{setting['topic'].get_absolute_url()}")
    office.get_by_role("link", name="推广", exact=True).click()
    office.get_by_label("推广范围").fill("150621000000")
    office.get_by_label("推广到").select_option(label="嘎查村")
    office.get_by_label("反馈期限").fill("2099-06-30")
    office.get_by_label("推广要求").fill("结合实际学习借鉴")
    office.get_by_role("button", name="保存").click()
    office.get_by_text("已推广调研成果。").wait_for()
    office.get_by_text(f"推广到 {n} 个嘎查村，已采用 0 个").wait_for()
    promotion_url = office.url

    for i, village in enumerate(setting["adopters"]):
        phone = login(f"village{i}", width=390, height=844)
        phone.goto(f"{live_server.url}/research/promotions/")
        phone.get_by_role("link", name="“统种共富”土地合作经营模式推广方案").click()
        rows = phone.locator("#promotion-targets tbody tr")
        # The link navigates: wait for the promotion's page rather than count the old one.
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text(village.name)
        phone.get_by_role("link", name="反馈采用情况").click()
        phone.get_by_label("已采用").check()
        phone.get_by_label("反馈说明").fill("已组建土地股份合作社")
        phone.get_by_role("button", name="保存").click()
        phone.get_by_text("已反馈采用情况。").wait_for()
        # Nothing wider than the phone.
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        if i == 1:
            phone.screenshot(
                path=os.path.join(screenshot_dir, "promotion-village.png"), full_page=True
            )

    office.goto(promotion_url)
    office.get_by_text(f"推广到 {n} 个嘎查村，已采用 2 个").wait_for()
    office.screenshot(path=os.path.join(screenshot_dir, "promotion-office.png"), full_page=True)
    total = office.locator("#promotion-children tbody tr").first
    total.locator("td").nth(2).get_by_role("link", name="2").click()
    office.get_by_text("共 2 条记录").wait_for()
    for village in setting["adopters"]:
        assert office.get_by_role("cell", name=village.name, exact=True).is_visible()
    # The drill-down by subtree: a township's row opens its own figure.
    office.goto(promotion_url)
    first_town = office.locator("#promotion-children tbody tr").nth(1)
    town = first_town.locator("td").first.inner_text()
    first_town.get_by_role("link", name=town).click()
    office.get_by_text(f"{town}：推广到").wait_for()
