"""A session's API write without its CSRF token is refused (403) with a Chinese message and a
stable code, not DRF's English "CSRF Failed: CSRF token missing." (found by a probe)."""

import pytest
from django.test import Client

from shigan.orgs.choices import Role

pytestmark = pytest.mark.django_db


def test_a_session_write_without_csrf_token_is_refused_in_chinese(make_user, units):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.EDITOR, units["own"]))
    response = client.post(
        "/api/problems/problems/", {"unit": units["own"].pk}, content_type="application/json"
    )
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "csrf_failed"
    assert "CSRF 令牌" in body["detail"] and "CSRF Failed" not in body["detail"]
