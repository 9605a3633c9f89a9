"""Issue 16 point 5: password ageing (SHIGAN_PASSWORD_MAX_AGE_DAYS, 90 by default: after that
nothing but changing it) and a limit on concurrent sessions per account (SHIGAN_MAX_SESSIONS:
a login beyond it ends the account's oldest session; the new login always succeeds)."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from shigan.accounts.choices import SystemRole
from shigan.accounts.models import User
from shigan.audit.models import AuditEntry
from shigan.orgs.choices import Role

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-1"


def age(user, days):
    User.objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - datetime.timedelta(days=days)
    )


def test_defaults():
    assert django_settings.SHIGAN_PASSWORD_MAX_AGE_DAYS == 90
    assert django_settings.SHIGAN_MAX_SESSIONS == 3


def test_an_aged_password_must_be_changed_before_anything_else(client, make_user, units):
    clerk = make_user(Role.EDITOR, units["own"], username="clerk")
    age(clerk, 89)
    client.force_login(clerk)
    assert client.get("/units/").status_code == 200
    age(clerk, 91)
    response = client.get("/units/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/password/?next=")
    api = client.get("/api/tokens/")
    assert api.status_code == 403 and api.json()["code"] == "password_expired"
    page = client.get(response["Location"])
    assert page.status_code == 200
    same = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password": PASSWORD, "new_password2": PASSWORD},
    )
    assert same.status_code == 400 and "新密码不能与原密码相同" in same.content.decode()
    new = "another-long-passphrase-2"
    done = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password": new, "new_password2": new, "next": "/units/"},
    )
    assert done.status_code == 302 and done["Location"] == "/units/"
    assert client.get("/units/").status_code == 200  # still logged in, no longer aged
    assert AuditEntry.objects.filter(action="accounts.user.password_changed", actor=clerk).exists()


def test_ageing_is_a_setting(client, make_user, units, settings):
    clerk = make_user(Role.EDITOR, units["own"], username="clerk")
    age(clerk, 400)
    settings.SHIGAN_PASSWORD_MAX_AGE_DAYS = 0  # off
    client.force_login(clerk)
    assert client.get("/units/").status_code == 200
    settings.SHIGAN_PASSWORD_MAX_AGE_DAYS = 30
    age(clerk, 31)
    assert client.get("/units/").status_code == 302


def test_a_password_reset_by_the_system_administrator_must_be_changed(client, make_user, units):
    admin = make_user(username="sys", system_role=SystemRole.SYSTEM_ADMIN)
    clerk = make_user(Role.EDITOR, units["own"], username="clerk")
    client.force_login(admin)
    client.post(f"/accounts/users/{clerk.pk}/password/", {"password": "temporary-pass-2023"})
    clerk_client = Client()
    response = clerk_client.post(
        "/accounts/login/", {"username": "clerk", "password": "temporary-pass-2023"}
    )
    assert response.status_code == 302
    assert clerk_client.get("/")["Location"].startswith("/accounts/password/")
    assert AuditEntry.objects.filter(action="accounts.user.password_reset", actor=admin).exists()


def test_a_login_beyond_the_limit_ends_the_oldest_session(make_user, units, settings):
    settings.SHIGAN_MAX_SESSIONS = 2
    make_user(Role.EDITOR, units["own"], username="clerk")
    browsers = [Client() for _ in range(3)]
    for browser in browsers:
        assert (
            browser.post(
                "/accounts/login/", {"username": "clerk", "password": PASSWORD}
            ).status_code
            == 302
        )
    oldest, *others = browsers
    assert oldest.get("/units/").status_code == 302  # ended: back to the login page
    assert oldest.get("/units/")["Location"].startswith("/accounts/login/")
    assert all(browser.get("/units/").status_code == 200 for browser in others)
    ended = AuditEntry.objects.filter(action="accounts.session.ended", actor_name="clerk")
    assert ended.count() == 1
    # A logout frees its place: the next login ends nobody.
    others[0].post("/accounts/logout/")
    Client().post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
    assert others[1].get("/units/").status_code == 200


def test_deactivating_an_account_ends_its_sessions(client, make_user, units):
    admin = make_user(username="sys", system_role=SystemRole.SYSTEM_ADMIN)
    make_user(Role.EDITOR, units["own"], username="clerk")
    clerk = Client()
    clerk.post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
    assert clerk.get("/units/").status_code == 200
    client.force_login(admin)
    client.post(f"/accounts/users/{User.objects.get(username='clerk').pk}/deactivate/")
    assert clerk.get("/units/").status_code == 302


def test_an_aged_password_stops_its_api_tokens_too(make_user, units):
    """The gate stops sessions; a token is no way around the ageing (found by a probe)."""
    from rest_framework.test import APIClient

    from shigan.accounts.services import token_create

    clerk = make_user(Role.EDITOR, units["own"], username="clerk")
    _token, key = token_create(actor=clerk, name="报表机器人")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/units/").status_code == 200
    age(clerk, 91)
    refused = api.get("/api/units/")
    assert refused.status_code == 403
    assert refused.json()["code"] == "password_expired"
    assert "修改密码" in refused.json()["detail"]
    User.objects.filter(pk=clerk.pk).update(password_changed_at=timezone.now())
    assert api.get("/api/units/").status_code == 200
