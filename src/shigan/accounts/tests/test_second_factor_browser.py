"""Issue 16's acceptance, in headless Chromium: a security administrator logs in, is made to
enrol a TOTP app (the test reads the secret the page shows and computes the codes, as an app
does), sees the recovery codes once, and at the next login is asked for a code before any
page opens; the wrong code is refused, a recovery code works once."""

import os
import re
from base64 import b32decode

import pytest
from django_otp.oath import TOTP, hotp, totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from shigan.accounts.choices import SystemRole
from shigan.accounts.services import user_create
from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-1"


def password_step(page, url):
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("用户名").fill("sec")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def code(key: bytes) -> str:
    return f"{totp(key):06d}"


def next_code(username: str) -> str:
    """The code an app shows next, as the device now stands: a code is accepted once, and an
    enrolment code typed across a 30-second boundary leaves the device a step of drift, so
    the next login's code is counted from the device's own step, not from the clock alone."""
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    return f"{hotp(device.bin_key, max(now, device.last_t + 1)):06d}"


def test_totp_enrolment_and_login(page, live_server, screenshot_dir):
    user_create(
        actor=system_actor("test"),
        username="sec",
        password=PASSWORD,
        system_role=SystemRole.SECURITY_ADMIN,
    )
    url = live_server.url
    password_step(page, url)
    page.wait_for_url(re.compile(r"/accounts/second-factor/\?next="))
    assert page.get_by_text("必须启用动态口令后才能继续使用").is_visible()
    qr = page.get_by_role("img", name="动态口令二维码")
    assert qr.is_visible() and qr.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert qr.evaluate("(img) => img.naturalWidth") > 0  # loaded under the strict CSP
    page.goto(f"{url}/accounts/security/")  # nothing else opens before enrolment
    page.wait_for_url(re.compile(r"/accounts/second-factor/"))
    key = b32decode(page.locator("#otp-secret").inner_text().replace(" ", ""))
    page.screenshot(path=os.path.join(screenshot_dir, "second-factor-enrol.png"), full_page=True)
    page.locator("#id_token").fill(code(key))
    page.get_by_role("button", name="启用").click()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="我已保存，继续").click()
    page.goto(f"{url}/accounts/security/")
    assert page.get_by_role("heading", name="安全管理").is_visible()

    page.get_by_role("button", name="退出").first.click()
    password_step(page, url)
    page.wait_for_url(re.compile(r"/accounts/second-factor/verify/"))
    page.goto(f"{url}/accounts/security/")
    page.wait_for_url(re.compile(r"/accounts/second-factor/verify/"))
    page.locator("#id_token").fill("000000")
    page.get_by_role("button", name="验证").click()
    assert page.get_by_text("动态口令不正确").is_visible()
    page.wait_for_timeout(2100)  # django-otp's throttle after a failure
    page.locator("#id_token").fill(next_code("sec"))
    page.get_by_role("button", name="验证").click()
    page.wait_for_url(re.compile(r"/accounts/security/$"))
    assert page.get_by_role("heading", name="安全管理").is_visible()

    page.get_by_role("button", name="退出").first.click()
    password_step(page, url)
    page.locator("#id_token").fill(codes[0])  # the phone is lost: a recovery code
    page.get_by_role("button", name="验证").click()
    page.wait_for_url(f"{url}/")
    actions = list(AuditEntry.objects.filter(actor_name="sec").values_list("action", flat=True))
    for action in (
        "accounts.otp.enrolled",
        "accounts.otp.failed",
        "accounts.otp.verified",
        "accounts.otp.recovery_used",
    ):
        assert action in actions
