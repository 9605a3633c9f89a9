"""Issue 14, point 5, on the demo scenario: the region's dashboard as of 2023-06-07 shows one
overdue figure, and it is the red lights the watch lit that day — computed again from the
history (`problems.lights`), not read from the stored light."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from shigan.problems.lights import problems_lit_as_of
from shigan.problems.models import Problem

pytestmark = pytest.mark.django_db


def test_the_overdue_figure_is_the_red_lights_of_the_day(scenario, as_of, client):
    problems = Problem.objects.filter(campaign=scenario.campaign)
    stored = set(problems.filter(light="red").values_list("pk", flat=True))
    assert stored and set(problems_lit_as_of(problems, as_of)) == stored
    client.force_login(get_user_model().objects.get(username="office"))
    root = scenario.campaign.root_unit
    url = reverse("dashboards:unit", args=[root.pk])
    page = client.get(f"{url}?campaign={scenario.campaign.pk}&as_of={as_of}")
    assert page.context["overdue_count"] == len(stored)
    earlier = as_of - datetime.timedelta(days=30)
    before = client.get(f"{url}?campaign={scenario.campaign.pk}&as_of={earlier}")
    assert before.context["overdue_count"] == len(problems_lit_as_of(problems, earlier))
    assert before.context["overdue_count"] < len(stored)


def test_the_metrics_index_of_the_region_is_a_page_not_a_book(scenario, client):
    """Issue 14: /metrics/?unit=<region> was 1.1 MB; one family, six metrics a page now."""
    client.force_login(get_user_model().objects.get(username="office"))
    root = scenario.campaign.root_unit
    sizes = {}
    for family in ("study", "research", "problems", "initiatives", "petitions", "other"):
        page = client.get(reverse("metrics:overview"), {"unit": root.pk, "family": family})
        assert page.status_code == 200
        sizes[family] = len(page.content)
    print("metrics index bytes by family:", sizes)
    assert max(sizes.values()) < 150_000
