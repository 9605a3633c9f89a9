"""Fixtures of the problems tests (owned by problems-core; other test modules may use them)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shigan.accounts.system import system_actor
from shigan.campaigns import services as campaigns
from shigan.campaigns.choices import AspectKind
from shigan.notifications.tests.receiver import channels, receiver  # noqa: F401 (issue 18)
from shigan.orgs.choices import PersonRank, Role
from shigan.orgs.services import person_create
from shigan.problems import services

D = datetime.date

# Minimal but real file contents, recognised by their magic bytes.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def pdf(name="整改报告.pdf", data=PDF_BYTES):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def unfinished(problem) -> list[int]:
    """The ids of the problem's unfinished measures: a close-out marks them done (`finish`)."""
    return list(problem.measures.exclude(state="done").values_list("pk", flat=True))


@pytest.fixture(autouse=True)
def _private_home(settings, tmp_path):
    """Evidence files go to a temporary SHIGAN_HOME, never to the developer's var/."""
    settings.SHIGAN_HOME = tmp_path


@pytest.fixture
def calendar(db):
    """The statutory calendar of 2023–2024 (chinesecalendar), this year and the next."""
    from django.utils import timezone

    from shigan.core.choices import HolidayKind
    from shigan.core.services import (
        calendar_year_mark_complete,
        calendar_year_seed,
        holiday_set,
        package_years,
    )

    today = timezone.localdate()
    for year in sorted({2023, 2024, today.year, today.year + 1}):
        if year in package_years():
            calendar_year_seed(actor=system_actor("test"), year=year)
        else:  # beyond the package: New Year's Day only, enough for tests relative to today
            holiday_set(
                actor=system_actor("test"),
                date=D(year, 1, 1),
                kind=HolidayKind.HOLIDAY,
                name="元旦",
            )
            calendar_year_mark_complete(actor=system_actor("test"), year=year)


@pytest.fixture
def campaign(units):
    return campaigns.campaign_create(
        actor=system_actor("test"),
        name="主题教育",
        root_unit=units["region"],
        starts_on=D(2023, 4, 1),
    )


@pytest.fixture
def aspect(campaign):
    return campaigns.aspect_create(
        actor=system_actor("test"), campaign=campaign, kind=AspectKind.PROBLEM, name="理论学习"
    )


@pytest.fixture
def editor(units, make_user):
    """An editor (填报员) of the banner the problems belong to."""
    return make_user(Role.EDITOR, units["own"])


@pytest.fixture
def reviewer(units, make_user):
    """A leader of the league above the banner: reviews its close-outs."""
    return make_user(Role.LEADER, units["parent"])


@pytest.fixture
def problem(units, campaign, editor):
    return services.problem_create(
        actor=editor,
        unit=units["own"],
        campaign=campaign,
        title="调研走过场",
        source="self_inspection",
        found_on=D(2023, 5, 4),
    )


@pytest.fixture
def started(problem, editor):
    """The problem with its first measure: in progress."""
    services.measure_add(actor=editor, problem=problem, text="建立调研台账", added_on=D(2023, 5, 5))
    problem.refresh_from_db()
    return problem


@pytest.fixture
def submitted(started, editor):
    """The problem with a close-out waiting for review; returns the close-out."""
    return services.closeout_submit(
        actor=editor,
        problem=started,
        finish=unfinished(started),
        summary="已建立台账并完成整改",
        submitted_on=D(2023, 6, 1),
        files=[pdf()],
    )


@pytest.fixture
def ledger_units(units, campaign, calendar):
    """The units with the problem aspects and the two leaders the ledger tests name."""
    for name in ("理论学习", "调查研究", "作风建设"):
        campaigns.aspect_create(
            actor=system_actor("test"), campaign=campaign, kind=AspectKind.PROBLEM, name=name
        )
    person_create(
        actor=system_actor("test"), unit=units["own"], name="巴特尔", rank=PersonRank.COUNTY
    )
    person_create(
        actor=system_actor("test"), unit=units["child"], name="其木格", rank=PersonRank.SECTION
    )
    return units
