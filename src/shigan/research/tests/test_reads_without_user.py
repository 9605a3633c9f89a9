"""The research exports and figures handed no user (None) see nothing, not everything; the
system passes `accounts.system_actor(reason)`."""

import pytest

from shigan.research import selectors
from shigan.research.exports import TopicExporter

pytestmark = pytest.mark.django_db


def test_an_export_for_none_is_empty_for_the_system_whole(topic, campaign, units, editor, system):
    region = units["region"]
    assert TopicExporter(user=system, unit=region, campaign=campaign).count() == 1
    assert TopicExporter(user=editor, unit=region, campaign=campaign).count() == 1
    assert TopicExporter(user=None, unit=region, campaign=campaign).count() == 0
    assert list(TopicExporter(user=None, unit=region, campaign=campaign).rows()) == []


def test_revised_plans_need_a_user(campaign, units):
    assert selectors.units_with_revised_plans(campaign=campaign, user=None).value == 0
    with pytest.raises(TypeError):
        selectors.units_with_revised_plans(campaign=campaign)  # type: ignore[call-arg]
