"""The rectification workflow in headless Chromium, at a human typing pace: a banner editor
records a problem with its first measure (timed: under 90 s of interaction), reports progress
with an evidence file and asks to close it; the league leader rejects once, then accepts; the
light, the ledger's counts and the metrics drill-down follow."""

import datetime
import os
import time

import pytest
from django.utils import timezone

from shigan.accounts.system import system_actor
from shigan.campaigns import services as campaigns
from shigan.core.calendar import add_workdays
from shigan.core.services import calendar_year_seed, package_years
from shigan.orgs.choices import PersonRank
from shigan.orgs.models import Unit
from shigan.orgs.services import person_create
from shigan.problems.models import Problem
from shigan.problems.tests.conftest import PDF_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TYPING_DELAY_MS = 60  # about 16 characters a second: an office worker with an IME
BAR_SECONDS = 90


@pytest.fixture
def setting(demo_accounts, tmp_path):  # the accounts only: this test makes its own campaign
    today = timezone.localdate()
    for year in {today.year - 1, today.year, today.year + 1} & set(package_years()):
        calendar_year_seed(actor=system_actor("test"), year=year)
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
        actor=system_actor("test"), campaign=campaign, kind="problem", name="作风建设"
    )
    person_create(
        actor=system_actor("test"), unit=banner, name="巴特尔", rank=PersonRank.COUNTY, post="旗长"
    )
    evidence = tmp_path / "整改照片.pdf"
    evidence.write_bytes(PDF_BYTES)
    return {
        "campaign": campaign,
        "league": league,
        "banner": banner,
        "evidence": str(evidence),
        # Found a month ago, due in 3 working days, nothing done yet: a yellow light.
        "found_on": today - datetime.timedelta(days=30),
        "deadline": add_workdays(today, 3),
    }


def figure(page, live_server, unit, campaign, label):
    page.goto(f"{live_server.url}/metrics/?unit={unit.pk}&campaign={campaign.pk}&family=problems")
    heading = page.locator("h2", has_text=f"{label}：").filter(has=page.locator("a.figure")).first
    return heading.locator("a.figure").inner_text()


def decide(page, live_server, title, verdict, reason=""):
    page.goto(f"{live_server.url}/problems/inbox/")
    # The inbox is a compact table (issue 14): the reviewer opens the problem to decide it.
    page.locator("#bulk-decide tbody tr", has_text=title).get_by_role("link", name=title).click()
    card = page.locator("#closeout")
    card.get_by_label(verdict).check()
    if reason:
        card.get_by_label("理由").fill(reason)
    card.get_by_role("button", name="提交审核意见").click()
    # The message names the decision (issue 14).
    page.get_by_text("已同意销号。" if verdict == "同意销号" else "已退回销号申请。").wait_for()


def test_record_report_close_reject_accept(login, live_server, setting, screenshot_dir):
    banner, league, campaign = setting["banner"], setting["league"], setting["campaign"]
    title = "基层报表多、填报负担重"
    editor = login("banner_editor")
    editor.get_by_role("link", name="问题整改").click()
    editor.wait_for_url(f"{live_server.url}/problems/units/{banner.pk}/")

    # -- the timed part: from the ledger to the saved problem, typing at a human pace --------
    started = time.monotonic()
    editor.get_by_role("link", name="登记问题").click()
    editor.wait_for_url(f"{live_server.url}/problems/units/{banner.pk}/new/**")
    # The title field has the focus on arrival: the editor starts typing at once.
    assert editor.evaluate("document.activeElement.name") == "title"
    editor.keyboard.type(title, delay=TYPING_DELAY_MS)
    editor.keyboard.press("Tab")
    editor.keyboard.type("清理合并各类报表，建立报表准入制度", delay=TYPING_DELAY_MS)
    editor.get_by_label("方面").select_option(label="作风建设")
    editor.get_by_label("整改时限", exact=True).fill(setting["deadline"].isoformat())
    editor.get_by_label("责任领导").select_option(index=1)
    editor.get_by_label("发现日期").fill(setting["found_on"].isoformat())
    editor.get_by_role("button", name="保存", exact=True).click()
    editor.get_by_text(f"已登记问题“{title}”。").wait_for()
    elapsed = time.monotonic() - started
    assert elapsed < BAR_SECONDS, f"recording took {elapsed:.1f} s"

    problem = Problem.objects.get(title=title)
    assert problem.unit == banner and problem.campaign == campaign
    assert problem.measures.get().text == "清理合并各类报表，建立报表准入制度"
    assert editor.locator(".light").first.inner_text() == "黄灯"
    editor.goto(f"{live_server.url}/problems/units/{banner.pk}/")
    assert "红灯 0 个 · 黄灯 1 个 · 绿灯 0 个" in editor.locator("#ledger-counts").inner_text()
    editor.screenshot(path=os.path.join(screenshot_dir, "problems-ledger.png"), full_page=True)

    # -- progress with a file turns the light green ------------------------------------------
    editor.get_by_role("link", name=title).click()
    editor.get_by_role("link", name="报告整改进展").click()
    editor.keyboard.type("已清理报表12张，准入制度已印发", delay=TYPING_DELAY_MS)
    editor.get_by_label("整改进度（%）").fill("100")
    editor.get_by_label("佐证材料").set_input_files(setting["evidence"])
    editor.get_by_role("button", name="保存").click()
    editor.get_by_text("已报告整改进展。").wait_for()
    assert editor.locator(".light").first.inner_text() == "绿灯"
    assert editor.get_by_role("link", name="整改照片.pdf").count() == 2  # progress + evidence

    # -- close-out, rejected once -------------------------------------------------------------
    editor.get_by_role("link", name="申请销号").click()
    editor.get_by_label("整改完成情况").fill("报表已清理，制度已建立")
    editor.get_by_role(
        "checkbox", name="清理合并各类报表，建立报表准入制度"
    ).check()  # the measure is done
    editor.get_by_role("button", name="提交销号申请").click()
    editor.get_by_text("已提交销号申请，等待上级审核。").wait_for()
    assert editor.locator("#problem-state").inner_text() == "待销号"

    leader = login("league_leader")
    assert figure(leader, live_server, league, campaign, "已销号问题数") == "0"
    decide(leader, live_server, title, "退回重改", "请补充准入制度文件")
    problem.refresh_from_db()
    assert problem.state == "reopened"

    editor.reload()
    assert editor.locator("#problem-state").inner_text() == "退回重改"
    assert "请补充准入制度文件" in editor.locator("#closeout").inner_text()
    editor.get_by_role("link", name="申请销号").click()
    editor.get_by_label("整改完成情况").fill("已补充制度文件")
    editor.get_by_label("佐证材料").set_input_files(setting["evidence"])
    editor.get_by_role("button", name="提交销号申请").click()
    editor.get_by_text("已提交销号申请，等待上级审核。").wait_for()

    # -- accepted: no light any more, the counts and the drill-down move ---------------------
    decide(leader, live_server, title, "同意销号")
    leader.screenshot(path=os.path.join(screenshot_dir, "problems-inbox.png"), full_page=True)
    leader.goto(f"{live_server.url}/problems/units/{league.pk}/?state=closed")
    counts = leader.locator("#ledger-counts").inner_text()
    assert "已销号 1 个" in counts and "红灯 0 个 · 黄灯 0 个 · 绿灯 0 个" in counts
    row = leader.locator("tbody tr", has_text=title)
    assert row.locator(".light").inner_text() == "—" and "已销号" in row.inner_text()

    assert figure(leader, live_server, league, campaign, "已销号问题数") == "1"
    leader.locator("h2", has_text="已销号问题数：").get_by_role("link", name="1").click()
    leader.get_by_text("共 1 条记录").wait_for()
    leader.get_by_role("link", name=title).click()
    history = leader.locator("#history").inner_text()
    for step in ("待销号 → 退回重改", "退回重改 → 待销号", "待销号 → 已销号", "上传佐证材料"):
        assert step in history, step
    leader.screenshot(path=os.path.join(screenshot_dir, "problems-closed.png"), full_page=True)
    print(f"\nrecording a problem with its first measure took {elapsed:.1f} s")
