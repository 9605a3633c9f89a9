"""Petition fixtures around 阿巴嘎旗: its first sumu (the township that answers) and that sumu's
first gacha (the village where a petition is taken in), another sumu of the same banner."""

import datetime

import pytest

from shigan.accounts.system import system_actor
from shigan.core import services as core_services
from shigan.orgs.choices import Role
from shigan.orgs.models import Unit
from shigan.petitions import services

D = datetime.date(2023, 4, 3)  # a Monday

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(body17: str) -> str:
    """A valid 18-character ID number: the 17 digits and their check character."""
    total = sum(int(d) * w for d, w in zip(body17, ID_WEIGHTS, strict=True))
    return body17 + "10X98765432"[total % 11]


PERSON = {
    "name": "张三",
    "id_number": id_number("15252719800101123"),
    "phone": "13812345678",
    "address": "阿巴嘎旗别力古台镇某嘎查3号",
}


@pytest.fixture
def calendar_2023(db):
    core_services.calendar_year_seed(actor=system_actor("test"), year=2023)


@pytest.fixture
def places(units):
    sumus = list(Unit.objects.get_children(units["own"]))
    return {
        "banner": units["own"],
        "sumu": units["child"],
        "gacha": units["grandchild"],
        "other_sumu": sumus[1],
        "other_gacha": Unit.objects.get_children(sumus[1]).first(),
        "league": units["parent"],
        "sibling": units["sibling"],
    }


@pytest.fixture
def people(places, make_user):
    """Who is who: agents at the gacha and the sumu, the sumu's leader, onlookers."""
    users = {
        "gacha_agent": make_user(Role.EDITOR, places["gacha"], username="gacha_agent"),
        "gacha_editor": make_user(Role.EDITOR, places["gacha"], username="gacha_editor"),
        "sumu_agent": make_user(Role.EDITOR, places["sumu"], username="sumu_agent"),
        "sumu_leader": make_user(Role.LEADER, places["sumu"], username="sumu_leader"),
        "banner_agent": make_user(Role.EDITOR, places["banner"], username="banner_agent"),
        "banner_leader": make_user(Role.LEADER, places["banner"], username="banner_leader"),
        "banner_admin": make_user(Role.ADMIN, places["banner"], username="banner_admin"),
        "viewer": make_user(Role.VIEWER, places["banner"], username="viewer"),
        "other_sumu_editor": make_user(
            Role.EDITOR, places["other_sumu"], username="other_sumu_editor"
        ),
    }
    return users


@pytest.fixture
def agents(people, places, calendar_2023):
    admin = people["banner_admin"]
    return {
        "gacha": services.agent_appoint(
            actor=admin, user=people["gacha_agent"], unit=places["gacha"], appointed_on=D
        ),
        "sumu": services.agent_appoint(
            actor=admin, user=people["sumu_agent"], unit=places["sumu"], appointed_on=D
        ),
        "banner": services.agent_appoint(
            actor=admin, user=people["banner_agent"], unit=places["banner"], appointed_on=D
        ),
    }


def intake(agent, *, day=D, person=None, request="要求解决草场边界纠纷", **kwargs):
    return services.petition_intake(
        actor=agent.user,
        agent=agent,
        received_on=day,
        channel=kwargs.pop("channel", "visit"),
        title=kwargs.pop("title", "草场边界纠纷"),
        request=request,
        category=kwargs.pop("category", "land"),
        first_time=kwargs.pop("first_time", True),
        petitioners=[person or PERSON],
        **kwargs,
    )


@pytest.fixture
def petition(agents):
    """Taken in at the gacha on D."""
    return intake(agents["gacha"])


@pytest.fixture
def routed(petition, agents, people, places):
    """Carried to the sumu on D + 1."""
    return services.petition_route(
        actor=people["gacha_agent"],
        petition=petition,
        to_unit=places["sumu"],
        day=D + datetime.timedelta(days=1),
        note="属苏木职权",
    )


@pytest.fixture
def accepted(routed, people):
    return services.petition_accept(
        actor=people["sumu_agent"], petition=routed, accepted_on=D + datetime.timedelta(days=3)
    )


@pytest.fixture
def replied(accepted, people):
    return services.petition_reply(
        actor=people["sumu_agent"],
        petition=accepted,
        text="经实地勘查，已重新确认边界。",
        replied_on=D + datetime.timedelta(days=20),
        told_by="writing",
    )
