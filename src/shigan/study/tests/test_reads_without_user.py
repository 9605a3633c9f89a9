"""A read handed no user (None) sees nothing, like a visitor not signed in; the system passes
`accounts.system_actor(reason)` to see everything, and forgetting `user` is a TypeError."""

import pytest
from django.http import Http404

from shigan.study import selectors

pytestmark = pytest.mark.django_db


def test_none_sees_no_session_the_system_sees_them_all(units, campaign, make_activity, system):
    make_activity(unit=units["own"], kind="reading_class")
    region = units["region"]
    assert selectors.activity_list(user=system, unit=region).count() == 1
    assert not selectors.activity_list(user=None, unit=region).exists()
    assert not selectors.leader_candidates(user=None, unit=region).exists()
    with pytest.raises(Http404):
        selectors.study_leaders(user=None, unit=region, campaign=campaign)


def test_a_read_without_user_is_refused(units, campaign):
    with pytest.raises(TypeError):
        selectors.study_leaders(unit=units["region"], campaign=campaign)  # type: ignore[call-arg]
