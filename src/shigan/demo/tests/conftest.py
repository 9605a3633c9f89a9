"""The scenario, built once for the tests of this package that ask for it (it takes a minute
or two) and rolled back after the last of them."""

import pytest
from django.db import connection, transaction
from django.test.utils import override_settings

from shigan.demo.scenario import AS_OF

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="package")
def scenario(django_db_setup, django_db_blocker, tmp_path_factory):
    from shigan.demo.services import demo_setup

    home = tmp_path_factory.mktemp("scenario")  # the evidence files go here, not to var/
    with django_db_blocker.unblock(), transaction.atomic():
        # The demo accounts' passwords, hashed at the test speed.
        with override_settings(PASSWORD_HASHERS=FAST_HASHER, SHIGAN_HOME=home):
            report = demo_setup()
        assert report is not None, "the scenario was already there"
        # Check the scenario's deferred foreign keys once, here. Otherwise every test's
        # teardown checks them again inside its savepoint, whose rollback makes them pending
        # again: on PostgreSQL that is 1–2 s per test over the whole scenario.
        connection.check_constraints()
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def as_of():
    return AS_OF
