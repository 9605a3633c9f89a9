"""Issue 16 point 5: lockout keyed on user name and source address, a per-address limit
across user names, an audited administrator unlock, failures audited."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from shigan.accounts.choices import SystemRole
from shigan.accounts.services import login_unlock
from shigan.audit.models import AuditEntry
from shigan.core.errors import DomainError

pytestmark = pytest.mark.django_db

GOOD = "correct-horse-battery-1"
ATTACKER, OFFICE_NAT = "203.0.113.7", "10.1.2.3"


def attempt(client, username, password, ip):
    client.logout()
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def logged_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def test_locking_office_from_one_address_leaves_it_usable_from_another(client, make_user):
    make_user(username="office", password=GOOD)
    statuses = [
        attempt(client, "office", "wrong-password-x", ATTACKER).status_code for _ in range(5)
    ]
    assert statuses == [200] * 4 + [429]  # the fifth failure locks
    locked = attempt(client, "office", GOOD, ATTACKER)
    assert locked.status_code == 429 and "_auth_user_id" not in client.session
    assert logged_in(attempt(client, "office", GOOD, OFFICE_NAT))
    assert (
        AuditEntry.objects.filter(
            action="accounts.user.login_failed", actor_name="office", ip=ATTACKER
        ).count()
        == 6  # five wrong passwords and the attempt refused while locked
    )
    assert AuditEntry.objects.filter(
        action="accounts.user.locked_out", after__ip_address=ATTACKER
    ).exists()


def test_spraying_from_one_address_across_six_accounts_is_throttled(client, make_user, settings):
    settings.SHIGAN_LOGIN_ADDRESS_LIMIT = 20
    names = [f"clerk{n}" for n in range(6)]
    for name in names:
        make_user(username=name, password=GOOD)
    refused = 0
    for round_ in range(4):  # 24 guesses, 4 per account: under the per-account limit of 5
        for name in names:
            response = attempt(client, name, f"guess-{round_}-password", ATTACKER)
            refused += response.status_code == 429
    assert refused == 5  # the 20th failure locks the address; guesses 21 to 24 are not tried
    # Even the right password of an untouched account is refused from that address now ...
    make_user(username="clerk_new", password=GOOD)
    assert attempt(client, "clerk_new", GOOD, ATTACKER).status_code == 429
    # ... and works from another.
    assert logged_in(attempt(client, "clerk_new", GOOD, OFFICE_NAT))


def test_an_administrator_unlocks_and_it_is_audited(client, make_user):
    make_user(username="office", password=GOOD)
    for _ in range(5):
        attempt(client, "office", "wrong-password-x", ATTACKER)
    assert attempt(client, "office", GOOD, ATTACKER).status_code == 429
    clerk = make_user(username="clerk")
    with pytest.raises(DomainError, match="只有系统管理员或安全管理员"):
        login_unlock(actor=clerk, username="office")
    security = make_user(username="secadmin", system_role=SystemRole.SECURITY_ADMIN)
    assert login_unlock(actor=security, username="office") >= 1
    assert logged_in(attempt(client, "office", GOOD, ATTACKER))
    entry = AuditEntry.objects.get(action="accounts.login.unlocked")
    assert entry.actor == security and entry.after["username"] == "office"


def test_the_unlock_command(client, make_user, capsys):
    make_user(username="office", password=GOOD)
    for _ in range(5):
        attempt(client, "office", "wrong-password-x", ATTACKER)
    call_command("login_unlock", "--username", "office", "--ip", ATTACKER)
    assert "已解除登录锁定" in capsys.readouterr().out
    assert logged_in(attempt(client, "office", GOOD, ATTACKER))
    assert AuditEntry.objects.filter(
        action="accounts.login.unlocked", actor_name="system: 命令行 shigan login_unlock"
    ).exists()
