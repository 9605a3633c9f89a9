"""OIDC and CAS login in headless Chromium against a real identity provider run by the test:
django-oauth-toolkit (OIDC, authorization code with PKCE) and django-cas-server (CAS 3.0) in the
small project under idp/, on its own port. Log in at shigan → the provider's login page → back
in one's scope; first-login linking; the mapped role; no role without a mapping; logout."""

import json
import re
from base64 import b32decode

import pytest
from django_otp.oath import totp

from shigan.accounts.models import ExternalIdentity, User
from shigan.accounts.services import user_create
from shigan.accounts.system import system_actor
from shigan.accounts.tests.servers import start_idp
from shigan.audit.models import AuditEntry
from shigan.orgs.divisions import divisions_import
from shigan.orgs.models import Membership, Unit
from shigan.orgs.services import membership_grant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ABAG = "152522000000"  # 阿巴嘎旗


@pytest.fixture(scope="module")
def idp(live_server, tmp_path_factory):
    process, url = start_idp(
        tmp_path_factory.mktemp("idp"),
        {
            "IDP_REDIRECT_URI": f"{live_server.url}/login/oidc/callback/",
            "IDP_SERVICE": f"^{re.escape(live_server.url)}/.*",
        },
    )
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def logins(settings, idp):
    """Both external logins configured against the provider, clerks mapped to 阿巴嘎旗."""
    if not Unit.objects.filter(division_code=ABAG).exists():
        divisions_import(actor=system_actor("test"), province="15", depth=3)
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{idp}/o/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{idp}/o/token/"
    settings.OIDC_OP_USER_ENDPOINT = f"{idp}/o/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{idp}/o/.well-known/jwks.json"
    settings.OIDC_RP_CLIENT_ID = "shigan"
    settings.OIDC_RP_CLIENT_SECRET = "shigan-client-secret"
    settings.CAS_SERVER_URL = f"{idp}/cas/"
    settings.SHIGAN_CAS_NAME_ATTRIBUTE = "first_name"
    settings.SHIGAN_LOGIN_ROLE_MAP = json.dumps({"abag-clerks": [{"unit": ABAG, "role": "editor"}]})
    return settings


def through_provider(page, live_server, button: str, username: str, lands_on: str = "/") -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name=button).click()
    # The provider's own page (django-cas-server's for CAS): its fields by their names.
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(f"{username}-idp-pw")
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(re.compile(re.escape(f"{live_server.url}{lands_on}")))


def logout(page, live_server) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url  # the session is gone


@pytest.mark.parametrize(
    "button,source",
    [("使用统一身份认证登录", "oidc"), ("使用统一身份认证（CAS）登录", "cas")],
    ids=["oidc", "cas"],
)
def test_clerk_logs_in_through_the_provider_and_lands_in_their_scope(
    page, live_server, logins, button, source
):
    sent = []
    page.on("request", lambda request: sent.append(request.url))
    through_provider(page, live_server, button, "zhangsan")
    if source == "oidc":  # the provider requires PKCE anyway; here is the challenge it got
        authorize = next(url for url in sent if "/o/authorize/" in url)
        assert "code_challenge_method=S256" in authorize and "code_challenge=" in authorize
    assert page.get_by_role("heading", name="张三，您好").is_visible()
    row = page.locator("table tr", has_text="阿巴嘎旗")
    assert row.get_by_text("填报员").is_visible()
    user = User.objects.get(username="zhangsan")
    assert ExternalIdentity.objects.get(user=user).source == source
    assert Membership.objects.get(user=user).unit.division_code == ABAG
    assert AuditEntry.objects.filter(action="accounts.external.linked", actor=user).exists()
    logout(page, live_server)


def test_oidc_links_an_existing_account_and_gives_no_role_without_a_mapping(
    page, live_server, logins
):
    local = user_create(
        actor=system_actor("test"), username="lisi", password="correct-horse-battery-1"
    )
    through_provider(page, live_server, "使用统一身份认证登录", "lisi")
    assert page.get_by_role("heading", name="lisi，您好").is_visible()
    assert page.get_by_text("还没有被授予任何单位的角色").is_visible()
    assert ExternalIdentity.objects.get(source="oidc").user == local
    assert not Membership.objects.filter(user=local).exists()
    logout(page, live_server)


def test_login_page_without_external_logins_shows_no_buttons(page, live_server, settings):
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = ""
    settings.CAS_SERVER_URL = ""
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("[data-login]").count() == 0
    assert page.goto(f"{live_server.url}/login/oidc/").status == 404


@pytest.mark.parametrize(
    "button", ["使用统一身份认证登录", "使用统一身份认证（CAS）登录"], ids=["oidc", "cas"]
)
def test_an_administrator_logging_in_through_the_provider_owes_the_second_factor(
    page, live_server, logins, button
):
    """The second factor does not depend on the backend: a unit administrator (who grants
    roles, so must use one) coming back from the provider is held at the enrolment page, and
    no other page answers until a code from the app is entered. (A clerk, who need not, lands
    in scope: test_clerk_logs_in_through_the_provider_and_lands_in_their_scope.)"""
    local = user_create(
        actor=system_actor("test"), username="lisi", password="correct-horse-battery-1"
    )
    abag = Unit.objects.get(division_code=ABAG, division_level=3)
    membership_grant(actor=system_actor("test"), user=local, unit=abag, role="admin")
    through_provider(page, live_server, button, "lisi", lands_on="/accounts/second-factor/")
    assert page.get_by_text("必须启用动态口令").is_visible()
    for held in ("/", f"/units/{abag.pk}/people/", "/accounts/tokens/"):
        page.goto(f"{live_server.url}{held}")
        assert page.url.startswith(f"{live_server.url}/accounts/second-factor/"), held
    assert page.request.get(f"{live_server.url}/api/units/").status == 403
    key = b32decode(page.locator("#otp-secret").inner_text().replace(" ", ""))
    page.locator("#id_token").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="启用").click()
    page.get_by_role("link", name="我已保存，继续").click()
    page.wait_for_url(f"{live_server.url}/accounts/tokens/")  # the last page asked for
    page.goto(f"{live_server.url}/units/{abag.pk}/people/")
    assert page.url == f"{live_server.url}/units/{abag.pk}/people/"
    assert page.request.get(f"{live_server.url}/api/units/").status == 200
    logout(page, live_server)
