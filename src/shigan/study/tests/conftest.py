import datetime

import pytest

from shigan.accounts.system import system_actor
from shigan.campaigns import services as campaign_services
from shigan.orgs.choices import PersonRank, Role
from shigan.orgs.services import person_create
from shigan.study.services import study_activity_create

D = datetime.date(2023, 4, 13)


@pytest.fixture
def campaign(units):
    return campaign_services.campaign_create(
        actor=system_actor("test"), name="学习贯彻主题教育", root_unit=units["region"], starts_on=D
    )


@pytest.fixture
def people(units):
    own, child, sibling = units["own"], units["child"], units["sibling"]
    return {
        "banner_head": person_create(
            actor=system_actor("test"),
            unit=own,
            name="巴特尔",
            rank=PersonRank.COUNTY,
            post="旗委书记",
        ),
        "deputy": person_create(
            actor=system_actor("test"), unit=own, name="王建国", rank=PersonRank.COUNTY, post="旗长"
        ),
        "section": person_create(
            actor=system_actor("test"),
            unit=child,
            name="乌云",
            rank=PersonRank.SECTION,
            post="苏木党委书记",
        ),
        "sibling_head": person_create(
            actor=system_actor("test"),
            unit=sibling,
            name="孟和",
            rank=PersonRank.COUNTY,
            post="旗委书记",
        ),
    }


@pytest.fixture
def editor(units, make_user):
    return make_user(Role.EDITOR, units["own"])


@pytest.fixture
def make_activity(units, campaign):
    def make(unit=None, kind="reading_class", held_on=D, leaders=(), **kwargs):
        kwargs.setdefault("title", f"{kind} {held_on}")
        kwargs.setdefault("campaign", campaign)
        return study_activity_create(
            actor=system_actor("test"),
            unit=unit or units["own"],
            kind=kind,
            held_on=held_on,
            leaders=leaders,
            **kwargs,
        )

    return make
