"""The catalogue's figures handed no user (None) give nothing, not the system's everything:
the unit is not found (404) and every record read is empty. The system passes
`accounts.system_actor(reason)`; forgetting `user` is a TypeError."""

import pytest
from django.http import Http404

from shigan.dashboards.figures import CATALOGUE, Query, figure, figures_all
from shigan.dashboards.tests.world import AS_OF, EXPECTED

pytestmark = pytest.mark.django_db


def test_figures_for_none_are_refused_not_everything(world, units, system):
    args = {"campaign": world["campaign"], "unit": units["region"], "as_of": AS_OF}
    assert figure("root_problems", user=system, **args).value == EXPECTED["root_problems"] > 0
    with pytest.raises(Http404):
        figures_all(user=None, **args)
    with pytest.raises(Http404):
        figure("root_problems", user=None, **args)
    with pytest.raises(TypeError):
        figures_all(**args)  # type: ignore[call-arg]


def test_a_query_for_none_reads_no_records(world, units, system):
    mine = Query(world["campaign"], units["region"], None, AS_OF, user=system)
    nobody = Query(world["campaign"], units["region"], None, AS_OF, user=None)
    entry = CATALOGUE["study_leaders"]
    assert entry.evaluate(mine).records.exists()
    with pytest.raises(Http404):
        entry.evaluate(nobody)
