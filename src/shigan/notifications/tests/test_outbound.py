"""Server-side request forgery through the channels' addresses: shigan sends only to the
vendors' official https origins and the origins an administrator lists, refuses any other
scheme, never follows a redirect, and a misconfigured address fails `check` naming its setting."""

import pytest
from django.core.checks import run_checks

from shigan.accounts.system import system_actor
from shigan.notifications.channels import ChannelError, http_json
from shigan.notifications.models import Delivery
from shigan.notifications.outbound import url_refusal
from shigan.notifications.services import contact_set, notification_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(make_user):
    user = make_user()
    contact_set(actor=system_actor("test"), user=user, wecom_userid="BaTeEr", mobile="")
    return user


def send_by_robot(capture, settings, user):
    settings.SHIGAN_NOTIFY_CHANNELS = ["wecom_robot"]
    with capture(execute=True):
        notification_send(recipients=[user], kind="problems.light.red", text="红灯", link="")
    return Delivery.objects.get()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:6379/",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "https://intranet.example.gov.cn/robot/send",
        "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K",
        "https://qyapi.weixin.qq.com@127.0.0.1/cgi-bin/webhook/send",
        "https://qyapi.weixin.qq.com:8443/cgi-bin/webhook/send",
    ],
)
def test_a_robot_webhook_elsewhere_is_refused_at_send_without_a_request(
    channels, person, settings, django_capture_on_commit_callbacks, url
):
    settings.SHIGAN_WECOM_ROBOT_WEBHOOK = url
    delivery = send_by_robot(django_capture_on_commit_callbacks, settings, person)
    assert delivery.state == "failed"
    assert delivery.attempts == 1  # refused for good: retrying cannot help
    assert "SHIGAN_WECOM_ROBOT_WEBHOOK" in delivery.error
    assert "key=" not in delivery.error  # the origin only: a webhook's query is its secret
    assert channels.requests == []


def test_a_listed_intranet_origin_is_allowed(
    channels, person, settings, django_capture_on_commit_callbacks
):
    delivery = send_by_robot(django_capture_on_commit_callbacks, settings, person)
    assert delivery.state == "sent"


def test_a_redirect_is_not_followed(channels, person, settings, django_capture_on_commit_callbacks):
    channels.answer("wecom-robot", (302, {"location": f"{channels.url}/internal"}, 0))
    delivery = send_by_robot(django_capture_on_commit_callbacks, settings, person)
    assert [r.path for r in channels.requests] == ["/wecom-robot/cgi-bin/webhook/send"]
    assert delivery.state == "failed"
    assert "跳转" in delivery.error


def test_http_json_refuses_a_file_url(settings):
    with pytest.raises(ChannelError) as refused:
        http_json("GET", "file:///etc/passwd", setting="SHIGAN_SMS_URL")
    assert refused.value.retry is False
    assert "SHIGAN_SMS_URL" in str(refused.value)


def test_the_vendors_official_origins_need_no_listing(settings):
    settings.SHIGAN_NOTIFY_ALLOWED_ORIGINS = []
    assert url_refusal("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K") is None
    assert url_refusal("https://oapi.dingtalk.com/robot/send?access_token=T") is None
    assert url_refusal("https://oapi.dingtalk.com.evil.example/robot/send") is not None


def test_check_names_each_misconfigured_setting(settings):
    settings.SHIGAN_NOTIFY_ALLOWED_ORIGINS = []
    settings.SHIGAN_WECOM_ROBOT_WEBHOOK = "http://169.254.169.254/"
    settings.SHIGAN_SMS_URL = "https://sms.intranet.example/send"
    settings.SHIGAN_DINGTALK_ROBOT_WEBHOOK = "https://oapi.dingtalk.com/robot/send?access_token=T"
    messages = [m.msg for m in run_checks() if m.id == "notifications.E001"]
    assert len(messages) == 2
    assert any("SHIGAN_WECOM_ROBOT_WEBHOOK" in m for m in messages)
    assert any("SHIGAN_SMS_URL" in m for m in messages)
    settings.SHIGAN_NOTIFY_ALLOWED_ORIGINS = "https://sms.intranet.example/, http://10.2.3.4:8080"
    assert len([m for m in run_checks() if m.id == "notifications.E001"]) == 1
