"""The system actor: one real, inactive account the system acts as, allowed everywhere by
identity; `actor=None` is refused by every service and writes nothing."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.urls import reverse

from shigan.accounts import selectors
from shigan.accounts.external.services import ExternalLogin, external_login
from shigan.accounts.models import User
from shigan.accounts.services import user_create, user_reset_password, user_set_active
from shigan.accounts.system import system_actor
from shigan.audit.display import display_entries
from shigan.audit.models import AuditEntry
from shigan.audit.selectors import audit_entries, audit_verify
from shigan.audit.services import audit_record, audit_record_many
from shigan.core.actors import is_system_actor
from shigan.core.errors import DomainError
from shigan.core.services import calendar_year_seed
from shigan.orgs.models import Membership, Unit
from shigan.orgs.permissions import user_can
from shigan.orgs.services import membership_grant, unit_create
from shigan.orgs.services.common import OrgError

pytestmark = pytest.mark.django_db


def test_the_migration_made_one_inactive_account_without_a_password():
    user = User.objects.get(is_system=True)
    assert user.username == "system" and not user.is_active and not user.has_usable_password()
    assert not user.is_superuser and not user.is_staff and user.system_role == ""
    assert system_actor("test").pk == user.pk


def test_each_call_carries_its_own_reason():
    watch, command = system_actor("每日巡检"), system_actor("命令行 shigan units")
    assert watch.pk == command.pk and watch is not command
    assert (watch.system_reason, command.system_reason) == ("每日巡检", "命令行 shigan units")
    with pytest.raises(ValueError):
        system_actor("  ")


def test_the_account_is_made_again_when_a_flush_removed_it():
    # Transactional tests flush the row the migration wrote; here it is put out of the way
    # (entries of the session's setup still name it, so it cannot be deleted).
    User.objects.filter(is_system=True).update(is_system=False, username="old-system")
    actor = system_actor("test")
    assert is_system_actor(actor) and actor.username == "system" and not actor.is_active
    assert User.objects.filter(is_system=True).count() == 1


def test_none_is_refused_and_nothing_is_written(units):
    entries, members, children = (
        AuditEntry.objects.count(),
        Membership.objects.count(),
        Unit.objects.count(),
    )
    with pytest.raises(TypeError, match="actor is required"):
        unit_create(actor=None, parent=units["own"], name="新设科室", kind="department")
    with pytest.raises(TypeError, match="actor is required"):
        user_create(actor=None, username="nobody1", password="correct-horse-battery-1")
    with pytest.raises(TypeError, match="actor is required"):
        calendar_year_seed(actor=None, year=2023)
    with pytest.raises(TypeError):
        user_can(None, "view", units["own"])
    assert not User.objects.filter(username="nobody1").exists()
    assert (AuditEntry.objects.count(), Membership.objects.count(), Unit.objects.count()) == (
        entries,
        members,
        children,
    )


def test_the_audit_trail_refuses_an_entry_without_actor():
    before = AuditEntry.objects.count()
    with pytest.raises(TypeError), transaction.atomic():
        audit_record(actor=None, action="orgs.unit.created", target_type="orgs.unit")
    with pytest.raises(TypeError), transaction.atomic():
        audit_record_many(actor=None, action="orgs.unit.created", items=[])
    assert AuditEntry.objects.count() == before


def test_the_system_may_do_anything_and_the_audit_says_why(units):
    actor = system_actor("命令行 shigan units")
    assert user_can(actor, "manage", units["region"])
    unit = unit_create(actor=actor, parent=units["own"], name="新设科室", kind="department")
    entry = AuditEntry.objects.get(action="orgs.unit.created", target_id=str(unit.pk))
    assert entry.actor_id == actor.pk and entry.actor_name == "system: 命令行 shigan units"
    [row] = display_entries([entry])
    assert row.actor == "系统（命令行 shigan units）"
    assert audit_verify().ok


def test_the_auditor_finds_every_system_entry_by_its_name(make_user):
    auditor = make_user(username="shenji", system_role="auditor")
    user_create(actor=system_actor("演示数据"), username="lisi", password="correct-horse-battery-1")
    found = audit_entries(user=auditor, actor="system")
    assert found.filter(action="accounts.user.created", actor_name="system: 演示数据").exists()


def test_the_account_is_no_person_and_cannot_be_changed(make_user):
    admin = make_user(username="guanli", system_role="system_admin")
    system = User.objects.get(is_system=True)
    assert system not in selectors.account_list(user=admin, power="accounts")
    assert system not in User.objects.people()
    assert selectors.active_user_by_username("system") is None
    with pytest.raises(DomainError) as error:
        user_set_active(actor=admin, user=system, active=True)
    assert error.value.code == "system_account"
    with pytest.raises(DomainError):
        user_reset_password(actor=admin, user=system, password="correct-horse-battery-9")
    system.refresh_from_db()
    assert not system.is_active and not system.has_usable_password()


def test_no_login_opens_it(client):
    system = User.objects.get(is_system=True)
    assert ModelBackend().authenticate(None, username="system", password="") is None
    response = client.post(reverse("accounts:login"), {"username": "system", "password": "x"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    login = ExternalLogin(source="oidc", subject="sub-system", username=system.username)
    assert external_login(login=login) is None
    assert AuditEntry.objects.get(action="accounts.external.refused").after["reason"] == (
        "local_only"
    )


def test_it_sees_every_unit_without_holding_a_role(units):
    # Its powers come from its identity alone: it holds no roles and is not active.
    system = system_actor("test")
    assert not Membership.objects.filter(user=system).exists()
    assert user_can(system, "review", units["unrelated"])
    assert Unit.objects.restrict(system, "change").count() == Unit.objects.count()
    with pytest.raises(OrgError) as error:
        membership_grant(actor=system, user=system, unit=units["own"], role="viewer")
    assert error.value.code == "system_account"
