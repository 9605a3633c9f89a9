"""guidance_members: who of the guidance groups looks after a record (problems' reviewers and
research's plan reviewers both ask it)."""

from types import SimpleNamespace

from shigan.campaigns import services
from shigan.campaigns.selectors import guidance_members
from shigan.orgs.models import Unit

from .conftest import D


def _record(pk, unit, campaign):
    return SimpleNamespace(pk=pk, unit=unit, campaign_id=getattr(campaign, "pk", campaign))


def test_members_of_groups_on_the_unit_or_above_in_the_campaign(
    office, campaign, group, member, units
):
    other = services.campaign_create(
        actor=office, name="另一次主题教育", root_unit=units["region"], starts_on=D
    )
    records = [
        _record(1, units["own"], campaign),  # the group's unit
        _record(2, units["grandchild"], campaign),  # below it
        _record(3, units["parent"], campaign),  # above it: not looked after
        _record(4, units["sibling"], campaign),
        _record(5, units["child"], other),  # another campaign
        _record(6, units["child"], None),  # no campaign: every campaign's groups
    ]
    found = guidance_members(records)
    assert found == {1: {member.pk}, 2: {member.pk}, 3: set(), 4: set(), 5: set(), 6: {member.pk}}


def test_active_units_only(campaign, group, member, units):
    Unit.objects.filter(pk=units["own"].pk).update(active=False)
    records = [_record(1, units["child"], campaign)]
    assert guidance_members(records) == {1: {member.pk}}
    assert guidance_members(records, active_units_only=True) == {1: set()}
    assert guidance_members([]) == {}
