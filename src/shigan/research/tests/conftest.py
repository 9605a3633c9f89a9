import datetime

import pytest

from shigan.accounts.system import system_actor
from shigan.campaigns import services as campaigns
from shigan.orgs.choices import PersonRank, Role
from shigan.orgs.services import person_create
from shigan.research import services

D = datetime.date(2023, 4, 10)


@pytest.fixture
def office(units, make_user):
    return make_user(Role.ADMIN, units["region"])


@pytest.fixture
def campaign(office, units):
    return campaigns.campaign_create(
        actor=office, name="学习贯彻主题教育", root_unit=units["region"], starts_on=D
    )


@pytest.fixture
def aspect(office, campaign):
    return campaigns.aspect_create(
        actor=office, campaign=campaign, kind="research", name="基层治理"
    )


@pytest.fixture
def problem_aspect(office, campaign):
    return campaigns.aspect_create(actor=office, campaign=campaign, kind="problem", name="作风建设")


@pytest.fixture
def editor(units, make_user):
    return make_user(Role.EDITOR, units["own"], username="banner_ed")


@pytest.fixture
def lead(units):
    return person_create(
        actor=system_actor("test"),
        unit=units["own"],
        name="巴特尔",
        rank=PersonRank.COUNTY,
        post="旗委书记",
    )


@pytest.fixture
def provincial_lead(units):
    return person_create(
        actor=system_actor("test"),
        unit=units["region"],
        name="王建国",
        rank=PersonRank.PROVINCIAL,
        post="副主席",
    )


@pytest.fixture
def group(office, campaign, units):
    group = campaigns.guidance_group_create(actor=office, campaign=campaign, name="第一指导组")
    campaigns.guidance_group_assign(actor=office, group=group, units=[units["parent"]])
    return group


@pytest.fixture
def guide(office, group, make_user):
    user = make_user(username="guide1")
    campaigns.guidance_group_add_member(actor=office, group=group, user=user)
    return user


@pytest.fixture
def outsider_guide(office, campaign, units, make_user):
    other = campaigns.guidance_group_create(actor=office, campaign=campaign, name="第二指导组")
    campaigns.guidance_group_assign(actor=office, group=other, units=[units["unrelated"]])
    user = make_user(username="guide2")
    campaigns.guidance_group_add_member(actor=office, group=other, user=user)
    return user


@pytest.fixture
def topic(editor, units, campaign, aspect, lead):
    return services.topic_create(
        actor=editor,
        unit=units["own"],
        campaign=campaign,
        aspect=aspect,
        title="牧区基层治理调研",
        lead=lead,
        created_on=D,
    )


@pytest.fixture
def approved_topic(topic, editor, guide):
    plan = services.topic_plan_submit(actor=editor, topic=topic, text="方案", day=D)
    services.topic_plan_review(actor=guide, plan=plan, verdict="approved", day=D)
    topic.refresh_from_db()
    return topic
