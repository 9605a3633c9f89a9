"""The pages whose tables were plain tables on a phone, at 390 × 844 as the roles that see them
(the demo scenario): no page scrolls sideways; each list reads as cards, every value with its
column's label beside it (a small key/value table may stay a table if it fits its box; a wide
figure table, class `figure-table`, scrolls inside its own box); every tap target is at least
44 × 44 px (phone_checks.TAP), short action links, pager links and checkbox labels included.
A screenshot of each page goes to var/screenshots/phone-table-<role>-<page>.png."""

import os
import re
import time

import pytest

from shigan.demo.browser_tests.phone_checks import (
    TABLES_AS_CARDS,
    UNLABELLED_VALUES,
    chart_label_overlaps,
    page_faults,
    small_targets,
)
from shigan.demo.browser_tests.settle import settle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT = 60_000  # ms: the scenario's pages are heavy and the machine is shared


def table_pages() -> dict[str, list[str]]:
    """Each role's pages with a formerly plain table, as paths (read before the browser starts:
    the live server's requests share the test's database connection)."""
    from shigan.briefings.models import Briefing
    from shigan.campaigns.models import Campaign, GuidanceVisit
    from shigan.conftest import ABAG, REGION, XILINGOL, division
    from shigan.initiatives.models import KeyTask, LivelihoodItem, Project
    from shigan.petitions.models import Petition
    from shigan.research.models import ResearchTopic
    from shigan.study.models import StudyActivity

    region, league, banner = division(REGION), division(XILINGOL), division(ABAG)
    campaign = Campaign.objects.order_by("pk").first()
    batch = campaign.batches.order_by("pk").first()
    briefing = Briefing.objects.order_by("pk").first()
    visit = GuidanceVisit.objects.order_by("pk").first()
    task = KeyTask.objects.filter(milestones__isnull=False).order_by("pk").first()
    project = Project.objects.order_by("pk").first()
    item = LivelihoodItem.objects.filter(progress_reports__isnull=False).order_by("pk").first()
    topic = ResearchTopic.objects.filter(trips__isnull=False).order_by("pk").first()
    activity = StudyActivity.objects.filter(leaders__isnull=False).order_by("pk").first()
    petition = Petition.objects.filter(unit__path__startswith=banner.path).order_by("pk").first()
    c, year = f"campaign={campaign.pk}", time.localtime().tm_year
    return {
        "office": [
            f"/briefings/?unit={region.pk}&{c}",
            f"/briefings/{briefing.pk}/",
            f"/briefings/{briefing.pk}/changes/",
            f"/briefings/templates/?unit={region.pk}&{c}",
            f"/briefings/templates/new/?{c}",
            f"/campaigns/{campaign.pk}/",
            f"/campaigns/{campaign.pk}/batches/{batch.pk}/",
            f"/campaigns/{campaign.pk}/visits/",
            f"/campaigns/{campaign.pk}/units/{visit.unit_id}/?tab=guidance",
            f"/campaigns/{campaign.pk}/units/{league.pk}/?tab=problems",
            f"/campaigns/{campaign.pk}/units/{league.pk}/?tab=research",
            f"/campaigns/{campaign.pk}/units/{league.pk}/?tab=initiatives",
            f"/metrics/?unit={league.pk}&{c}",
            f"/metrics/problems.found/records/?unit={league.pk}&{c}",
            f"/units/{league.pk}/members/",
            f"/study/{activity.pk}/",
            f"/research/figures/?unit={region.pk}&{c}",
            f"/dashboards/units/{region.pk}/?{c}",
            f"/initiatives/tasks/{task.pk}/",
            f"/initiatives/projects/{project.pk}/",
            f"/initiatives/units/{region.pk}/livelihood/",
            f"/initiatives/livelihood/{item.pk}/",
            f"/research/topics/{topic.pk}/",
        ],
        "league_leader": [
            f"/initiatives/units/{league.pk}/",
            f"/problems/units/{league.pk}/import/",
        ],
        "banner_editor": [
            "/accounts/tokens/",
            "/notifications/",
            "/jobs/",
            f"/units/{banner.pk}/",
            f"/study/units/{banner.pk}/leaders/",
            f"/petitions/units/{banner.pk}/figures/",
            f"/petitions/units/{banner.pk}/agents/",
            f"/petitions/{petition.pk}/",
        ],
        "guide": ["/research/inbox/"],
        "layout_sysadmin": [f"/calendar/{year}/"],
    }


def slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path).strip("-")


def check_phone_page(page, url: str) -> list[str]:
    """What is wrong with the page at 390 px: sideways scrolling, a table not read as cards, a
    target smaller than TAP, chart labels drawn over each other."""
    problems = page_faults(page)
    problems += page.evaluate(TABLES_AS_CARDS)
    problems += small_targets(page)
    problems += chart_label_overlaps(page)  # the key task's Gantt strip, the dashboard's charts
    return problems


def test_formerly_plain_tables_read_as_cards_on_a_phone(
    live_server, committed, login, screenshot_dir
):
    """With JavaScript, cards with labels; without it, tables with their headings (one test:
    the scenario the live server shows takes two minutes to build)."""
    pages, failures = table_pages(), []
    for role, paths in pages.items():
        page = login(role, width=390, height=844, timeout=TIMEOUT)
        for path in paths:
            page.goto(live_server.url + path)
            settle(page)
            page.screenshot(
                path=os.path.join(screenshot_dir, f"phone-table-{role}-{slug(path)}.png"),
                full_page=True,
            )
            failures += [f"{role} {path}: {p}" for p in check_phone_page(page, path)]
    failures += without_javascript(live_server, login, pages["banner_editor"])
    assert not failures, "\n".join(failures)


def without_javascript(live_server, login, paths) -> list[str]:
    """shell.js labels the cards from the column headings; without it (or before it has run) a
    list stays a table with its headings, scrolling in its own box, not cards of bare values."""
    page = login("banner_editor", width=390, height=844, timeout=TIMEOUT, javascript=False)
    failures = []
    for path in paths:
        page.goto(live_server.url + path)
        faults = page_faults(page) + page.evaluate(UNLABELLED_VALUES)
        failures += [f"banner_editor without JavaScript {path}: {p}" for p in faults]
    return failures
