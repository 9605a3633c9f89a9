"""The campaign that follows 2023 in the demo (issue 19, point 5): 2024年党纪学习教育 of
鄂尔多斯市 carries over the city's long-term and unfinished problems, and the comparison page
shows both campaigns; the 2023 figures are checked unchanged in test_figures.py."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.urls import reverse

from shigan.campaigns.models import Campaign
from shigan.demo.scenario.carryover import AS_OF_2024, CARRIED_ON, NAME, ROOT
from shigan.metrics.models import MetricFact
from shigan.problems.models import Problem
from shigan.research.selectors import campaign_for_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def second(scenario):
    return Campaign.objects.get(name=NAME)


def test_the_second_campaign_follows_the_first(scenario, second):
    assert second.previous == scenario.campaign
    assert second.root_unit.division_code == ROOT
    assert set(second.aspects.values_list("name", flat=True)) == set(
        scenario.campaign.aspects.values_list("name", flat=True)
    )


def test_carried_problems_are_linked_to_their_unchanged_originals(scenario, second, as_of):
    carried = Problem.objects.filter(campaign=second, carried_from__isnull=False)
    assert carried.count() == 12
    assert carried.filter(term="long_term").exists() and carried.filter(state="closed").exists()
    for problem in carried.select_related("carried_from"):
        original = problem.carried_from
        assert original.campaign == scenario.campaign and problem.carried_on == CARRIED_ON
        assert (original.unit_id, original.title) == (problem.unit_id, problem.title)
        # The original stands as it was on 2023-06-07: nothing of it is dated 2024.
        assert original.transitions.order_by(
            "-day"
        ).first().day <= scenario.campaign.starts_on.replace(month=6, day=7)
        assert original.state != "closed"
    assert Problem.objects.filter(campaign=second, carried_from__isnull=True).count() == 3


def test_the_second_campaign_counts_nothing_before_its_carry_over(scenario, second):
    facts = (  # rows are appended: what counts is each key's sum
        MetricFact.objects.filter(campaign_id=second.pk)
        .values("metric", "unit", "dim", "value", "day")
        .annotate(n=Sum("delta"))
        .exclude(n=0)
    )
    assert facts.exists() and not facts.filter(day__lt=CARRIED_ON).exists()


def test_the_region_still_opens_on_2023_and_the_city_on_2024(scenario, second):
    office = get_user_model().objects.get(username="office")
    region, city = scenario.campaign.root_unit, second.root_unit
    assert campaign_for_unit(user=office, unit=region) == scenario.campaign
    assert campaign_for_unit(user=office, unit=city) == second


def test_the_comparison_shows_both_campaigns(scenario, second, client, as_of):
    client.force_login(get_user_model().objects.get(username="office"))
    response = client.get(
        reverse("dashboards:compare"),
        {"unit": second.root_unit_id, "as_of_a": as_of.isoformat(), "as_of_b": AS_OF_2024},
    )
    page = response.content.decode()
    assert response.status_code == 200 and scenario.campaign.name in page and NAME in page
    row = re.search(r'<tr data-metric="problems.found">(.*?)</tr>', page, re.S).group(1)
    first, second_value = re.findall(r'<a class="figure" href="[^"]+">([^<]+)</a>', row)
    assert (int(first), int(second_value)) == (30, 15)
