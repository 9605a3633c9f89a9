from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shigan.accounts.services import user_create
from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry
from shigan.core.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password",
    ["short-pw", "1234567890123", "zhangsan2023", "password1234"],
    ids=["too-short", "all-digits", "like-username", "common"],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(DomainError) as exc:
        user_create(actor=system_actor("test"), username="zhangsan2023", password=password)
    assert exc.value.field == "password"
    from shigan.accounts.models import User

    assert not User.objects.filter(username="zhangsan2023").exists()


def test_login_logout_and_failure_are_audited(client, make_user):
    make_user(username="lisi", password="correct-horse-battery-1")
    client.post(reverse("accounts:login"), {"username": "lisi", "password": "wrong-password-1"})
    assert AuditEntry.objects.filter(
        action="accounts.user.login_failed", actor_name="lisi"
    ).exists()
    response = client.post(
        reverse("accounts:login"), {"username": "lisi", "password": "correct-horse-battery-1"}
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="accounts.user.login", actor__username="lisi").exists()
    client.post(reverse("accounts:logout"))
    assert AuditEntry.objects.filter(action="accounts.user.logout", actor__username="lisi").exists()


def test_account_locks_after_five_failures(client, make_user):
    make_user(username="wangwu", password="correct-horse-battery-1")
    for _ in range(5):
        client.post(
            reverse("accounts:login"), {"username": "wangwu", "password": "wrong-password-x"}
        )
    locked = client.post(
        reverse("accounts:login"), {"username": "wangwu", "password": "correct-horse-battery-1"}
    )
    assert locked.status_code == 429
    assert "账号已锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_failed_login_message_is_chinese(client, make_user):
    make_user(username="zhaoliu")
    response = client.post(
        reverse("accounts:login"), {"username": "zhaoliu", "password": "wrong-password-x"}
    )
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_session_expires_after_thirty_idle_minutes(client, make_user):
    # The expiry slides with each request (shigan.accounts.idle), not by a write every time.
    assert settings.SESSION_COOKIE_AGE == 1800
    assert "shigan.accounts.idle.IdleTimeoutMiddleware" in settings.MIDDLEWARE
    user = make_user(username="idle")
    client.force_login(user)
    client.get(reverse("core:home"))
    assert 1790 <= client.session.get_expiry_age() <= 1800
    assert 1790 <= _stored_expiry_age(client) <= 1800


def _stored_expiry_age(client) -> float:
    from django.contrib.sessions.models import Session

    row = Session.objects.get(session_key=client.session.session_key)
    return (row.expire_date - timezone.now()).total_seconds()


def _idle_for(client, seconds: int) -> None:
    """As if the last saved request was `seconds` ago: the stored expiry moves back."""
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=F("expire_date") - timedelta(seconds=seconds)
    )


def test_a_request_within_a_minute_writes_no_session_but_a_later_one_slides_it(client, make_user):
    client.force_login(make_user(username="busy"))
    client.get(reverse("core:home"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("core:home")).status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    _idle_for(client, 50)
    client.get(reverse("core:home"))
    assert 1740 <= _stored_expiry_age(client) <= 1750  # moved by less than a minute: kept
    _idle_for(client, 20 * 60)
    assert client.get(reverse("core:home")).status_code == 200
    assert 1790 <= _stored_expiry_age(client) <= 1800  # slid forward again


def test_a_session_idle_for_thirty_minutes_is_logged_out(client, make_user):
    client.force_login(make_user(username="away"))
    client.get(reverse("core:home"))
    _idle_for(client, 1801)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_login_gives_a_new_session_key(client, make_user):
    # Session fixation: a key planted before the login is worth nothing after it.
    make_user(username="qianqi", password="correct-horse-battery-1")
    client.get(reverse("accounts:login"))
    session = client.session
    session["planted"] = True
    session.save()
    planted = session.session_key
    client.post(
        reverse("accounts:login"), {"username": "qianqi", "password": "correct-horse-battery-1"}
    )
    assert client.session.session_key != planted
    assert "_auth_user_id" in client.session
