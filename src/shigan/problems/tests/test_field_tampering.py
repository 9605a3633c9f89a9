"""Mass assignment: fields a client may not set (a record's state, light, author, id, the
unit or problem it belongs to) sent with a create over the API or a form are ignored or refused,
never applied; a person or unit outside the caller's scope is refused naming the field."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from shigan.accounts.system import system_actor
from shigan.orgs.choices import PersonRank, Role
from shigan.orgs.services import person_create
from shigan.problems import services
from shigan.problems.choices import ProblemState
from shigan.problems.models import Measure, Problem

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def api(editor):
    client = APIClient()
    client.force_authenticate(editor)
    return client


@pytest.fixture
def elsewhere(units, campaign, make_user):
    """A problem of the sibling banner, outside the editor's scope."""
    return services.problem_create(
        actor=make_user(Role.EDITOR, units["sibling"]),
        unit=units["sibling"],
        campaign=campaign,
        title="别处的问题",
        source="self_inspection",
        found_on=D(2023, 5, 4),
    )


def base(units, campaign):
    return {
        "unit": units["own"].pk,
        "campaign": campaign.pk,
        "title": "接口登记的问题",
        "source": "self_inspection",
        "found_on": "2023-05-04",
    }


def test_a_problem_s_state_light_author_and_id_are_not_the_client_s(
    api, units, campaign, elsewhere, calendar, make_user
):
    tampered = {
        **base(units, campaign),
        "id": elsewhere.pk,
        "state": ProblemState.CLOSED,
        "light": "green",
        "light_on": "2023-01-01",
        "created_by": make_user().pk,
        "closed_on": "2023-05-05",
    }
    response = api.post("/api/problems/problems/", tampered, format="json")
    assert response.status_code == 201, response.json()
    made = Problem.objects.get(pk=response.json()["id"])
    assert made.pk != elsewhere.pk and made.unit == units["own"]
    assert made.state == ProblemState.OPEN and made.light_on != D(2023, 1, 1)
    elsewhere.refresh_from_db()
    assert elsewhere.title == "别处的问题"


def test_a_unit_outside_the_scope_is_404(api, units, campaign, calendar):
    response = api.post(
        "/api/problems/problems/", {**base(units, campaign), "unit": units["sibling"].pk}
    )
    assert response.status_code == 404
    assert not Problem.objects.exists()


def test_a_responsible_leader_of_another_unit_is_refused(api, units, campaign, calendar):
    stranger = person_create(
        actor=system_actor("test"), unit=units["unrelated"], name="乌力吉", rank=PersonRank.COUNTY
    )
    data = {**base(units, campaign), "responsible": stranger.pk}
    response = api.post("/api/problems/problems/", data, format="json")
    assert response.status_code == 400
    assert "responsible" in str(response.json()), response.json()
    assert not Problem.objects.exists()


def test_a_measure_lands_on_the_problem_of_the_url(api, problem, elsewhere, calendar):
    tampered = {
        "text": "建立台账",
        "problem": elsewhere.pk,
        "state": "done",
        "done_on": "2023-05-06",
        "id": 1,
    }
    response = api.post(f"/api/problems/problems/{problem.pk}/measures/", tampered, format="json")
    assert response.status_code == 201, response.json()
    measure = Measure.objects.get(pk=response.json()["id"])
    assert measure.problem == problem and measure.state != "done" and measure.done_on is None
    assert not elsewhere.measures.exists()


def test_the_record_form_keeps_to_the_unit_of_its_url(client, editor, units, campaign, calendar):
    client.force_login(editor)
    url = reverse("problems:create", args=[units["own"].pk])
    data = {
        "title": "表单登记的问题",
        "source": "self_inspection",
        "term": "time_bound",
        "found_on": "2023-05-04",
        "state": ProblemState.CLOSED,
    }
    response = client.post(url, {**data, "unit": units["sibling"].pk})
    assert response.status_code == 400
    assert "责任单位" in response.content.decode()
    assert not Problem.objects.exists()
    response = client.post(url, {**data, "unit": units["own"].pk})
    assert response.status_code == 302
    assert Problem.objects.get().state == ProblemState.OPEN
