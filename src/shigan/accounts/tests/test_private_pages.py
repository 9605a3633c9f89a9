"""A signed-in user's pages and API answers say `private, no-store`, so that a browser does not
show them again from its history after logout."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from shigan.accounts.services import token_create
from shigan.orgs.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(units, make_user):
    return make_user(Role.VIEWER, units["own"])


def no_store(response) -> bool:
    parts = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= parts


def test_a_signed_in_page_is_not_kept_by_the_browser(client, user):
    client.force_login(user)
    response = client.get(reverse("problems:home"), follow=True)
    assert response.status_code == 200
    assert no_store(response)


def test_an_api_answer_to_a_token_is_not_kept(user):
    _, key = token_create(actor=user, name="脚本")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get("/api/units/")
    assert response.status_code == 200
    assert no_store(response)
