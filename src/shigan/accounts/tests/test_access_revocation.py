"""A changed or reset password, a deactivated account and a revoked role take the account's API
tokens with them; a changed or reset password also ends the account's other sessions."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from shigan.accounts.choices import SystemRole
from shigan.accounts.models import ApiToken
from shigan.accounts.services import (
    token_create,
    user_change_password,
    user_reset_password,
    user_set_active,
    user_set_system_role,
)
from shigan.audit.models import AuditEntry
from shigan.orgs.choices import Role
from shigan.orgs.services import membership_revoke

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-1"


def token_works(key: str) -> bool:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api.get("/api/tokens/").status_code == 200


def signed_in(username: str) -> Client:
    browser = Client()
    assert browser.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert browser.get("/units/").status_code == 200
    return browser


@pytest.fixture
def clerk(make_user, units):
    return make_user(Role.EDITOR, units["own"], username="clerk", password=PASSWORD)


@pytest.fixture
def sysadmin(make_user):
    return make_user(username="sysadmin", system_role=SystemRole.SYSTEM_ADMIN)


def test_changing_the_password_revokes_tokens_and_ends_the_other_sessions(clerk):
    _, key = token_create(actor=clerk, name="同步脚本")
    assert token_works(key)
    here, elsewhere = signed_in("clerk"), signed_in("clerk")
    new = "Another-passphrase-2"
    response = here.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password": new, "new_password2": new, "next": "/units/"},
    )
    assert response.status_code == 302
    assert not token_works(key)
    assert here.get("/units/").status_code == 200  # the session that changed it stays
    assert elsewhere.get("/units/").status_code == 302  # the other one is logged out
    entry = AuditEntry.objects.get(action="accounts.user.access_revoked")
    assert entry.after["tokens"] == 1 and entry.after["reason"] == "password_changed"


def test_a_reset_password_revokes_tokens_and_ends_every_session(clerk, sysadmin):
    _, key = token_create(actor=clerk, name="同步脚本")
    browser = signed_in("clerk")
    user_reset_password(actor=sysadmin, user=clerk, password="Temporary-pass-2023")
    assert not token_works(key)
    assert browser.get("/units/").status_code == 302
    # not merely held back until the new password is changed: gone for good
    user_change_password(
        actor=clerk, old_password="Temporary-pass-2023", new_password="Own-passphrase-3"
    )
    assert not token_works(key)


def test_deactivating_revokes_tokens(clerk, sysadmin):
    _, key = token_create(actor=clerk, name="同步脚本")
    user_set_active(actor=sysadmin, user=clerk, active=False)
    user_set_active(actor=sysadmin, user=clerk, active=True)
    assert not token_works(key)  # reactivation does not bring the token back


def test_revoking_a_unit_role_revokes_tokens(clerk, units, system):
    _, key = token_create(actor=clerk, name="同步脚本")
    membership_revoke(actor=system, membership=clerk.memberships.get())
    assert ApiToken.objects.get().revoked_at is not None
    assert not token_works(key)


def test_taking_a_system_role_away_revokes_tokens(make_user, system):
    security = make_user(username="security", system_role=SystemRole.SECURITY_ADMIN)
    admin = make_user(username="admin2", system_role=SystemRole.SYSTEM_ADMIN)
    _, kept = token_create(actor=security, name="保留")
    _, key = token_create(actor=admin, name="同步脚本")
    user_set_system_role(actor=security, user=admin, system_role=SystemRole.NONE)
    assert not token_works(key)
    assert ApiToken.objects.get(user=security).revoked_at is None
    granted = make_user(username="newadmin")
    _, fresh = token_create(actor=granted, name="脚本")
    user_set_system_role(actor=security, user=granted, system_role=SystemRole.SYSTEM_ADMIN)
    assert ApiToken.objects.get(user=granted).revoked_at is None  # a grant takes nothing away
