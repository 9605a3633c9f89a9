"""external_login and the role mapping without a protocol in front (the protocols are tested
against real servers in test_ldap.py and test_browser_external.py)."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from shigan.accounts.external.mapping import grants_for
from shigan.accounts.external.services import ExternalLogin, external_login
from shigan.accounts.models import ExternalIdentity, User
from shigan.audit.models import AuditEntry
from shigan.orgs.models import Membership

pytestmark = pytest.mark.django_db

CLERK = ExternalLogin(
    source="oidc", subject="sub-1", username="zhaoliu", full_name="赵六", groups=("Clerks",)
)


def test_a_deactivated_account_is_refused(make_user):
    user = make_user(username="zhaoliu")
    user.is_active = False
    user.save()
    assert external_login(login=CLERK) is None
    assert AuditEntry.objects.get(action="accounts.external.refused").after["reason"] == "inactive"


def test_no_account_is_created_when_creation_is_off(settings):
    settings.SHIGAN_LOGIN_CREATE_USERS = False
    assert external_login(login=CLERK) is None
    assert not User.objects.filter(username="zhaoliu").exists()
    assert AuditEntry.objects.get(action="accounts.external.refused").after["reason"] == (
        "no_account"
    )


def test_a_unit_named_by_its_path_of_names_is_mapped(settings, units):
    settings.SHIGAN_LOGIN_ROLE_MAP = json.dumps(
        {"clerks": [{"unit": "内蒙古自治区/锡林郭勒盟/阿巴嘎旗", "role": "viewer"}]}
    )
    user = external_login(login=CLERK)
    assert list(Membership.objects.filter(user=user).values_list("unit", "role")) == [
        (units["own"].pk, "viewer")
    ]
    assert ExternalIdentity.objects.get(user=user).granted == [[units["own"].pk, "viewer"]]


def test_the_subject_finds_the_account_after_a_rename():
    user = external_login(login=CLERK)
    user.username = "zhaoliu2"
    user.save()
    assert external_login(login=CLERK) == user
    assert User.objects.people().count() == 1


@pytest.mark.parametrize(
    "raw", ["{not json", json.dumps({"g": [{"unit": "150000000000", "role": "king"}]})]
)
def test_a_broken_mapping_is_a_configuration_error(settings, raw):
    settings.SHIGAN_LOGIN_ROLE_MAP = raw
    with pytest.raises(ImproperlyConfigured):
        grants_for(["g"])
