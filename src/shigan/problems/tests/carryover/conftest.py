"""The carry-over tests' world: a 2023 campaign with a closed, an overdue and a long-term
problem of the banner, and the campaign that follows it in 2024."""

import datetime

import pytest

from shigan.accounts.system import system_actor
from shigan.campaigns import services as campaigns
from shigan.campaigns.choices import AspectKind
from shigan.orgs.choices import Role
from shigan.problems import services

D = datetime.date
CARRIED_ON = D(2024, 4, 8)


@pytest.fixture
def office(units, make_user):
    return make_user(Role.ADMIN, units["region"])


@pytest.fixture
def old(units, campaign, calendar, office, editor):
    """The 2023 campaign with four problems of the banner: one closed, one in progress and
    overdue with a finished and an unfinished measure, one long-term, one awaiting close-out."""
    aspect = campaigns.aspect_create(
        actor=system_actor("test"), campaign=campaign, kind=AspectKind.PROBLEM, name="作风建设"
    )

    def problem(title, **kwargs):
        return services.problem_create(
            actor=editor,
            unit=units["own"],
            campaign=campaign,
            aspect=aspect,
            title=title,
            source="self_inspection",
            found_on=D(2023, 5, 4),
            **kwargs,
        )

    closed = problem("已整改的问题", deadline=D(2023, 5, 30))
    services.measure_add(actor=editor, problem=closed, text="立即整改", added_on=D(2023, 5, 5))
    services.problem_set_state(
        actor=system_actor("test"), problem=closed, state="closed", day=D(2023, 5, 20)
    )
    slow = problem("办事环节多", deadline=D(2023, 6, 1))
    done = services.measure_add(actor=editor, problem=slow, text="精简材料", added_on=D(2023, 5, 8))
    services.measure_complete(actor=editor, measure=done, done_on=D(2023, 5, 25))
    services.measure_add(
        actor=editor, problem=slow, text="一网通办", added_on=D(2023, 5, 10), deadline=D(2023, 9, 1)
    )
    services.progress_report_add(
        actor=editor, problem=slow, text="已精简一半材料", percent=40, reported_on=D(2023, 5, 26)
    )
    lasting = problem("基层负担重", term="long_term")
    services.measure_add(actor=editor, problem=lasting, text="常态化督查", added_on=D(2023, 5, 6))
    return {"campaign": campaign, "closed": closed, "slow": slow, "lasting": lasting}


@pytest.fixture
def new(units, old, office):
    return campaigns.campaign_start(
        actor=office,
        name="2024年党纪学习教育",
        root_unit=units["region"],
        starts_on=D(2024, 4, 1),
        previous=old["campaign"],
    )
