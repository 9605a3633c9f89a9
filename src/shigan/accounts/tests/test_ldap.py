"""LDAP login against a real slapd (started for this module, stopped after it)."""

import json

import pytest
from django.urls import reverse

from shigan.accounts.models import ExternalIdentity, User
from shigan.accounts.services import user_create
from shigan.accounts.system import system_actor
from shigan.accounts.tests.servers import READER_DN, READER_PASSWORD, SUFFIX, start_slapd
from shigan.audit.models import AuditEntry
from shigan.orgs.models import Membership, Unit

pytestmark = pytest.mark.django_db

ABAG = "152522000000"  # 阿巴嘎旗
CLERKS = f"cn=abag-clerks,ou=groups,{SUFFIX}"
ROLE_MAP = json.dumps({CLERKS.upper(): [{"unit": ABAG, "role": "editor"}]})


@pytest.fixture(scope="module")
def slapd(tmp_path_factory):
    server = start_slapd(tmp_path_factory.mktemp("slapd"))
    yield server
    server.stop()


@pytest.fixture
def ldap(settings, slapd):
    settings.SHIGAN_LDAP_URL = slapd.url
    settings.SHIGAN_LDAP_BIND_DN = READER_DN
    settings.SHIGAN_LDAP_BIND_PASSWORD = READER_PASSWORD
    settings.SHIGAN_LDAP_USER_BASE = f"ou=people,{SUFFIX}"
    settings.SHIGAN_LDAP_GROUP_BASE = f"ou=groups,{SUFFIX}"
    settings.SHIGAN_LDAP_DISABLED_FILTER = "(pwdAccountLockedTime=*)"
    settings.SHIGAN_LOGIN_ROLE_MAP = ROLE_MAP
    return settings


def login(client, username, password):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, follow=True
    )


def test_clerk_in_a_mapped_group_lands_in_their_scope(client, ldap):
    page = login(client, "zhangsan", "zhangsan-ldap-pw").content.decode()
    assert "张三，您好" in page
    assert "阿巴嘎旗" in page and "填报员" in page
    user = User.objects.get(username="zhangsan")
    assert not user.has_usable_password()  # the directory keeps the password
    banner = Unit.objects.get(division_code=ABAG)
    assert Membership.objects.filter(user=user, unit=banner, role="editor").count() == 1
    identity = ExternalIdentity.objects.get(user=user)
    assert identity.source == "ldap" and identity.subject == f"uid=zhangsan,ou=people,{SUFFIX}"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"accounts.external.linked", "accounts.external.login", "accounts.user.login"} <= actions
    assert AuditEntry.objects.filter(
        action="orgs.membership.granted", actor_name="system: ldap role mapping"
    )

    client.post(reverse("accounts:logout"))
    again = login(client, "zhangsan", "zhangsan-ldap-pw").content.decode()
    assert "阿巴嘎旗" in again
    assert AuditEntry.objects.filter(action="accounts.external.linked").count() == 1


def test_login_page_says_directory_passwords_work(client, ldap):
    said = "也可以使用本单位目录（LDAP）中的账号和密码登录。"
    assert said in client.get(reverse("accounts:login")).content.decode()
    ldap.SHIGAN_LDAP_URL = ""
    # The sentence, not the bare word: a page's random CSRF token once held "LDAP".
    assert said not in client.get(reverse("accounts:login")).content.decode()


def test_wrong_password_is_refused(client, ldap):
    page = login(client, "zhangsan", "not-the-password").content.decode()
    assert "请输入正确的用户名和密码" in page or "用户名或密码" in page
    assert not User.objects.filter(username="zhangsan").exists()
    assert AuditEntry.objects.filter(action="accounts.user.login_failed", actor_name="zhangsan")


def test_disabled_account_is_refused(client, ldap):
    login(client, "wangwu", "wangwu-ldap-pw")
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username="wangwu").exists()
    refused = AuditEntry.objects.get(action="accounts.external.refused")
    assert refused.after["reason"] == "disabled"


def test_slapd_itself_refuses_a_locked_account(client, ldap):
    ldap.SHIGAN_LDAP_DISABLED_FILTER = ""  # shigan does not check: the server's policy does
    login(client, "wangwu", "wangwu-ldap-pw")
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username="wangwu").exists()


def test_user_without_mapping_gets_no_role_and_a_message(client, ldap):
    page = login(client, "lisi", "lisi-ldap-pw").content.decode()
    assert "李四，您好" in page
    assert "还没有被授予任何单位的角色" in page
    assert not Membership.objects.filter(user__username="lisi").exists()


def test_no_role_without_a_configured_mapping(client, ldap):
    ldap.SHIGAN_LOGIN_ROLE_MAP = ""
    page = login(client, "zhangsan", "zhangsan-ldap-pw").content.decode()
    assert "还没有被授予任何单位的角色" in page
    assert not Membership.objects.filter(user__username="zhangsan").exists()


def test_group_left_takes_the_mapped_role_back_and_keeps_hand_granted_ones(client, ldap):
    login(client, "zhangsan", "zhangsan-ldap-pw")
    user = User.objects.get(username="zhangsan")
    sibling = Unit.objects.get(division_code="152523000000")
    Membership.objects.create(user=user, unit=sibling, role="viewer")  # granted by hand
    client.post(reverse("accounts:logout"))
    ldap.SHIGAN_LOGIN_ROLE_MAP = json.dumps(
        {"cn=other,ou=groups": [{"unit": ABAG, "role": "editor"}]}
    )
    login(client, "zhangsan", "zhangsan-ldap-pw")
    assert list(Membership.objects.filter(user=user).values_list("unit", "role")) == [
        (sibling.pk, "viewer")
    ]
    assert AuditEntry.objects.filter(
        action="orgs.membership.revoked", actor_name="system: ldap role mapping"
    )


def test_existing_account_is_linked_and_break_glass_admin_stays_local(client, ldap):
    local = user_create(
        actor=system_actor("test"), username="lisi", password="correct-horse-battery-1"
    )
    login(client, "lisi", "lisi-ldap-pw")
    assert ExternalIdentity.objects.get(source="ldap").user == local
    client.post(reverse("accounts:logout"))

    admin = User.objects.create_superuser("admin", password="local-break-glass-pw-1")
    page = login(client, "admin", "admin-ldap-pw").content.decode()
    assert "_auth_user_id" not in client.session
    assert "只能使用本地密码登录" in page
    assert not ExternalIdentity.objects.filter(user=admin).exists()
    login(client, "admin", "local-break-glass-pw-1")
    assert client.session["_auth_user_id"] == str(admin.pk)
