import pytest

from shigan.dashboards.tests.world import build_world
from shigan.orgs.choices import Role


@pytest.fixture
def guide(make_user):
    return make_user(username="guide")


@pytest.fixture
def world(units, guide):
    return build_world(units, guide)


@pytest.fixture
def office(units, make_user):
    return make_user(Role.ADMIN, units["region"], username="office")
