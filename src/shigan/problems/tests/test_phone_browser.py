"""The village clerk's daily work on a 390 × 844 phone (device scale 3, touch), in headless
Chromium: what trips a clerk up on a phone and a desktop test does not see — a keyboard of
letters for a number, a tap target too small for a thumb, an error below the fold, a table
that squeezes a long problem title into a column one character wide, a menu that does not say
where one is. (The layout crawl in demo/browser_tests checks the width of every page.)"""

import base64
import datetime
import os

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from shigan.accounts.system import system_actor
from shigan.campaigns import services as campaigns
from shigan.core.calendar import add_workdays
from shigan.core.services import calendar_year_seed, package_years
from shigan.demo.services import DEMO_PASSWORD
from shigan.orgs.models import Unit
from shigan.problems.models import Problem
from shigan.problems.services import measure_add, problem_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A village's unit name, and a problem title of 200 characters as offices write them.
PLACE = "内蒙古自治区锡林郭勒盟阿巴嘎旗别力古台镇阿日哈夏图嘎查"
LONG_TITLE = (PLACE + "村务公开栏长期未更新群众反映强烈") * 5
LONG_TITLE = LONG_TITLE[:200]
TAP = 44  # px: the smallest target a thumb hits reliably (WCAG 2.5.5)


@pytest.fixture
def village(demo_accounts, settings, tmp_path):  # the demo accounts only
    settings.SHIGAN_HOME = tmp_path  # evidence files, not var/
    today = timezone.localdate()
    for year in {today.year - 1, today.year, today.year + 1} & set(package_years()):
        calendar_year_seed(actor=system_actor("test"), year=year)
    return Unit.objects.get(division_level=5, division_code="152522100200")


@pytest.fixture
def problem(village):
    clerk = get_user_model().objects.get(username="gacha_agent")
    today = timezone.localdate()
    problem = problem_create(
        actor=clerk,
        unit=village,
        title=LONG_TITLE,
        source="self_inspection",
        found_on=today - datetime.timedelta(days=10),
        deadline=add_workdays(today, 5),
    )
    measure_add(actor=clerk, problem=problem, text=LONG_TITLE[:120], added_on=today)
    return problem


@pytest.fixture
def phone(browser, live_server, village):
    """The village clerk (gacha_agent) signed in on a phone."""
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("gacha_agent")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").tap()
    page.wait_for_url(f"{live_server.url}/")
    yield page
    context.close()


def jpeg(page, path) -> str:
    """A photo as a phone's camera hands it over: a JPEG, drawn and encoded by the browser."""
    data = page.evaluate(
        """() => { const c = document.createElement("canvas"); c.width = 64; c.height = 48;
        const g = c.getContext("2d"); g.fillStyle = "#c33"; g.fillRect(0, 0, 64, 48);
        return c.toDataURL("image/jpeg", 0.8).split(",")[1]; }"""
    )
    path.write_bytes(base64.b64decode(data))
    return str(path)


def no_sideways_scroll(page) -> bool:
    # Against the layout viewport: on a mobile viewport innerWidth grows with a too-wide page.
    return page.evaluate(
        "document.scrollingElement.scrollWidth <= document.documentElement.clientWidth"
    )


def narrow_long_cells(page) -> list[str]:
    """Table cells holding a long text (over 30 characters) narrower than half the screen:
    a column of a few characters a line, hundreds of lines tall."""
    return page.eval_on_selector_all(
        "main td",
        """(cells) => cells.filter((td) => td.innerText.trim().length > 30
              && td.getBoundingClientRect().width < document.documentElement.clientWidth / 2)
            .map((td) => td.innerText.trim().slice(0, 20))""",
    )


def height(locator) -> float:
    return locator.bounding_box()["height"]


def test_numbers_get_a_number_pad(phone, live_server, village, problem):
    phone.goto(f"{live_server.url}/problems/units/{village.pk}/new/")
    assert phone.locator("[name=deadline_workdays]").get_attribute("inputmode") == "numeric"
    phone.goto(f"{live_server.url}/problems/{problem.pk}/progress/new/")
    assert phone.locator("[name=percent]").get_attribute("inputmode") == "numeric"
    phone.goto(f"{live_server.url}/study/units/{village.pk}/new/")
    assert phone.locator("[name=participants]").get_attribute("inputmode") == "numeric"
    fonts = phone.eval_on_selector_all(
        "main input:not([type=hidden]), main select, main textarea",
        "(fields) => fields.map((f) => parseFloat(getComputedStyle(f).fontSize))",
    )
    assert fonts and min(fonts) >= 16  # smaller, and iOS zooms in on focus


def test_an_error_below_the_fold_is_brought_into_view(phone, live_server, village):
    phone.goto(f"{live_server.url}/problems/units/{village.pk}/new/")
    phone.locator("[name=title]").fill("村务公开栏长期未更新")
    phone.get_by_label("发现日期").fill("")
    phone.get_by_role("button", name="保存", exact=True).tap()
    error = phone.locator(".field.has-error").filter(has=phone.locator("[name=found_on]"))
    error.locator(".error").wait_for()
    assert phone.evaluate("document.activeElement.name") == "found_on"
    box, view = error.bounding_box(), phone.viewport_size
    assert box["y"] >= 0 and box["y"] + box["height"] <= view["height"]


def test_thumb_sized_targets_in_forms(phone, live_server, village, problem, screenshot_dir):
    phone.goto(f"{live_server.url}/problems/{problem.pk}/closeout/")
    phone.screenshot(path=os.path.join(screenshot_dir, "phone-closeout-390.png"), full_page=True)
    assert height(phone.get_by_role("link", name="取消")) >= TAP
    box = phone.get_by_role("checkbox").first.bounding_box()
    assert box["width"] >= 20 and box["height"] >= 20
    assert height(phone.locator("label").filter(has=phone.get_by_role("checkbox"))) >= TAP
    phone.goto(f"{live_server.url}/study/units/{village.pk}/new/")
    assert height(phone.locator("main form summary").first) >= TAP


def test_a_long_title_is_readable_on_the_problem_page(
    phone, live_server, problem, tmp_path, screenshot_dir
):
    phone.goto(f"{live_server.url}/problems/{problem.pk}/progress/new/")
    phone.locator("[name=text]").fill("公开栏已更新")
    phone.get_by_label("整改进度（%）").fill("60")
    phone.get_by_label("佐证材料").set_input_files(jpeg(phone, tmp_path / "现场.jpg"))
    phone.get_by_role("button", name="保存").tap()
    phone.get_by_text("已报告整改进展。").wait_for()
    assert Problem.objects.get().evidence.filter(content_type="image/jpeg").count() == 1
    assert no_sideways_scroll(phone)
    # A cell holding a long text is at least half the screen wide: not a column of one
    # character a line, hundreds of lines tall.
    narrow = narrow_long_cells(phone)
    phone.screenshot(path=os.path.join(screenshot_dir, "phone-problem-390.png"), full_page=True)
    assert narrow == []


def test_the_menu_on_a_phone(phone, live_server, village, screenshot_dir):
    phone.goto(f"{live_server.url}/problems/units/{village.pk}/")
    toggle, menu = phone.locator(".menu-toggle"), phone.locator("#shell-menu")
    assert not menu.is_visible()
    toggle.tap()
    assert menu.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    current = phone.locator(".mainnav a[aria-current=page]")
    phone.screenshot(path=os.path.join(screenshot_dir, "phone-menu-390.png"))
    assert current.count() == 1 and current.inner_text() == "问题整改"
    toggle.tap()
    assert not menu.is_visible()
    toggle.focus()
    phone.keyboard.press("Enter")
    assert menu.is_visible()
    phone.keyboard.press("Escape")
    assert not menu.is_visible()
    assert phone.evaluate("document.activeElement.classList.contains('menu-toggle')")


def test_a_study_photo_is_offered_the_camera(phone, live_server, village):
    phone.goto(f"{live_server.url}/study/units/{village.pk}/new/")
    accept = phone.locator("[name=attachment]").get_attribute("accept") or ""
    assert "image/jpeg" in accept and ".pdf" in accept


def test_long_names_wrap(phone, live_server, village, problem):
    """A unit named in full and a clerk named by post: wrapped, never wider than the phone."""
    Unit.objects.filter(pk=village.pk).update(name=PLACE)
    get_user_model().objects.filter(username="gacha_agent").update(full_name=PLACE + "信访代办员")
    pages = (
        "/",
        f"/problems/units/{village.pk}/",
        f"/problems/{problem.pk}/",
        f"/problems/{problem.pk}/closeout/",
        f"/study/units/{village.pk}/",
        f"/study/units/{village.pk}/new/",
        f"/units/{village.pk}/",
        "/units/",
        "/petitions/",
        "/dashboards/",
        "/notifications/",
    )
    for path in pages:
        phone.goto(f"{live_server.url}{path}")
        phone.locator(".menu-toggle").tap()  # the open menu shows the user's name
        assert no_sideways_scroll(phone), path


def test_a_figure_s_records_are_readable(phone, live_server, village, screenshot_dir):
    """The dashboard's drill-down: a long problem title and unit name in a plain table."""
    campaign = campaigns.campaign_create(
        actor=system_actor("test"),
        name="主题教育",
        root_unit=Unit.objects.get(division_level=1, division_code="150000000000"),
        starts_on=datetime.date(2023, 4, 1),
    )
    problem_create(
        actor=get_user_model().objects.get(username="gacha_agent"),
        unit=village,
        campaign=campaign,
        title=LONG_TITLE,
        source="self_inspection",
        found_on=timezone.localdate(),
    )
    Unit.objects.filter(pk=village.pk).update(name=PLACE)
    phone.goto(
        f"{live_server.url}/dashboards/metrics/problems.self_inspection/records/"
        f"?unit={village.pk}&campaign={campaign.pk}&own=1"
    )
    phone.get_by_role("link", name=LONG_TITLE).wait_for()
    phone.screenshot(path=os.path.join(screenshot_dir, "phone-records-390.png"), full_page=True)
    assert no_sideways_scroll(phone)
    assert narrow_long_cells(phone) == []
    unit = phone.locator("main td").filter(has_text=PLACE).last  # 28 characters
    assert unit.bounding_box()["width"] >= 110  # about eight characters a line, not two
