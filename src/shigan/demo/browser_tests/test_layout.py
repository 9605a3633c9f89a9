"""Issue 14's acceptance on the real scenario, in headless Chromium: every demo role, at a phone's
390 × 844 and a desktop's 1440 × 900, opens its landing page, every page of its menu and a
problem's page. On each: nothing is wider than the window
(`document.documentElement.scrollWidth <= innerWidth`), the menu works (by keyboard on the
phone: its button opens and Escape closes it), axe-core (vendored, served by the app itself so
that a strict CSP does not stop it) finds no serious or critical violation, and a screenshot
goes to var/screenshots/layout-<role>-<width>-<page>.png.

Like test_walkthrough it builds its own committed scenario (see there why)."""

import os
import re

import pytest
from django.templatetags.static import static

from shigan.demo.services import DEMO_ACCOUNTS, demo_setup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT = 60_000  # ms: the scenario's pages are heavy and the machine is shared
SIZES = ((390, 844), (1440, 900))
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ` +
      v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", "));
}"""


@pytest.fixture
def committed(settings, tmp_path):
    """The scenario committed for the live server (not demo/tests' `scenario`, which is built
    once in a transaction and groups its tests in one xdist worker)."""
    settings.SHIGAN_HOME = tmp_path  # the scenario's evidence files, not var/
    report = demo_setup()
    assert report is not None, "the scenario was already there"
    return report


def slug(url: str) -> str:
    return (
        re.sub(r"[^a-z0-9]+", "-", url.split("://", 1)[-1].split("/", 1)[-1]).strip("-") or "home"
    )


def menu_urls(page) -> list[str]:
    """The landing page and every link of the shell's menu, as absolute URLs."""
    links = page.locator("#shell-menu a").evaluate_all("(links) => links.map((a) => a.href)")
    return [page.url, *links]


def check_menu(page, width) -> list[str]:
    """The menu is usable: on a phone folded behind its button, opened and closed by keyboard;
    on a desktop shown as it is."""
    toggle, first = page.locator(".menu-toggle"), page.locator("#shell-menu a").first
    if width >= 641:
        return [] if first.is_visible() and not toggle.is_visible() else ["desktop menu hidden"]
    problems = []
    if first.is_visible():
        problems.append("phone menu open before its button is pressed")
    toggle.focus()
    page.keyboard.press("Enter")
    if not (first.is_visible() and toggle.get_attribute("aria-expanded") == "true"):
        problems.append("the menu button does not open the menu")
    page.keyboard.press("Escape")
    if first.is_visible():
        problems.append("Escape does not close the menu")
    return problems


def check_page(page, live_server, url, role, width, shots) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    where = f"{role} {width}px {url.removeprefix(live_server.url)}"
    problems = []
    if "页面不存在" in page.title() or "没有权限" in page.title():
        problems.append("dead end")
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll > inner:
        problems.append(f"page {scroll}px wide in a {inner}px window")
    problems += check_menu(page, width)
    page.screenshot(path=os.path.join(shots, f"layout-{role}-{width}-{slug(url)}.png"))
    page.add_script_tag(url=live_server.url + static("vendor/axe-core/axe.min.js"))
    problems += page.evaluate(AXE_RUN, WCAG)
    return [f"{where}: {problem}" for problem in problems]


def test_every_main_page_fits_the_phone_and_the_desktop_for_every_role(
    live_server, committed, login, screenshot_dir
):
    failures, seen = [], 0
    for account in DEMO_ACCOUNTS:
        for width, height in SIZES:
            page = login(account.username, width=width, height=height, timeout=TIMEOUT)
            urls = menu_urls(page)
            ledger = [u for u in urls if u.endswith("/problems/")]
            if ledger:  # and one problem's page, the page a clerk works on most
                page.goto(ledger[0])
                problem = page.locator("table.cards td.card-title a")
                if problem.count():
                    urls.append(problem.first.evaluate("a => a.href"))
            for url in urls:
                failures += check_page(
                    page, live_server, url, account.username, width, screenshot_dir
                )
                seen += 1
    assert seen >= 2 * (len(DEMO_ACCOUNTS) + 4 * 12), seen  # every role's menu, both sizes
    assert not failures, "\n".join(failures)
