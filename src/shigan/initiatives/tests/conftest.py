import datetime
from decimal import Decimal

import pytest

from shigan.accounts.system import system_actor
from shigan.campaigns import services as campaigns
from shigan.core.services import calendar_year_seed
from shigan.initiatives.services import key_tasks, milestones, projects
from shigan.orgs.choices import PersonRank, Role
from shigan.orgs.services import person_create

D = datetime.date


@pytest.fixture(autouse=True)
def calendar_2023(db):
    """Milestone due dates are checked against the statutory calendar."""
    calendar_year_seed(actor=system_actor("test"), year=2023)


@pytest.fixture
def office(units, make_user):
    return make_user(Role.ADMIN, units["region"], username="office")


@pytest.fixture
def campaign(office, units):
    return campaigns.campaign_create(
        actor=office, name="学习贯彻主题教育", root_unit=units["region"], starts_on=D(2023, 4, 1)
    )


@pytest.fixture
def editor(units, make_user):
    return make_user(Role.EDITOR, units["own"], username="banner_ed")


@pytest.fixture
def leader(units):
    return person_create(
        actor=system_actor("test"),
        unit=units["own"],
        name="巴特尔",
        rank=PersonRank.COUNTY,
        post="旗长",
    )


@pytest.fixture
def task(editor, campaign, units, leader):
    """阿巴嘎旗's ecology key task, with two equal milestones."""
    task = key_tasks.key_task_create(
        actor=editor,
        campaign=campaign,
        unit=units["own"],
        area="ecology",
        title="草原生态保护修复",
        owner_leader=leader,
        starts_on=D(2023, 4, 3),
        roadmap="摸清底数\n制定方案\n组织实施",
        created_on=D(2023, 4, 3),
    )
    milestones.milestone_add(actor=editor, key_task=task, title="摸清底数", due_on=D(2023, 5, 10))
    milestones.milestone_add(actor=editor, key_task=task, title="完成修复", due_on=D(2023, 9, 28))
    return task


@pytest.fixture
def project(editor, task, units):
    """A project of 150 million yuan under the ecology key task."""
    return projects.project_create(
        actor=editor,
        campaign=task.campaign,
        unit=units["own"],
        key_task=task,
        name="草场围栏",
        kind="ecology",
        funds_allocated=Decimal("150000000"),
        approved_on=D(2023, 5, 2),
    )


@pytest.fixture
def region_task(office, campaign, units):
    """The region's border-security key task (the banner serves it)."""
    return key_tasks.key_task_create(
        actor=office,
        campaign=campaign,
        unit=units["region"],
        area="border_security",
        title="筑牢祖国北疆安全稳定屏障",
        starts_on=D(2023, 4, 3),
        created_on=D(2023, 4, 3),
    )


def yuan(text: str) -> Decimal:
    return Decimal(text)
