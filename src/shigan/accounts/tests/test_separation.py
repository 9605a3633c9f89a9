"""Issue 16 point 5, 三员分立: the system administrator (accounts), the security administrator
(system roles, second factors, lockouts, policies) and the audit administrator (the audit
trail only) cannot take each other's powers, by page, API or service; no account holds two;
each one's actions are audited and visible to the audit administrator."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from shigan.accounts.choices import SystemRole
from shigan.accounts.models import User
from shigan.accounts.services import user_create, user_set_system_role
from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry
from shigan.core.errors import DomainError
from shigan.orgs.choices import Role
from shigan.orgs.services import membership_grant

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate().isoformat()
# (power, page, API request) of each administrator
POWERS = {
    SystemRole.SYSTEM_ADMIN: ("/accounts/users/", ("get", "/api/accounts/", None)),
    SystemRole.SECURITY_ADMIN: (
        "/accounts/security/",
        ("post", "/api/accounts/{other}/system-role/", {"system_role": ""}),
    ),
    SystemRole.AUDITOR: (
        "/audit/",
        ("get", f"/audit/export/?since={TODAY}&until={TODAY}", None),
    ),
}


@pytest.fixture
def admins(make_user):
    return {role: make_user(username=role.value, system_role=role) for role in POWERS}


@pytest.mark.parametrize("holder", list(POWERS))
@pytest.mark.parametrize("power", list(POWERS))
def test_each_reaches_only_its_own_pages_and_api(admins, make_user, client, holder, power):
    other = make_user(username="someone")
    client.force_login(admins[holder])
    page, (method, url, data) = POWERS[power]
    url = url.format(other=other.pk)
    page_status = client.get(page).status_code
    api = getattr(client, method)(url, data or {}, content_type="application/json")
    api_status = api.status_code
    if holder == power:
        assert (page_status, api_status) == (200, 200)
    else:  # as the app answers out-of-scope: not found
        assert (page_status, api_status) == (404, 404)


def test_services_refuse_the_other_administrators(admins, make_user):
    other = make_user(username="someone")
    system, security, auditor = (admins[r] for r in POWERS)
    with pytest.raises(DomainError, match="只有系统管理员可以创建账号"):
        user_create(actor=security, username="x1", password="correct-horse-battery-1")
    with pytest.raises(DomainError, match="只有系统管理员可以创建账号"):
        user_create(actor=auditor, username="x2", password="correct-horse-battery-1")
    with pytest.raises(DomainError, match="只有安全管理员可以授予"):
        user_set_system_role(actor=system, user=other, system_role=SystemRole.AUDITOR)
    with pytest.raises(DomainError, match="不能变更自己的系统角色"):
        user_set_system_role(actor=security, user=security, system_role=SystemRole.AUDITOR)
    # The system administrator cannot hand out a system role by creating an account with it.
    with pytest.raises(DomainError, match="系统角色由安全管理员授予"):
        user_create(
            actor=system,
            username="x3",
            password="correct-horse-battery-1",
            system_role=SystemRole.AUDITOR,
        )


def test_no_account_holds_two(admins, make_user, units):
    security = admins[SystemRole.SECURITY_ADMIN]
    root = User.objects.create_superuser("root", password="correct-horse-battery-1")
    assert root.system_role == SystemRole.SYSTEM_ADMIN  # a superuser is the system administrator
    with pytest.raises(DomainError, match="超级用户拥有系统管理员的全部权限"):
        user_set_system_role(actor=security, user=root, system_role=SystemRole.AUDITOR)
    with pytest.raises(ValueError, match="三员分立"):
        User.objects.create_superuser("root2", system_role=SystemRole.SECURITY_ADMIN)
    # Also below the service: the database refuses it.
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=root.pk).update(system_role=SystemRole.AUDITOR)
    root.system_role = SystemRole.AUDITOR
    with pytest.raises(ValidationError, match="三员分立"):
        root.full_clean()
    # The auditor holds no unit role, either way round.
    clerk = make_user(Role.EDITOR, units["own"], username="clerk")
    with pytest.raises(DomainError, match="审计管理员只能查看审计记录"):
        user_set_system_role(actor=security, user=clerk, system_role=SystemRole.AUDITOR)
    with pytest.raises(DomainError, match="审计管理员只能查看审计记录"):
        membership_grant(
            actor=system_actor("test"),
            user=admins[SystemRole.AUDITOR],
            unit=units["own"],
            role=Role.VIEWER,
        )


def test_createsuperuser_makes_a_system_administrator(capsys):
    call_command("createsuperuser", username="ops", email="", interactive=False, verbosity=0)
    assert User.objects.get(username="ops").system_role == SystemRole.SYSTEM_ADMIN


def test_each_ones_actions_are_audited_and_shown_to_the_auditor(admins, make_user, client):
    system, security, auditor = (admins[r] for r in POWERS)
    client.force_login(system)
    client.post(
        "/accounts/users/",
        {"username": "newclerk", "full_name": "新人", "password": "correct-horse-battery-1"},
    )
    newclerk = User.objects.get(username="newclerk")
    client.post(f"/accounts/users/{newclerk.pk}/deactivate/")
    client.force_login(security)
    client.post(
        f"/accounts/security/{newclerk.pk}/role/", {"system_role": SystemRole.SECURITY_ADMIN}
    )
    client.force_login(auditor)
    client.get("/audit/export/", {"since": TODAY, "until": TODAY})
    done = {
        (actor, action) for actor, action in AuditEntry.objects.values_list("actor_name", "action")
    }
    assert {
        ("system_admin", "accounts.user.created"),
        ("system_admin", "accounts.user.deactivated"),
        ("security_admin", "accounts.user.system_role_changed"),
        ("auditor", "audit.exported"),
    } <= done
    page = client.get("/audit/").content.decode()
    for label in ("创建用户", "停用账号", "变更系统角色", "导出审计记录"):
        assert label in page


def test_the_operator_grants_the_first_roles_at_the_command_line(make_user):
    make_user(username="zhang")
    call_command("system_role", "--username", "zhang", "--role", "security_admin")
    zhang = User.objects.get(username="zhang")
    assert zhang.system_role == SystemRole.SECURITY_ADMIN
    entry = AuditEntry.objects.filter(action="accounts.user.system_role_changed").last()
    assert entry.target_id == str(zhang.pk) and entry.actor.is_system
    root = User.objects.create_superuser("root", password="correct-horse-battery-1")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="三员分立"):
        call_command("system_role", "--username", root.username, "--role", "auditor")
