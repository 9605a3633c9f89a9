"""Per-user API tokens: created once, stored hashed, listed by prefix, revocable, audited."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from shigan.accounts.models import ApiToken
from shigan.accounts.services import token_create, token_hash, token_revoke
from shigan.audit.models import AuditEntry
from shigan.core.errors import DomainError
from shigan.orgs.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(units, make_user):
    return make_user(Role.VIEWER, units["own"])


def token_client(key: str, keyword: str = "Token") -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"{keyword} {key}")
    return api


def test_token_is_stored_hashed_and_audited(user):
    token, key = token_create(actor=user, name="同步脚本")
    assert key.startswith("sg_") and len(key) > 40
    assert token.key_hash == token_hash(key) and key not in token.key_hash
    assert key.startswith(token.prefix) and len(token.prefix) < 16
    entry = AuditEntry.objects.get(action="accounts.token.created")
    assert entry.actor_id == user.pk and key not in str(entry.after)


def test_token_authenticates_with_token_or_bearer(units, user):
    _, key = token_create(actor=user, name="脚本")
    for keyword in ("Token", "Bearer"):
        response = token_client(key, keyword).get(f"/api/units/{units['own'].pk}/")
        assert response.status_code == 200
    assert ApiToken.objects.get().last_used_at is not None
    # The token carries the user's scope, nothing more.
    assert token_client(key).get(f"/api/units/{units['parent'].pk}/").status_code == 404


def test_revoked_token_gets_401(units, user):
    token, key = token_create(actor=user, name="脚本")
    token_revoke(actor=user, token=token)
    response = token_client(key).get("/api/units/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert "撤销" in response.json()["detail"]
    assert AuditEntry.objects.filter(action="accounts.token.revoked").count() == 1
    with pytest.raises(DomainError) as error:
        token_revoke(actor=user, token=token)
    assert error.value.code == "already_revoked"


def test_bad_tokens_get_401(user):
    for header in ("Token nonsense", "Bearer", "Token a b"):
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=header)
        response = api.get("/api/units/")
        assert response.status_code == 401, header
        assert response.json()["code"] == "authentication_failed"


def test_token_api_create_list_revoke(user, make_user):
    _, key = token_create(actor=user, name="第一个")
    api = token_client(key)
    session = APIClient()
    session.force_login(user)
    created = session.post("/api/tokens/", {"name": "第二个"}, format="json")
    assert created.status_code == 201
    second_key = created.json()["key"]
    assert second_key.startswith(created.json()["prefix"])
    # Several tokens, listed by prefix only: neither key nor digest ever comes back.
    listed = api.get("/api/tokens/").json()["results"]
    assert [t["name"] for t in listed] == ["第二个", "第一个"]
    assert all("key" not in t and "key_hash" not in t for t in listed)
    assert second_key not in str(listed)
    # Revoke the second with the first; the second stops working, the first still works.
    second_id = created.json()["id"]
    assert api.delete(f"/api/tokens/{second_id}/").status_code == 204
    assert token_client(second_key).get("/api/tokens/").status_code == 401
    after = {t["id"]: t for t in api.get("/api/tokens/").json()["results"]}
    assert after[second_id]["active"] is False and after[second_id]["revoked_at"]
    again = api.delete(f"/api/tokens/{second_id}/")
    assert again.status_code == 400 and again.json()["code"] == "already_revoked"
    # Someone else's token is not found, and cannot be revoked.
    other = make_user(username="other")
    other_token, other_key = token_create(actor=other, name="别人的")
    assert api.get(f"/api/tokens/{other_token.pk}/").status_code == 404
    assert api.delete(f"/api/tokens/{other_token.pk}/").status_code == 404
    assert token_client(other_key).get("/api/tokens/").status_code == 200


def test_token_name_is_required(user):
    api = APIClient()
    api.force_authenticate(user)
    body = api.post("/api/tokens/", {"name": ""}, format="json").json()
    assert body["field"] == "name" and "令牌名称" in body["detail"]
    token_create(actor=user, name="同名")
    dup = api.post("/api/tokens/", {"name": "同名"}, format="json").json()
    assert dup["code"] == "duplicate_name"


def test_tokens_page(client, user):
    url = reverse("accounts:tokens")
    assert client.get(url).status_code == 302  # login first
    client.force_login(user)
    page = client.get(url)
    assert page.status_code == 200 and "API 令牌" in page.content.decode()
    created = client.post(url, {"name": "报表脚本"})
    html = created.content.decode()
    key = re.search(r'id="new-token">(sg_[^<]+)<', html).group(1)
    token = ApiToken.objects.get(user=user)
    assert token.key_hash == token_hash(key)
    # The key is shown once: the next visit lists the prefix only.
    again = client.get(url).content.decode()
    assert key not in again and token.prefix in again
    assert client.post(url, {"name": ""}).status_code == 400
    revoke = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert revoke.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token_client(key).get("/api/units/").status_code == 401


def test_cannot_revoke_someone_elses_token_on_the_page(client, user, make_user):
    other = make_user(username="other")
    token, _ = token_create(actor=other, name="别人的")
    client.force_login(user)
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


# Lifetime (等保三级: a credential has a limited life). A token expires SHIGAN_API_TOKEN_DAYS
# after its creation, or sooner if its creator chose so; an expired token is a 401 of its own code.


def _expire(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))


def test_a_token_expires_after_the_configured_lifetime(user, settings):
    settings.SHIGAN_API_TOKEN_DAYS = 90
    token, _ = token_create(actor=user, name="默认")
    lifetime = token.expires_at - token.created_at
    assert timedelta(days=90) - timedelta(minutes=1) < lifetime <= timedelta(days=90)
    short, _ = token_create(actor=user, name="短期", days=7)
    assert short.expires_at - short.created_at <= timedelta(days=7)
    for days in (0, 91):
        with pytest.raises(DomainError) as error:
            token_create(actor=user, name=f"{days} 天", days=days)
        assert error.value.code == "invalid_lifetime" and error.value.field == "days"
        assert "90" in error.value.message
    entry = AuditEntry.objects.filter(action="accounts.token.created").last()
    assert "expires_at" in entry.after


def test_an_expired_token_gets_401_token_expired(units, user):
    token, key = token_create(actor=user, name="脚本")
    assert token_client(key).get("/api/units/").status_code == 200
    _expire(token)
    response = token_client(key).get("/api/units/")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "token_expired" and "过期" in body["detail"]
    token.refresh_from_db()
    assert not token.is_active
    # The name of an expired token may be given to its successor.
    token_create(actor=user, name="脚本")


def test_token_api_and_page_show_and_choose_the_expiry(client, user):
    api = APIClient()
    api.force_authenticate(user)
    created = api.post("/api/tokens/", {"name": "接口", "days": 30}, format="json")
    assert created.status_code == 201 and created.json()["expires_at"]
    token = ApiToken.objects.get(name="接口")
    assert token.expires_at - token.created_at <= timedelta(days=30)
    refused = api.post("/api/tokens/", {"name": "太长", "days": 10000}, format="json")
    assert refused.status_code == 400 and refused.json()["field"] == "days"
    client.force_login(user)
    url = reverse("accounts:tokens")
    assert client.post(url, {"name": "网页", "days": "14"}).status_code == 200
    page_token = ApiToken.objects.get(name="网页")
    assert page_token.expires_at - page_token.created_at <= timedelta(days=14)
    html = client.get(url).content.decode()
    local = timezone.localtime(page_token.expires_at)
    assert local.strftime("%Y-%m-%d %H:%M") in html
    _expire(page_token)
    assert "已过期" in client.get(url).content.decode()


def test_a_token_cannot_make_a_token(user):
    """Found by a probe once tokens expired: a token that may create tokens renews itself for
    ever (and a stolen one outlives its expiry). A new token needs a signed-in session (password
    and second factor); a token can still list and revoke."""
    token, key = token_create(actor=user, name="脚本")
    api = token_client(key)
    refused = api.post("/api/tokens/", {"name": "续命"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden" and "登录" in refused.json()["detail"]
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["脚本"]
    assert api.get("/api/tokens/").status_code == 200
    assert api.delete(f"/api/tokens/{token.pk}/").status_code == 204
