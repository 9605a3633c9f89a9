"""The scenario's union cases (工会维权): a few dozen cases of new-form workers in 2023, by
category, through the desk's clock; the union figures by subtree match the cases and leave the
petition figures alone."""

import pytest

from shigan.accounts.system import system_actor
from shigan.core.calendar import is_workday
from shigan.metrics.selectors import metric_value
from shigan.orgs.models import Unit
from shigan.petitions.choices import UNION_CATEGORIES
from shigan.petitions.models import Petition, Petitioner
from shigan.petitions.selectors import unit_figures

pytestmark = pytest.mark.django_db


def test_a_few_dozen_union_cases_in_2023(scenario, as_of):
    cases = Petition.objects.filter(kind="union")
    assert 24 <= cases.count() <= 60
    assert set(cases.values_list("category", flat=True)) == set(UNION_CATEGORIES)
    assert all(c.number.startswith("GH2023") for c in cases)
    days = [d for c in cases for d in (c.received_on, c.accepted_on, c.replied_on) if d]
    assert max(days) <= as_of and all(is_workday(d) for d in days)
    states = set(cases.values_list("state", flat=True))
    assert {"replied", "accepted"} <= states
    assert cases.filter(resolved_locally=True).exists()
    assert cases.filter(state="replied", resolved_locally=False).exists()  # went to a district
    # The workers are stored encrypted only.
    names = Petitioner.objects.filter(petition__kind="union").values_list("name_enc", flat=True)
    assert all(n.startswith("gAAAA") for n in names)


def test_union_figures_by_subtree_match_the_cases(scenario, as_of):
    region = Unit.objects.get(division_code="150000000000", depth=1)
    cases = Petition.objects.filter(kind="union")
    local = cases.filter(first_time=True, resolved_locally=True, state="replied")
    figures = unit_figures(user=system_actor("test"), unit=region, as_of=as_of, kind="union")
    assert figures["totals"]["union.received"] == cases.count()
    assert figures["totals"]["union.first_time_resolved_locally"] == local.count()
    by_child = {r.unit.pk: r.values["union.received"] for r in figures["rows"] if r.unit}
    for league in Unit.objects.get_children(region):
        mine = cases.filter(unit__path__startswith=league.path).count()
        assert by_child.get(league.pk, 0) == mine
    petitions = Petition.objects.filter(kind="petition").count()
    assert (
        metric_value("petitions.received", unit=region, as_of=as_of, user=system_actor("test"))
        == petitions
    )
