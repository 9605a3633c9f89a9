"""A read handed no user (None) sees nothing, not everything; the system passes
`accounts.system_actor(reason)`."""

import pytest
from django.http import Http404

from shigan.initiatives import selectors
from shigan.initiatives.exports import KeyTaskExporter

pytestmark = pytest.mark.django_db


def test_none_sees_no_key_task_the_system_sees_them(task, campaign, units, system):
    region = units["region"]
    assert list(selectors.key_task_list(user=system, unit=region)) == [task]
    assert not selectors.key_task_list(user=None, unit=region).exists()
    assert KeyTaskExporter(user=system, unit=region, campaign=campaign).count() == 1
    assert KeyTaskExporter(user=None, unit=region, campaign=campaign).count() == 0


def test_a_read_without_user_is_refused(units):
    with pytest.raises(TypeError):
        selectors.key_task_list(unit=units["region"])  # type: ignore[call-arg]


def test_the_delivery_figures_are_read_for_a_user_who_sees_the_unit(task, campaign, units, editor):
    figures = selectors.delivery_figures(user=editor, unit=units["own"], campaign=campaign)
    assert figures["key_tasks"] == 1
    for user, unit in ((editor, units["sibling"]), (None, units["own"])):
        with pytest.raises(Http404):
            selectors.delivery_figures(user=user, unit=unit, campaign=campaign)
