"""Issue 14's acceptance, timed in headless Chromium at a human typing pace (~100 ms a key):

- the clerk's journey on a 390 × 844 phone: banner_editor records a problem with its measure,
  reports progress with a photo (a real PNG the test makes), submits the close-out — ≤ 90 s;
- the reviewer's journey on a desktop: league_leader sees it in 待办 on the landing page, opens
  it, accepts — ≤ 30 s;

and the outcome: the problem is closed, the reviewer got the notice, the 待办 counts moved.
A small committed fixture (the demo accounts, a campaign, the calendar) rather than the whole
scenario: it is built in seconds."""

import datetime
import os
import struct
import time
import zlib

import pytest
from django.utils import timezone

from shigan.accounts.system import system_actor
from shigan.campaigns import services as campaigns
from shigan.core.calendar import add_workdays
from shigan.core.services import calendar_year_seed, package_years
from shigan.notifications.models import Notification
from shigan.orgs.models import Unit
from shigan.problems.models import Problem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEY_DELAY_MS = 100  # a person typing (with an IME), one key every 100 ms
PHONE = {"width": 390, "height": 844}
CLERK_BAR, REVIEWER_BAR = 90, 30  # seconds


def tiny_png(path) -> str:
    """An 8 × 8 red PNG, written byte by byte (a real image, checked by its content)."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes((200, 40, 40)) * 8 for _ in range(8))
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    path.write_bytes(png)
    return str(path)


@pytest.fixture
def setting(demo_accounts, settings, tmp_path):  # the demo accounts only
    settings.SHIGAN_HOME = tmp_path  # evidence files, not var/
    today = timezone.localdate()
    for year in {today.year - 1, today.year, today.year + 1} & set(package_years()):
        calendar_year_seed(actor=system_actor("test"), year=year)
    region = Unit.objects.get(division_level=1, division_code="150000000000")
    campaign = campaigns.campaign_create(
        actor=system_actor("test"),
        name="主题教育",
        root_unit=region,
        starts_on=datetime.date(2023, 4, 1),
    )
    campaigns.aspect_create(
        actor=system_actor("test"), campaign=campaign, kind="problem", name="作风建设"
    )
    return {
        "banner": Unit.objects.get(division_level=3, division_code="152522000000"),
        "photo": tiny_png(tmp_path / "整改现场.png"),
        "found_on": today - datetime.timedelta(days=30),
        "deadline": add_workdays(today, 3),
    }


def type_in(page, name, text):
    """Tap the field (by its form name) and type into it key by key."""
    field = page.locator(f"[name={name}]")
    field.click()
    field.press_sequentially(text, delay=KEY_DELAY_MS)


def todo(page) -> dict[str, int]:
    """The landing page's 待办: {label: count}."""
    items = page.locator("#todo .todo-list a")
    return {
        items.nth(i).locator(".todo-label").inner_text(): int(
            items.nth(i).locator(".todo-count").inner_text()
        )
        for i in range(items.count())
    }


def test_clerk_on_a_phone_then_reviewer_at_a_desk(login, live_server, setting, screenshot_dir):
    title, measure = "村务公开栏长期未更新", "每月5日前更新公开栏内容"
    banner = setting["banner"]

    # -- the clerk, on a phone ----------------------------------------------------------------
    clerk = login("banner_editor", **PHONE)
    started = time.monotonic()
    clerk.goto(f"{live_server.url}/problems/units/{banner.pk}/new/")
    type_in(clerk, "title", title)
    type_in(clerk, "measure", measure)
    clerk.get_by_label("方面").select_option(label="作风建设")
    clerk.get_by_label("整改时限", exact=True).fill(setting["deadline"].isoformat())
    clerk.get_by_label("发现日期").fill(setting["found_on"].isoformat())
    clerk.get_by_role("button", name="保存", exact=True).click()
    clerk.get_by_text(f"已登记问题“{title}”。").wait_for()

    clerk.get_by_role("link", name="报告整改进展").click()
    type_in(clerk, "text", "公开栏已更新并建立月度更新台账")
    clerk.get_by_label("整改进度（%）").fill("100")
    clerk.get_by_label("佐证材料").set_input_files(setting["photo"])
    clerk.get_by_role("button", name="保存").click()
    clerk.get_by_text("已报告整改进展。").wait_for()

    clerk.get_by_role("link", name="申请销号").click()
    type_in(clerk, "summary", "公开栏按月更新，已有台账")
    clerk.get_by_role(
        "checkbox", name=measure
    ).check()  # the measure is done: said so with the request
    clerk.get_by_role("button", name="提交销号申请").click()
    clerk.get_by_text("已提交销号申请，等待上级审核。").wait_for()
    clerk_seconds = time.monotonic() - started
    assert clerk.locator("#problem-state").inner_text() == "待销号"
    assert clerk.evaluate("document.documentElement.scrollWidth <= innerWidth + 1")
    clerk.screenshot(path=os.path.join(screenshot_dir, "journey-clerk-390.png"), full_page=True)

    problem = Problem.objects.get(title=title)
    assert problem.evidence.filter(content_type="image/png").count() == 1
    assert problem.measures.get().state == "done"

    # -- the reviewer, at a desk --------------------------------------------------------------
    reviewer = login("league_leader", width=1440, height=900)
    notices = Notification.objects.filter(user__username="league_leader", text__contains=title)
    assert notices.count() == 1 and "销号申请" in notices.get().text
    started = time.monotonic()
    reviewer.goto(f"{live_server.url}/")
    before = todo(reviewer)
    assert before.get("待审核的销号申请") == 1
    reviewer.get_by_role("link", name="待审核的销号申请").click()
    reviewer.get_by_role("link", name=title).click()
    card = reviewer.locator("#closeout")
    assert "公开栏按月更新" in card.inner_text()
    card.get_by_label("同意销号").check()
    type_in(card, "reason", "整改到位")
    card.get_by_role("button", name="提交审核意见").click()
    reviewer.get_by_text("已同意销号。").wait_for()
    reviewer_seconds = time.monotonic() - started
    reviewer.screenshot(path=os.path.join(screenshot_dir, "journey-reviewer-1440.png"))

    problem.refresh_from_db()
    assert problem.state == "closed"
    reviewer.goto(f"{live_server.url}/")
    assert "待审核的销号申请" not in todo(reviewer)  # 1 → nothing left to decide
    clerk.goto(f"{live_server.url}/notifications/")
    assert "同意销号" in clerk.locator("main").inner_text()
    print(f"\nclerk {clerk_seconds:.1f} s (bar {CLERK_BAR}), reviewer {reviewer_seconds:.1f} s")
    assert clerk_seconds <= CLERK_BAR, f"the clerk took {clerk_seconds:.1f} s"
    assert reviewer_seconds <= REVIEWER_BAR, f"the reviewer took {reviewer_seconds:.1f} s"
