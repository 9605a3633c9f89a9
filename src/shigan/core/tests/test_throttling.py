"""API rate limits: per account for tokens and sessions, per address for anonymous callers; the
429 answer is the API's JSON with a Chinese message and Retry-After. The suite itself runs
unthrottled (conftest); these tests set the rates."""

import pytest
from django.conf import settings as django_settings
from rest_framework.test import APIClient

from shigan.accounts.services import token_create
from shigan.orgs.choices import Role

pytestmark = pytest.mark.django_db


def test_production_defaults():
    # conftest switches them off for the suite; the settings module's values are the defaults
    from shigan import settings as module

    assert module.SHIGAN_API_RATE_USER == "600/min"
    assert module.SHIGAN_API_RATE_ANON == "60/min"
    assert django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]


def test_a_token_is_throttled_per_account_with_a_chinese_429(settings, make_user, units):
    settings.SHIGAN_API_RATE_USER = "3/min"
    user = make_user(Role.VIEWER, units["own"])
    other = make_user(Role.VIEWER, units["own"])
    _, key = token_create(actor=user, name="脚本")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    for _ in range(3):
        assert api.get("/api/units/").status_code == 200
    refused = api.get("/api/units/")
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("application/json")
    assert 0 < int(refused["Retry-After"]) <= 60
    body = refused.json()
    assert body["code"] == "throttled"
    assert "请求过于频繁" in body["detail"] and refused["Retry-After"] in body["detail"]
    # the same account's session shares the count; another account does not
    session = APIClient()
    session.force_login(user)
    assert session.get("/api/units/").status_code == 429
    session.force_login(other)
    assert session.get("/api/units/").status_code == 200


def test_anonymous_callers_are_throttled_per_address(settings):
    settings.SHIGAN_API_DOCS_PUBLIC = True
    settings.SHIGAN_API_RATE_ANON = "2/min"
    one, two = APIClient(REMOTE_ADDR="203.0.113.1"), APIClient(REMOTE_ADDR="203.0.113.2")
    for _ in range(2):
        assert one.get("/api/schema/").status_code == 200
    assert one.get("/api/schema/").status_code == 429
    # a forged X-Forwarded-For does not make a new address
    forged = one.get("/api/schema/", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert forged.status_code == 429
    assert two.get("/api/schema/").status_code == 200


def test_a_rate_of_zero_switches_the_limit_off(settings, make_user, units):
    settings.SHIGAN_API_RATE_USER = None
    api = APIClient()
    api.force_login(make_user(Role.VIEWER, units["own"]))
    assert all(api.get("/api/units/").status_code == 200 for _ in range(5))


def test_the_schema_documents_the_429(settings, make_user, units):
    api = APIClient()
    api.force_login(make_user(Role.VIEWER, units["own"]))
    schema = api.get("/api/schema/?format=json").json()
    assert "429" in schema["paths"]["/api/units/"]["get"]["responses"]
