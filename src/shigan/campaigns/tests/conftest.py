import datetime

import pytest

from shigan.campaigns import services
from shigan.orgs.choices import Role

D = datetime.date(2023, 4, 10)


@pytest.fixture
def office(units, make_user):
    """An admin of the campaign's root unit: the campaign office."""
    return make_user(Role.ADMIN, units["region"], username="office")


@pytest.fixture
def campaign(office, units):
    return services.campaign_create(
        actor=office, name="学习贯彻主题教育", root_unit=units["region"], starts_on=D
    )


@pytest.fixture
def batch(office, campaign):
    return services.batch_create(actor=office, campaign=campaign, name="第一批", starts_on=D)


@pytest.fixture
def group(office, campaign, units):
    """A guidance group assigned 阿巴嘎旗 (own), with one member."""
    group = services.guidance_group_create(actor=office, campaign=campaign, name="第一巡回指导组")
    services.guidance_group_assign(actor=office, group=group, units=[units["own"]])
    return group


@pytest.fixture
def member(office, group, make_user):
    user = make_user(username="member")
    services.guidance_group_add_member(actor=office, group=group, user=user)
    return user


@pytest.fixture
def logged_in(client):
    def login(user):
        client.force_login(user)
        return client

    return login
