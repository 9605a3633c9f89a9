import pytest
from django.conf import settings
from django.urls import reverse

from shigan.accounts.services import user_create
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
        user_create(actor=None, username="zhangsan2023", password=password)
    assert exc.value.field == "password"
    from shigan.accounts.models import User

    assert not User.objects.filter(username="zhangsan2023").exists()


def test_login_logout_and_failure_are_audited(client, make_user):
    make_user(username="lisi", password="correct-horse-battery")
    client.post(reverse("accounts:login"), {"username": "lisi", "password": "wrong-password-1"})
    assert AuditEntry.objects.filter(
        action="accounts.user.login_failed", actor_name="lisi"
    ).exists()
    response = client.post(
        reverse("accounts:login"), {"username": "lisi", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="accounts.user.login", actor__username="lisi").exists()
    client.post(reverse("accounts:logout"))
    assert AuditEntry.objects.filter(action="accounts.user.logout", actor__username="lisi").exists()


def test_account_locks_after_five_failures(client, make_user):
    make_user(username="wangwu", password="correct-horse-battery")
    for _ in range(5):
        client.post(
            reverse("accounts:login"), {"username": "wangwu", "password": "wrong-password-x"}
        )
    locked = client.post(
        reverse("accounts:login"), {"username": "wangwu", "password": "correct-horse-battery"}
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
    assert settings.SESSION_COOKIE_AGE == 1800 and settings.SESSION_SAVE_EVERY_REQUEST
    user = make_user(username="idle")
    client.force_login(user)
    client.get(reverse("core:home"))
    assert 1790 <= client.session.get_expiry_age() <= 1800


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
