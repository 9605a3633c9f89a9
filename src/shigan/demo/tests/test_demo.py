import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from shigan.demo.services import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_setup
from shigan.orgs.models import Membership, Unit

pytestmark = pytest.mark.django_db


def test_demo_setup_is_idempotent_and_accounts_log_in(client, capsys):
    demo_setup(scenario=False)
    units, memberships = Unit.objects.count(), Membership.objects.count()
    call_command("demo", "--no-serve", "--no-scenario")
    out = capsys.readouterr().out
    assert Unit.objects.count() == units and Membership.objects.count() == memberships
    assert DEMO_PASSWORD in out
    for account in DEMO_ACCOUNTS:
        assert account.username in out
        response = client.post(
            reverse("accounts:login"), {"username": account.username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, account.username
        client.post(reverse("accounts:logout"))


def test_serve_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(CommandError, match="SECRET_KEY"):
        call_command("serve")
