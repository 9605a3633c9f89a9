"""Whom a form of a unit offers as a leader or owner (`person_choices`): the unit's people, its
children's and its ancestors', not the whole subtree (a league has thousands below it)."""

import pytest

from shigan.orgs.choices import PersonRank, Role
from shigan.orgs.selectors import person_choices
from shigan.orgs.services import person_create

pytestmark = pytest.mark.django_db


def test_a_unit_offers_its_own_its_childrens_and_its_ancestors_people_only(
    units, system, make_user
):
    people = {
        where: person_create(
            actor=system, unit=units[where], name=f"测试{i}", rank=PersonRank.COUNTY
        )
        for i, where in enumerate(
            ("region", "parent", "own", "child", "grandchild", "sibling", "unrelated")
        )
    }
    viewer = make_user(Role.VIEWER, units["region"])
    offered = set(person_choices(user=viewer, unit=units["own"]))
    assert offered == {people[w] for w in ("region", "parent", "own", "child")}


def test_only_people_the_user_may_see(units, system, make_user):
    person_create(actor=system, unit=units["parent"], name="盟领导", rank=PersonRank.COUNTY)
    own = person_create(actor=system, unit=units["own"], name="旗领导", rank=PersonRank.COUNTY)
    banner_viewer = make_user(Role.VIEWER, units["own"])  # sees the banner and below, not up
    assert set(person_choices(user=banner_viewer, unit=units["own"])) == {own}
