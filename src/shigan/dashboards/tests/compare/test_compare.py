"""Two campaigns side by side: both campaigns' figures, each as of its own date, each a link to
its records; a carried problem counts in the second only from its carry-over day."""

import re

import pytest
from django.urls import reverse

from shigan.problems.carryover import problems_carry_over
from shigan.problems.tests.carryover.conftest import CARRIED_ON

pytestmark = pytest.mark.django_db


def _row(page: str, key: str) -> list[str]:
    row = re.search(rf'<tr data-metric="{re.escape(key)}">(.*?)</tr>', page, re.S)
    assert row, f"no row {key}"
    return re.findall(r'<a class="figure" href="[^"]+">([^<]+)</a>', row.group(1))


def _compare(client, units, old, new, **extra):
    params = {"unit": units["region"].pk, "a": old["campaign"].pk, "b": new.pk, **extra}
    return client.get(reverse("dashboards:compare"), params)


def test_the_comparison_shows_both_campaigns_figures(client, office, old, new, units):
    problems_carry_over(
        actor=office, problems=[old["slow"], old["lasting"]], campaign=new, day=CARRIED_ON
    )
    client.force_login(office)
    page = _compare(client, units, old, new, as_of_a="2023-06-07").content.decode()
    assert old["campaign"].name in page and new.name in page
    assert _row(page, "problems.found") == ["3", "2"]
    assert _row(page, "problems.closed") == ["1", "0"]
    assert _row(page, "problems.carried_in") == ["0", "2"]
    assert _row(page, "problems.measures") == ["4", "2"]
    # Before the carry-over day the second campaign has none of them.
    before = _compare(client, units, old, new, as_of_b="2024-04-03").content.decode()
    assert _row(before, "problems.found") == ["3", "0"]


def test_the_second_defaults_to_the_latest_and_the_first_to_its_previous(
    client, office, old, new, units
):
    client.force_login(office)
    page = client.get(reverse("dashboards:compare"), {"unit": units["region"].pk}).content.decode()
    assert page.index(old["campaign"].name) < page.index(new.name)
    link = re.search(r'<a class="figure" href="([^"]+)">3</a>', page).group(1)
    assert f"campaign={old['campaign'].pk}" in link


def test_outside_the_scope_is_not_found(client, make_user, units, old, new):
    from shigan.orgs.choices import Role

    client.force_login(make_user(Role.ADMIN, units["unrelated"]))
    assert _compare(client, units, old, new).status_code == 404


def test_the_comparison_reads_one_fact_sum_per_figure(
    client, office, old, new, units, django_assert_max_num_queries
):
    """The page's queries follow the figures shown (two per row), not the records."""
    from shigan.dashboards.compare import COMPARED

    client.force_login(office)
    _compare(client, units, old, new)  # warm the session and the caches
    with django_assert_max_num_queries(2 * len(COMPARED) + 12):
        assert _compare(client, units, old, new).status_code == 200
