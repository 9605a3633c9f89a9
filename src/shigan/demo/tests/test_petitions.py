"""The petition agency in the scenario (issue 14, point 9): the figures each demo role sees are
the counts of the scenario's records, the three levels and their paths are there, and the agent
desk of the agent accounts has work on it."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.test import Client
from django.urls import reverse

from shigan.orgs.choices import UnitKind
from shigan.orgs.models import Unit
from shigan.petitions.choices import SATISFIED, CaseKind, PetitionState, ReviewLevel
from shigan.petitions.models import Petition, PetitionReview, PetitionTransition
from shigan.petitions.selectors import unit_figures

pytestmark = pytest.mark.django_db

ROLE_UNITS = {
    "office": (1, "150000000000"),
    "league_leader": (2, "152500000000"),
    "banner_editor": (3, "152522000000"),
}


# Petitions only: the union's rights cases (union.py) share the model and have their own figures.
PETITIONS = Petition.objects.filter(kind=CaseKind.PETITION)


def _client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.mark.parametrize("username", list(ROLE_UNITS))
def test_petition_figures_are_the_counts_of_the_records(scenario, username):
    level, code = ROLE_UNITS[username]
    unit = Unit.objects.get(division_level=level, division_code=code)
    records = PETITIONS.filter(unit__path__startswith=unit.path)
    first = records.filter(first_time=True)
    # Resolved locally: answered at or below the sumu, and no review asked for since.
    local = records.filter(resolved_locally=True, state=PetitionState.REPLIED)
    replied = records.filter(replied_on__isnull=False)
    expected = {
        "petitions.received": records.count(),
        "petitions.first_time": first.count(),
        "petitions.resolved_locally": local.count(),
        "petitions.first_time_resolved_locally": local.filter(first_time=True).count(),
        "petitions.replied": replied.count(),
        "petitions.on_time": replied.filter(replied_on_time=True).count(),
        "petitions.rated": records.exclude(satisfaction="").count(),
        "petitions.satisfied": records.filter(satisfaction__in=SATISFIED).count(),
    }
    assert all(expected.values()), expected  # real numbers, not zeros
    viewer = get_user_model().objects.get(username=username)
    assert unit_figures(user=viewer, unit=unit)["totals"] == expected

    page = _client(username).get(reverse("petitions:figures", args=[unit.pk]))
    assert page.status_code == 200
    rate = (
        expected["petitions.first_time_resolved_locally"] * 100 / expected["petitions.first_time"]
    )
    assert f"{rate:.1f}%" in page.content.decode()
    url = reverse("petitions:unit_list", args=[unit.pk])
    ledger = _client(username).get(url, {"kind": CaseKind.PETITION})  # the ledger shows both
    assert f"共 {records.count()} 件" in ledger.content.decode()


def test_the_agency_works_at_three_levels_and_escalates(scenario):
    kinds = set(PETITIONS.values_list("unit__kind", flat=True))
    assert kinds == {UnitKind.VILLAGE, UnitKind.TOWNSHIP, UnitKind.COUNTY}
    banners = {p.unit.path[: 3 * Unit.steplen] for p in PETITIONS.select_related("unit")}
    assert len(banners) == 3
    routed = PetitionTransition.objects.filter(
        to_state=PetitionState.ROUTED, petition__kind=CaseKind.PETITION
    )
    assert routed.filter(to_unit__kind=UnitKind.TOWNSHIP).exists()
    assert routed.filter(Q(to_unit__kind=UnitKind.COUNTY) | Q(to_unit__kind=UnitKind.PREFECTURE))
    review = PetitionReview.objects.get(petition__kind=CaseKind.PETITION)
    assert review.level == ReviewLevel.REVIEW and review.decided_on is not None
    assert review.petition.state == PetitionState.REVIEWED
    assert review.body.kind == UnitKind.COUNTY
    # Nothing is dated after the as-of date.
    assert not Petition.objects.filter(received_on__gt="2023-06-07").exists()
    assert not PetitionTransition.objects.filter(day__gt="2023-06-07").exists()


@pytest.mark.parametrize("username", ["gacha_agent", "banner_editor"])
def test_the_agents_desk_has_work_on_it(scenario, username):
    user = get_user_model().objects.get(username=username)
    owed = Petition.objects.filter(
        Q(intake_agent__user=user) | Q(handling_unit__agents__user=user),
        state__in=(PetitionState.RECEIVED, PetitionState.ROUTED, PetitionState.ACCEPTED),
    ).distinct()
    assert owed.exists()
    page = _client(username).get(reverse("petitions:desk")).content.decode()
    for petition in owed[:5]:
        assert petition.number in page
