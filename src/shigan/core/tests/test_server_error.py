"""An unhandled error under /api/ answers the API's JSON error body (status 500, a stable code
and a Chinese message, no traceback), and is still logged with its traceback; a page's 500
stays Django's page (found by a probe: an API client got Django's HTML 500 page)."""

import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from shigan.core.views import error_403
from shigan.orgs.api.views import UnitViewSet
from shigan.orgs.choices import Role

pytestmark = pytest.mark.django_db


class Boom(RuntimeError):
    pass


def _explode(*args, **kwargs):
    raise Boom("secret internals: /srv/shigan/settings.py")


def test_an_api_server_error_is_json_and_logged(make_user, units, monkeypatch, caplog):
    monkeypatch.setattr(UnitViewSet, "get_queryset", _explode)
    client = Client(raise_request_exception=False)
    client.force_login(make_user(Role.VIEWER, units["own"]))
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/api/units/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body == {
        "code": "server_error",
        "detail": "服务器内部错误，请稍后再试；如一再出现请联系管理员。",
    }
    assert "secret internals" not in response.content.decode()
    logged = [r for r in caplog.records if r.exc_info and r.exc_info[0] is Boom]
    assert logged, "the exception is still logged with its traceback"


def test_a_page_server_error_stays_a_page(make_user, units, monkeypatch):
    monkeypatch.setattr("shigan.orgs.views_home.HomeView.get", _explode)
    client = Client(raise_request_exception=False)
    client.force_login(make_user(Role.VIEWER, units["own"]))
    response = client.get("/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "secret internals" not in response.content.decode()


def test_api_errors_django_answers_outside_drf_are_json(rf):
    """A 400 Django answers itself (a host not in ALLOWED_HOSTS, a malformed request) and a
    403 raised outside DRF are the API's JSON body under /api/, pages elsewhere."""
    response = Client().get("/api/units/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    page = Client().get("/accounts/login/", HTTP_HOST="evil.example")
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")
    denied = error_403(rf.get("/api/units/"), PermissionDenied())
    assert denied.status_code == 403 and denied["Content-Type"].startswith("application/json")
    assert b'"permission_denied"' in denied.content
