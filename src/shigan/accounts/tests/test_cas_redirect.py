"""The CAS login's `next` (django-cas-ng accepts any URL without a host, and falls back to the
Referer): only a path of this site is followed, as on the password login page."""

import urllib.parse

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

UNSAFE = ["/\\evil.example/", "https://evil.example/", "//evil.example/", "https:evil.example"]


@pytest.fixture(autouse=True)
def _cas(settings):
    settings.CAS_SERVER_URL = "https://sso.example.invalid/cas/"


@pytest.mark.parametrize("target", UNSAFE)
def test_a_signed_in_user_is_not_sent_off_site(client, make_user, target):
    client.force_login(make_user())
    response = client.get(reverse("cas_login"), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("cas_login")  # the same, without `next`
    assert client.get(response["Location"])["Location"] == "/"


def test_nor_by_the_referer(client, make_user):
    client.force_login(make_user())
    response = client.get(reverse("cas_login"), HTTP_REFERER="https://evil.example/phish")
    assert response["Location"] == "/"


@pytest.mark.parametrize("target", UNSAFE)
def test_the_service_url_sent_to_cas_carries_no_foreign_next(client, target):
    response = client.get(reverse("cas_login"), {"next": target}, follow=False)
    if response["Location"] == reverse("cas_login"):  # sent back without `next`
        response = client.get(response["Location"])
    assert response["Location"].startswith("https://sso.example.invalid/cas/login?")
    service = urllib.parse.parse_qs(urllib.parse.urlsplit(response["Location"]).query)["service"]
    assert "evil" not in service[0]


def test_a_path_of_this_site_is_followed(client, make_user):
    client.force_login(make_user())
    response = client.get(reverse("cas_login"), {"next": "/problems/?state=open"})
    assert response["Location"] == "/problems/?state=open"
