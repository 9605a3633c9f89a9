"""Issue 16 point 5: the second factor. Required of administrators (system, security, audit,
superusers, unit administrators), optional for others; until passed, a session opened by the
login page reaches nothing else; recovery codes are shown once and work once; all audited."""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from shigan.accounts.choices import SystemRole
from shigan.accounts.gate import STEP_KEY
from shigan.accounts.second_factor import second_factor_required
from shigan.audit.models import AuditEntry
from shigan.orgs.choices import Role

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-1"


def log_in(client, username):
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD})


def code_for(device, offset=0):
    return f"{totp(device.bin_key, t0=-offset * 30):06d}"


def secret_on(page) -> bytes:
    secret = re.search(r'id="otp-secret">([A-Z2-7 ]+)<', page.content.decode()).group(1)
    return b32decode(secret.replace(" ", ""))


@pytest.fixture
def security_admin(make_user):
    return make_user(username="sec", system_role=SystemRole.SECURITY_ADMIN)


def test_who_must_use_it(make_user, units):
    assert second_factor_required(make_user(system_role=SystemRole.SYSTEM_ADMIN))
    assert second_factor_required(make_user(system_role=SystemRole.SECURITY_ADMIN))
    assert second_factor_required(make_user(system_role=SystemRole.AUDITOR))
    assert second_factor_required(make_user(Role.ADMIN, units["own"]))  # grants roles
    assert not second_factor_required(make_user(Role.EDITOR, units["own"]))
    assert not second_factor_required(make_user(Role.LEADER, units["own"]))


def test_an_administrator_enrols_before_anything_else(client, security_admin):
    response = log_in(client, "sec")
    assert response.status_code == 302 and response["Location"].startswith(
        "/accounts/second-factor/?next="
    )
    # Nothing else answers until the second factor is set up: pages redirect, the API is 403.
    assert client.get("/units/")["Location"].startswith("/accounts/second-factor/")
    assert client.get("/accounts/security/")["Location"].startswith("/accounts/second-factor/")
    assert client.get("/api/tokens/").status_code == 403
    page = client.get("/accounts/second-factor/")
    assert 'src="data:image/svg+xml;base64,' in page.content.decode()
    assert "必须启用动态口令" in page.content.decode()
    key = secret_on(page)
    assert secret_on(client.get("/accounts/second-factor/")) == key  # a reload keeps the secret
    wrong = client.post("/accounts/second-factor/", {"token": "000000"})
    assert wrong.status_code == 400 and "动态口令不正确" in wrong.content.decode()
    done = client.post("/accounts/second-factor/", {"token": f"{totp(key):06d}"})
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", done.content.decode())
    assert len(codes) == 10
    assert client.get("/accounts/security/").status_code == 200
    # Shown once: the status page tells how many are left, not which.
    status = client.get("/accounts/second-factor/").content.decode()
    assert "还剩 10 个恢复码" in status and codes[0] not in status
    assert AuditEntry.objects.filter(action="accounts.otp.enrolled", actor=security_admin).exists()


def test_login_asks_for_the_code_and_takes_a_recovery_code_once(client, security_admin):
    device = TOTPDevice.objects.create(user=security_admin, name="totp", confirmed=True)
    log_in(client, "sec")
    assert client.get("/accounts/second-factor/")["Location"].startswith(
        "/accounts/second-factor/verify/"
    )  # someone who owes the code cannot enrol a new device instead
    bad = client.post("/accounts/second-factor/verify/", {"token": "123456"})
    assert bad.status_code == 400 and "动态口令不正确" in bad.content.decode()
    # django-otp's throttle: right after a failure even the right code waits (1 s, doubling).
    throttled = client.post("/accounts/second-factor/verify/", {"token": code_for(device)})
    assert throttled.status_code == 400
    time.sleep(2.1)
    good = client.post("/accounts/second-factor/verify/", {"token": code_for(device), "next": "/"})
    assert good.status_code == 302 and good["Location"] == "/"
    assert client.get("/accounts/security/").status_code == 200
    actions = set(AuditEntry.objects.filter(actor=security_admin).values_list("action", flat=True))
    assert {"accounts.otp.failed", "accounts.otp.verified"} <= actions

    # Recovery codes: new ones shown once, each used once.
    codes = re.findall(
        r"<li>([a-z2-7]{8})</li>",
        client.post("/accounts/second-factor/", {"action": "regenerate"}).content.decode(),
    )
    client.post("/accounts/logout/")
    log_in(client, "sec")
    assert client.post("/accounts/second-factor/verify/", {"token": codes[0]}).status_code == 302
    client.post("/accounts/logout/")
    log_in(client, "sec")
    reused = client.post("/accounts/second-factor/verify/", {"token": codes[0]})
    assert reused.status_code == 400
    assert client.get("/units/").status_code == 302


def test_optional_for_others_but_asked_once_enrolled(client, make_user, units):
    editor = make_user(Role.EDITOR, units["own"], username="clerk")
    assert log_in(client, "clerk")["Location"] == "/"  # no second factor asked
    page = client.get("/accounts/second-factor/")
    assert "必须启用" not in page.content.decode()
    client.post("/accounts/second-factor/", {"token": f"{totp(secret_on(page)):06d}"})
    client.post("/accounts/logout/")
    assert log_in(client, "clerk")["Location"].startswith("/accounts/second-factor/verify/")
    assert AuditEntry.objects.filter(action="accounts.otp.enrolled", actor=editor).exists()


def test_the_security_administrator_resets_a_lost_device(client, security_admin, make_user):
    auditor = make_user(username="aud", system_role=SystemRole.AUDITOR)
    TOTPDevice.objects.create(user=auditor, name="totp", confirmed=True)
    client.force_login(security_admin)
    client.post(f"/accounts/security/{auditor.pk}/second-factor-reset/")
    assert not TOTPDevice.objects.filter(user=auditor).exists()
    reset = AuditEntry.objects.filter(action="accounts.otp.reset", target_id=str(auditor.pk))
    assert reset.exists()
    client.logout()
    assert log_in(client, "aud")["Location"].startswith("/accounts/second-factor/?")


def test_fragments_do_not_receive_the_step_page(client, security_admin):
    """The notices badge (htmx) on the second-factor page itself gets nothing, elsewhere htmx
    is sent to the step: never the step's whole page inside a fragment."""
    log_in(client, "sec")
    on_step = client.get(
        "/notifications/badge/",
        headers={
            "HX-Request": "true",
            "HX-Current-URL": "http://testserver/accounts/second-factor/",
        },
    )
    assert on_step.status_code == 204 and on_step.content == b""
    elsewhere = client.get(
        "/notifications/badge/",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/units/"},
    )
    assert elsewhere["HX-Redirect"] == "/accounts/second-factor/"


def test_a_session_that_lost_its_step_is_held_again(client, security_admin):
    """Fail closed: an administrator's session without a recorded step (lost in a race with
    another request's save, or opened before this gate) owes the factor again."""
    TOTPDevice.objects.create(user=security_admin, name="totp", confirmed=True)
    log_in(client, "sec")
    session = client.session
    del session[STEP_KEY]
    session.save()
    assert client.get("/accounts/security/")["Location"].startswith(
        "/accounts/second-factor/verify/"
    )
    assert client.get("/api/tokens/").status_code == 403


def test_a_login_without_a_request_is_exempt_but_recorded(client, security_admin):
    client.force_login(security_admin)
    assert client.session[STEP_KEY] == "exempt"
    assert client.get("/accounts/security/").status_code == 200
