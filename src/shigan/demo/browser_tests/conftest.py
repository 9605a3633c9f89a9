"""The scenario the browser crawls of this package run on."""

from base64 import b32decode

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from shigan.accounts.choices import SystemRole
from shigan.accounts.services import user_create
from shigan.accounts.system import system_actor
from shigan.demo.services import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_setup

# The system and security administrators (not demo accounts: the demo has an auditor only).
ADMINISTRATORS = {
    "layout_sysadmin": SystemRole.SYSTEM_ADMIN,
    "layout_secadmin": SystemRole.SECURITY_ADMIN,
}


@pytest.fixture
def committed(committed_once):
    """The scenario committed for the live server (not demo/tests' `scenario`, which is built
    once in a transaction and groups its tests in one xdist worker), with the two
    administrators; built once per worker on SQLite (`committed_once`)."""
    return committed_once("scenario", _scenario_with_administrators, home=True)


def _scenario_with_administrators():
    report = demo_setup()
    assert report is not None, "the scenario was already there"
    for username, system_role in ADMINISTRATORS.items():
        admin = user_create(
            actor=system_actor("test"),
            username=username,
            password=DEMO_PASSWORD,
            system_role=system_role,
        )
        # The demo accounts' published second factor, which the login fixture answers.
        TOTPDevice.objects.create(
            user=admin, name="totp", confirmed=True, key=b32decode(DEMO_TOTP_SECRET).hex()
        )
    return report
