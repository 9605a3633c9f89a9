"""The password forms' help says what the validators and the history enforce, from the
validators themselves (password_validators_help_texts) and SHIGAN_PASSWORD_HISTORY, so a
changed setting changes the sentence; and the password change records the session it keeps
inside its own transaction."""

import html

import pytest
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.auth.password_validation import password_validators_help_texts
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from shigan.accounts.choices import SystemRole
from shigan.accounts.models import UserSession
from shigan.accounts.services import user_change_password

pytestmark = pytest.mark.django_db

STRICTER = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 14},
    },
    {"NAME": "shigan.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 4}},
]


def page_text(client, name):
    return html.unescape(client.get(reverse(name)).content.decode())


@pytest.mark.parametrize("validators", [None, STRICTER])
def test_the_change_page_says_what_is_enforced(client, make_user, settings, validators):
    client.force_login(make_user())
    if validators:
        settings.AUTH_PASSWORD_VALIDATORS = validators
    settings.SHIGAN_PASSWORD_HISTORY = 8
    text = page_text(client, "accounts:password_change")
    for sentence in password_validators_help_texts():
        assert sentence in text
    assert "最近 8 次" in text


def test_the_new_account_form_says_what_is_enforced(client, make_user, settings):
    client.force_login(make_user(system_role=SystemRole.SYSTEM_ADMIN))
    settings.AUTH_PASSWORD_VALIDATORS = STRICTER
    text = page_text(client, "accounts:users")
    assert "14" in password_validators_help_texts()[0]
    for sentence in password_validators_help_texts():
        assert sentence in text


def test_the_change_records_the_session_it_keeps(make_user):
    user = make_user()
    session = SessionStore()
    session.create()
    before = session.session_key
    user_change_password(
        actor=user,
        old_password="correct-horse-battery-1",
        new_password="Another-Battery-7",
        session=session,
    )
    assert session.session_key != before  # a new key, as a login gets
    assert session[HASH_SESSION_KEY] == user.get_session_auth_hash()
    assert UserSession.objects.filter(user=user, session_key=session.session_key).exists()
