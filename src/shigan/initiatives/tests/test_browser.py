"""Delivery in headless Chromium: the banner editor adds a project with funds to its key task
and completes a milestone; the league leader then sees the board, the fund sums of the league
and the drill-down behind them change accordingly."""

import datetime
import os
from decimal import Decimal

import pytest

from shigan.accounts.system import system_actor
from shigan.campaigns import services as campaigns
from shigan.core.services import calendar_year_seed
from shigan.initiatives.models import Milestone, Project
from shigan.initiatives.services import key_tasks, milestones, projects
from shigan.orgs.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = datetime.date


@pytest.fixture
def setting(demo_accounts):  # the tree and the demo accounts, not the demo's own ledger
    calendar_year_seed(actor=system_actor("test"), year=2023)
    region = Unit.objects.get(division_level=1, division_code="150000000000")
    league = Unit.objects.get(division_level=2, division_code="152500000000")
    banner = Unit.objects.get(division_level=3, division_code="152522000000")
    sibling = Unit.objects.get(division_level=3, division_code="152523000000")
    campaign = campaigns.campaign_create(
        actor=system_actor("test"), name="主题教育", root_unit=region, starts_on=D(2023, 4, 1)
    )
    task = key_tasks.key_task_create(
        actor=system_actor("test"),
        campaign=campaign,
        unit=banner,
        area="ecology",
        title="草原生态保护修复",
        starts_on=D(2023, 4, 3),
        roadmap="摸清底数\n组织修复",
    )
    milestones.milestone_add(
        actor=system_actor("test"), key_task=task, title="摸清底数", due_on=D(2023, 5, 10)
    )
    milestones.milestone_add(
        actor=system_actor("test"), key_task=task, title="完成修复", due_on=D(2023, 9, 28)
    )
    projects.project_create(
        actor=system_actor("test"),
        campaign=campaign,
        unit=sibling,
        name="边境抵边村建设",
        area="border_security",
        kind="security",
        funds_allocated=Decimal("200000000"),
        approved_on=D(2023, 4, 20),
    )
    return {"campaign": campaign, "league": league, "banner": banner, "task": task}


def league_figures(page, live_server, league, campaign):
    url = f"{live_server.url}/metrics/?unit={league.pk}&campaign={campaign.pk}"
    page.goto(f"{url}&metric=initiatives.project_funds")
    return page


def test_project_funds_and_milestone_move_the_league_figures(
    login, live_server, setting, screenshot_dir
):
    league, banner, campaign = setting["league"], setting["banner"], setting["campaign"]
    board_url = f"{live_server.url}/initiatives/units/{league.pk}/?campaign={campaign.pk}"

    leader = login("league_leader")
    league_figures(leader, live_server, league, campaign)
    assert leader.get_by_role("heading", name="项目安排资金：2亿元").is_visible()
    leader.goto(board_url)
    card = leader.locator("article.task-card", has_text="草原生态保护修复")
    assert card.get_by_role("progressbar").get_attribute("aria-valuenow") == "0"

    editor = login("banner_editor", width=390)
    editor.goto(f"{live_server.url}/initiatives/")  # the nav link: the editor's banner
    editor.get_by_role("link", name="草原生态保护修复").click()
    editor.get_by_role("link", name="登记项目").click()
    editor.get_by_label("项目名称").fill("退化草原修复")
    editor.get_by_label("项目类型").select_option(label="生态保护修复")
    editor.get_by_label("资金来源").select_option(label="中央财政资金")
    editor.get_by_label("安排资金").fill("1.5亿元")
    editor.get_by_label("立项日期").fill("2023-05-02")
    editor.get_by_role("button", name="保存").click()
    editor.get_by_text("已登记项目。").wait_for()
    editor.get_by_role("row", name="摸清底数").get_by_role("link", name="完成").click()
    editor.get_by_label("完成日期").fill("2023-05-09")
    editor.get_by_label("完成情况").fill("完成草场普查")
    editor.get_by_role("button", name="保存").click()
    editor.get_by_text("时间节点已完成。").wait_for()
    editor.locator("#gantt svg").first.wait_for()  # the Gantt strip, drawn by ECharts
    assert (
        editor.locator("#task-progress").get_by_role("progressbar").get_attribute("aria-valuenow")
        == "50"
    )
    editor.screenshot(path=os.path.join(screenshot_dir, "initiatives-key-task.png"), full_page=True)
    assert Project.objects.get(name="退化草原修复").funds_allocated == Decimal("150000000.00")
    assert Milestone.objects.get(title="摸清底数").state == "done"

    # The league: the board, the fund sums and the records behind them follow.
    leader.goto(board_url)
    card = leader.locator("article.task-card", has_text="草原生态保护修复")
    assert card.get_by_role("progressbar").get_attribute("aria-valuenow") == "50"
    assert card.get_by_text("1.5亿元").is_visible()
    assert card.locator(".overdue").count() == 1  # 完成修复 is past its date (today is later)
    assert leader.locator("#funds-total").inner_text() == "3.5亿元"
    assert leader.locator("#funds-total a").get_attribute("title") == "350,000,000.00元"
    leader.screenshot(path=os.path.join(screenshot_dir, "initiatives-board.png"), full_page=True)
    league_figures(leader, live_server, league, campaign)
    heading = leader.get_by_role("heading", name="项目安排资金：3.5亿元")
    assert heading.is_visible()
    heading.get_by_role("link", name="3.5亿元").click()
    leader.get_by_text("共 2 条记录").wait_for()
    row = leader.get_by_role("row", name="退化草原修复")
    assert row.get_by_text("1.5亿元").is_visible()
    assert row.locator(".amount").get_attribute("title") == "150,000,000.00元"
    leader.screenshot(path=os.path.join(screenshot_dir, "initiatives-funds.png"), full_page=True)
    # The banner's own figure (one level down) holds the new project only.
    league_figures(leader, live_server, banner, campaign)
    assert leader.get_by_role("heading", name="项目安排资金：1.5亿元").is_visible()
