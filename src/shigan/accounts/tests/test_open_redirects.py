"""Open redirects: every page that follows a `next` (or, for the language switch, a Referer)
sends the browser to a path of this site only (url_has_allowed_host_and_scheme)."""

import html
import urllib.parse

import pytest
from django.urls import reverse

from shigan.notifications.models import Notification
from shigan.notifications.services import notification_send

pytestmark = pytest.mark.django_db

UNSAFE = [
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    " //evil.example/",
]
PASSWORD = "correct-horse-battery-1"


def assert_stays_on_site(response):
    assert response.status_code in (301, 302, 303), response.status_code
    location = response["Location"]
    parts = urllib.parse.urlsplit(location.replace("\\", "/"))
    assert not parts.scheme and not parts.netloc, location
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location


@pytest.mark.parametrize("target", UNSAFE)
def test_login(client, make_user, target):
    user = make_user()
    data = {"username": user.username, "password": PASSWORD, "next": target}
    assert_stays_on_site(client.post(reverse("accounts:login") + "?next=" + target, data))


@pytest.mark.parametrize("target", UNSAFE)
def test_logout(client, make_user, target):
    client.force_login(make_user())
    assert_stays_on_site(client.post(reverse("accounts:logout"), {"next": target}))
    client.force_login(make_user())
    assert_stays_on_site(client.post(f"{reverse('accounts:logout')}?next={target}"))


@pytest.mark.parametrize("target", UNSAFE)
def test_language_switch(client, target):
    url = reverse("set_language")
    assert_stays_on_site(client.post(url, {"language": "en", "next": target}))
    assert_stays_on_site(client.post(url, {"language": "en"}, HTTP_REFERER=target))


@pytest.mark.parametrize("target", UNSAFE)
def test_password_change(client, make_user, target):
    client.force_login(make_user())
    data = {
        "old_password": PASSWORD,
        "new_password": "Another-Battery-7",
        "new_password2": "Another-Battery-7",
        "next": target,
    }
    assert_stays_on_site(client.post(reverse("accounts:password_change"), data))
    page = client.get(reverse("accounts:password_change"), {"next": target})
    assert f'name="next" value="{html.escape(target)}"' not in page.content.decode()


@pytest.mark.parametrize("target", UNSAFE)
def test_a_notice_link(client, make_user, target):
    user = make_user()
    notification_send(recipients=[user], kind="test", text="外链", link=target)
    client.force_login(user)
    notice = Notification.objects.get(user=user)
    assert_stays_on_site(client.post(reverse("notifications:read", args=[notice.pk])))


def test_a_notice_link_does_not_leave_https(client, make_user):
    """As the login page's `next`: on an https page a link to plain http of the same host is
    not followed (a downgrade an observer on the wire could then rewrite)."""
    user = make_user()
    notification_send(recipients=[user], kind="test", text="外链", link="http://testserver/units/")
    client.force_login(user)
    notice = Notification.objects.get(user=user)
    response = client.post(reverse("notifications:read", args=[notice.pk]), secure=True)
    assert not response["Location"].startswith("http:")
