"""Issue 14's acceptance on the real scenario, in headless Chromium: every demo role, at a phone's
390 × 844 and a desktop's 1440 × 900, opens its landing page, every page of its menu and every
main page it reaches from them — one of each kind (KINDS: the lists, a detail page of each object
kind, the forms for recording a problem, a measure and progress, the dashboard, the briefing,
the close-out inbox, notifications), found by following the links the role is shown. On each:
nothing is wider than the window (`document.documentElement.scrollWidth <= innerWidth`), the
menu works (by keyboard on the phone: its button opens and Escape closes it), on the phone every
tap target is at least 44 × 44 px (phone_checks: links, buttons, fields, checkbox labels; a link
inside a sentence excepted) and no chart's labels are drawn over each other, axe-core
(vendored, served by the app itself so that a strict CSP does not stop it) finds no serious or
critical violation, and a screenshot goes to var/screenshots/layout-<role>-<width>-<page>.png.

Like test_walkthrough it builds its own committed scenario (see there why)."""

import os
import re
from urllib.parse import urlsplit

import pytest
from django.templatetags.static import static

from shigan.demo.browser_tests.conftest import ADMINISTRATORS
from shigan.demo.browser_tests.phone_checks import (
    chart_label_overlaps,
    page_faults,
    small_targets,
)
from shigan.demo.browser_tests.settle import settle
from shigan.demo.services import DEMO_ACCOUNTS

pytestmark = [pytest.mark.browser, pytest.mark.long, pytest.mark.django_db(transaction=True)]

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


# The system and security administrators are not demo accounts (the demo has an auditor only):
# made by the `committed` fixture (conftest), so that their pages are crawled too.
ROLES = (*(account.username for account in DEMO_ACCOUNTS), *ADMINISTRATORS)


# The main pages, by kind: a path pattern. A role visits the first page of each kind that its
# pages link to.
KINDS = {
    "problem-ledger": r"/problems/units/\d+/",
    "problem": r"/problems/\d+/",
    "problem-form": r"/problems/units/\d+/new/",
    "measure-form": r"/problems/\d+/measures/new/",
    "progress-form": r"/problems/\d+/progress/new/",
    "closeout-inbox": r"/problems/inbox/",
    "research-list": r"/research/units/\d+/",
    "research-topic": r"/research/topics/\d+/",
    "research-inbox": r"/research/inbox/",
    "key-task-board": r"/initiatives/units/\d+/",
    "key-task": r"/initiatives/tasks/\d+/",
    "project-list": r"/initiatives/units/\d+/projects/",
    "project": r"/initiatives/projects/\d+/",
    "livelihood": r"/initiatives/units/\d+/livelihood/",
    "study-list": r"/study/units/\d+/",
    "study-activity": r"/study/\d+/",
    "study-form": r"/study/units/\d+/new/",
    "petition-desk": r"/petitions/",
    "petition-ledger": r"/petitions/units/\d+/",
    "petition-figures": r"/petitions/units/\d+/figures/",
    "petition": r"/petitions/\d+/",
    "petition-intake": r"/petitions/new/\d+/",
    "campaigns": r"/campaigns/",
    "campaign": r"/campaigns/\d+/",
    "workspace": r"/campaigns/\d+/units/\d+/",
    "unit": r"/units/\d+/",
    "people": r"/units/\d+/people/",
    "dashboard": r"/dashboards/units/\d+/",
    "figure-records": r"/dashboards/figures/[^/]+/records/",
    "briefings": r"/briefings/",
    "briefing": r"/briefings/\d+/",
    "notifications": r"/notifications/",
    "audit": r"/audit/",
    "audit-export": r"/audit/export/",
    "accounts": r"/accounts/users/",
    "security": r"/accounts/security/",
    "deliveries": r"/notifications/deliveries/",
    "second-factor": r"/accounts/second-factor/",
}
# What the clerk, the leader and the office must have reached (the acceptance's list).
MUST_SEE = {
    # The scenario records problems, topics and key tasks at the batch units (the leagues), so
    # the banner clerk's ledgers are empty; the league leader records on them.
    "banner_editor": {
        "problem-ledger",
        "problem-form",
        "petition",
        "petition-desk",
        "petition-intake",
        "petition-figures",
        "study-form",
        "unit",
        "people",
        "dashboard",
        "notifications",
    },
    "league_leader": {
        "problem",
        "measure-form",
        "progress-form",
        "research-topic",
        "key-task",
        "project",
        "petition",
        "dashboard",
        "unit",
        "campaigns",
    },
    "office": {
        "problem",
        "research-topic",
        "key-task",
        "petition",
        "campaign",
        "unit",
        "dashboard",
        "briefing",
        "closeout-inbox",
        "notifications",
        "study-activity",
        "second-factor",
    },
    "gacha_agent": {"petition-desk", "petition", "petition-intake"},
    # Issue 16's pages, for the administrators that see them.
    "auditor": {"audit", "audit-export", "second-factor"},
    "layout_sysadmin": {"accounts", "deliveries", "second-factor"},
    "layout_secadmin": {"security", "second-factor"},
}


def kind_of(url: str) -> str | None:
    path = urlsplit(url).path
    return next((k for k, pattern in KINDS.items() if re.fullmatch(pattern, path)), None)


def crawl_links(page, live_server, seen: set) -> list[str]:
    """The page's links to a kind of main page not seen yet (one each), marked seen."""
    hrefs = page.locator("main a[href], #shell-menu a[href], .usermenu a[href]").evaluate_all(
        "(links) => links.map((a) => a.href)"
    )
    found = []
    for href in hrefs:
        kind = kind_of(href)
        if href.startswith(live_server.url) and kind and kind not in seen:
            seen.add(kind)
            found.append(href)
    return found


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
    settle(page)
    where = f"{role} {width}px {url.removeprefix(live_server.url)}"
    problems = page_faults(page)
    problems += check_menu(page, width)
    if width < 641:  # a phone: thumb-sized targets (phone_checks.TAP, 44 px both ways)
        problems += small_targets(page)
        problems += chart_label_overlaps(page)
    page.screenshot(path=os.path.join(shots, f"layout-{role}-{width}-{slug(url)}.png"))
    page.add_script_tag(url=live_server.url + static("vendor/axe-core/axe.min.js"))
    problems += page.evaluate(AXE_RUN, WCAG)
    return [f"{where}: {problem}" for problem in problems]


def test_every_main_page_fits_the_phone_and_the_desktop_for_every_role(
    live_server, committed, login, screenshot_dir
):
    failures, seen = [], 0
    for role in ROLES:
        urls = []
        for width, height in SIZES:
            page = login(role, width=width, height=height, timeout=TIMEOUT)
            if urls:  # the pages found at the first size, again at this one
                todo = list(urls)
            else:  # the landing page, the menu, then what they link to (breadth first)
                todo, kinds = menu_urls(page), set()
                kinds.update(filter(None, map(kind_of, todo)))
            done = 0
            while done < len(todo):
                url = todo[done]
                found = check_page(page, live_server, url, role, width, screenshot_dir)
                if found:  # in the log as they come: the run is long
                    print(*found, sep="\n")
                failures += found
                done += 1
                if not urls:
                    todo += crawl_links(page, live_server, kinds)
            seen += done
            if not urls:
                urls = todo
                missing = MUST_SEE.get(role, set()) - kinds
                if missing:
                    failures.append(f"{role} reaches no {sorted(missing)}")
    assert seen >= 2 * 8 * len(DEMO_ACCOUNTS), seen
    assert not failures, "\n".join(failures)
