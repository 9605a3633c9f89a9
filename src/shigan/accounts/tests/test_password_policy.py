"""口令复杂度 and history: every path that sets a password asks for three of four character
classes and refuses the current password and the last five."""

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from shigan.accounts.choices import SystemRole
from shigan.accounts.errors import ErrorCode
from shigan.accounts.models import User
from shigan.accounts.services import (
    user_change_password,
    user_create,
    user_reset_password,
    user_set_password,
)
from shigan.accounts.system import system_actor
from shigan.core.errors import DomainError
from shigan.demo.scenario.context import DEMO_PASSWORD
from shigan.orgs.choices import Role

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-1"
TWO_CLASSES = "horse-battery-staple"  # lower case and other characters only


def test_two_character_classes_are_refused_naming_what_is_missing():
    with pytest.raises(DomainError) as exc:
        user_create(actor=system_actor("test"), username="zhaoliu", password=TWO_CLASSES)
    assert exc.value.code == ErrorCode.WEAK_PASSWORD and exc.value.field == "password"
    assert "可加入：大写字母、数字。" in exc.value.message
    assert not User.objects.filter(username="zhaoliu").exists()


@pytest.mark.parametrize(
    "password",
    [
        "Horse-battery-staple",
        "horse-battery-42",
        "HorseBattery42",
        "HORSE-BATTERY-42",
        DEMO_PASSWORD,
    ],
)
def test_three_character_classes_are_enough(password):
    user = user_create(actor=system_actor("test"), username="zhaoliu", password=password)
    assert user.check_password(password)


def test_help_text_names_the_rule():
    assert any(
        "大写字母" in text and "至少 3 类" in text for text in password_validators_help_texts()
    )


def test_the_password_page_refuses_a_simple_password(client, make_user, units):
    user = make_user(Role.VIEWER, units["own"], password=PASSWORD)
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password": TWO_CLASSES, "new_password2": TWO_CLASSES},
    )
    assert response.status_code == 400 and "大写字母" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_administrator_s_reset_and_the_api_refuse_a_simple_password(make_user, units):
    admin = make_user(username="sysadmin", system_role=SystemRole.SYSTEM_ADMIN)
    clerk = make_user(Role.VIEWER, units["own"], username="clerk")
    with pytest.raises(DomainError) as exc:
        user_reset_password(actor=admin, user=clerk, password=TWO_CLASSES)
    assert exc.value.code == ErrorCode.WEAK_PASSWORD
    api = APIClient()
    api.force_authenticate(admin)
    response = api.post("/api/accounts/", {"username": "newbie", "password": TWO_CLASSES})
    assert response.status_code == 400 and "大写字母" in response.json()["detail"]
    assert not User.objects.filter(username="newbie").exists()


def test_django_s_changepassword_command_refuses_a_simple_password(make_user, monkeypatch):
    user = make_user(username="clerk", password=PASSWORD)
    answers = iter([TWO_CLASSES, TWO_CLASSES] * 3)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError):
        call_command("changepassword", "clerk")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_last_five_passwords_cannot_come_back(make_user):
    user = make_user(username="clerk", password="First-password-0")
    current = "First-password-0"
    for n in range(1, 6):
        user_change_password(actor=user, old_password=current, new_password=f"Next-password-{n}")
        current = f"Next-password-{n}"
    # current: 5; the five before it: 0 … 4
    for old in ["Next-password-5", "Next-password-1", "First-password-0"]:
        with pytest.raises(DomainError) as exc:
            user_change_password(actor=user, old_password=current, new_password=old)
        assert exc.value.field == "new_password"
        assert exc.value.code in (ErrorCode.SAME_PASSWORD, ErrorCode.PASSWORD_REUSED)
    with pytest.raises(DomainError) as exc:
        user_change_password(actor=user, old_password=current, new_password="Next-password-2")
    assert exc.value.code == ErrorCode.PASSWORD_REUSED and "5" in exc.value.message
    user_change_password(actor=user, old_password=current, new_password="Next-password-6")
    # six changes later the first one is more than five back
    user_change_password(
        actor=user, old_password="Next-password-6", new_password="First-password-0"
    )
    user.refresh_from_db()
    assert user.check_password("First-password-0")


def test_the_administrator_cannot_reset_to_a_recent_password(make_user, units):
    admin = make_user(username="sysadmin", system_role=SystemRole.SYSTEM_ADMIN)
    clerk = make_user(Role.VIEWER, units["own"], username="clerk", password=PASSWORD)
    user_set_password(actor=clerk, user=clerk, password="Second-password-2")
    with pytest.raises(DomainError) as exc:
        user_reset_password(actor=admin, user=clerk, password=PASSWORD)
    assert exc.value.code == ErrorCode.PASSWORD_REUSED
    clerk.refresh_from_db()
    assert clerk.check_password("Second-password-2")


def test_createsuperuser_cannot_bypass_the_rules(monkeypatch):
    # Django's command skips the validators without a terminal (DJANGO_SUPERUSER_PASSWORD)
    # and offers "Bypass password validation" at one; the manager refuses either way.
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", TWO_CLASSES)
    with pytest.raises(CommandError, match="大写字母"):
        call_command("createsuperuser", username="ops", email="", interactive=False, verbosity=0)
    assert not User.objects.filter(username="ops").exists()
    with pytest.raises(ValidationError):
        User.objects.create_superuser("root", password=TWO_CLASSES)
    assert User.objects.create_superuser("root", password=PASSWORD).check_password(PASSWORD)


def test_changepassword_goes_through_the_service(make_user, monkeypatch):
    # Django's own command set the password straight on the row: no history, no audit entry,
    # the tokens kept.
    from shigan.accounts.models import ApiToken
    from shigan.accounts.services import token_create
    from shigan.audit.models import AuditEntry

    user = make_user(username="clerk", password=PASSWORD)
    token_create(actor=user, name="脚本")
    answers = iter([PASSWORD, PASSWORD, "Operator-set-pass-4", "Operator-set-pass-4"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command("changepassword", "clerk", stdout=__import__("io").StringIO())
    user.refresh_from_db()
    assert user.check_password("Operator-set-pass-4")  # the current one was refused first
    assert AuditEntry.objects.filter(action="accounts.user.password_reset", target_id=str(user.pk))
    assert ApiToken.objects.get().revoked_at is not None
