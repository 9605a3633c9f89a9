"""Channels against a local HTTP receiver (issue 18): the vendors' documented payloads and the
DingTalk robot signature, retries after a 500 and after a timeout, a failure left visible,
quiet hours, the daily digest, and people's addresses encrypted and masked."""

import base64
import datetime
import hashlib
import hmac
import urllib.parse

import pytest
from django.urls import reverse
from django.utils import timezone

from shigan.accounts.choices import SystemRole
from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry
from shigan.notifications.choices import DeliveryState
from shigan.notifications.models import Contact, Delivery, Notification
from shigan.notifications.services import (
    NotificationError,
    contact_set,
    deliveries_release,
    delivery_retry,
    digest_send,
    notification_send,
)
from shigan.notifications.tests.receiver import TOKEN

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(make_user):
    user = make_user()
    user.email = "bateer@example.invalid"
    user.save(update_fields=["email"])
    contact_set(
        actor=system_actor("test"),
        user=user,
        wecom_userid="BaTeEr",
        dingtalk_userid="ding-007",
        mobile="13912345678",
    )
    return user


def send(capture, settings, order, user, **kwargs):
    settings.SHIGAN_NOTIFY_CHANNELS = order
    with capture(execute=True):
        notification_send(
            recipients=[user],
            kind=kwargs.pop("kind", "problems.light.red"),
            text=kwargs.pop("text", "问题“调研走过场”已逾期，亮红灯。"),
            link=kwargs.pop("link", "/problems/7/"),
            **kwargs,
        )


CONTENT = "问题“调研走过场”已逾期，亮红灯。\nhttps://shigan.example.gov.cn/problems/7/"


def test_wecom_work_notice_gets_a_token_then_sends_the_documented_body(
    channels, person, settings, django_capture_on_commit_callbacks
):
    send(django_capture_on_commit_callbacks, settings, ["wecom"], person)
    token, message = channels.requests
    assert (token.method, token.path) == ("GET", "/wecom/cgi-bin/gettoken")
    assert token.query == {"corpid": "ww-corp", "corpsecret": "wecom-secret"}
    assert (message.method, message.path) == ("POST", "/wecom/cgi-bin/message/send")
    assert message.query == {"access_token": TOKEN}
    assert message.body == {
        "touser": "BaTeEr",
        "msgtype": "text",
        "agentid": 1000002,
        "text": {"content": CONTENT},
        "safe": 0,
    }
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.channel, delivery.attempts) == ("sent", "wecom", 1)
    # A second message reuses the cached token.
    send(django_capture_on_commit_callbacks, settings, ["wecom"], person)
    assert [r.method for r in channels.requests] == ["GET", "POST", "POST"]


def test_dingtalk_work_notice_documented_body(
    channels, person, settings, django_capture_on_commit_callbacks
):
    send(django_capture_on_commit_callbacks, settings, ["dingtalk"], person)
    token, message = channels.requests
    assert (token.path, token.query) == (
        "/dingtalk/gettoken",
        {"appkey": "ding-appkey", "appsecret": "ding-appsecret"},
    )
    assert message.path == "/dingtalk/topapi/message/corpconversation/asyncsend_v2"
    assert message.query == {"access_token": TOKEN}
    assert message.body == {
        "agent_id": 2000001,
        "userid_list": "ding-007",
        "msg": {"msgtype": "text", "text": {"content": CONTENT}},
    }


def test_dingtalk_robot_is_signed_as_documented(
    channels, person, settings, django_capture_on_commit_callbacks
):
    before = int(timezone.now().timestamp() * 1000)
    send(django_capture_on_commit_callbacks, settings, ["dingtalk_robot"], person)
    (post,) = channels.requests
    assert post.path == "/dingtalk-robot/robot/send"
    assert post.query["access_token"] == "ROBOT"
    timestamp = post.query["timestamp"]
    assert before <= int(timestamp) <= before + 60_000  # milliseconds
    # DingTalk: sign = urlEncode(base64(HmacSHA256(key=secret, timestamp + "\n" + secret)))
    secret = "SEC0123456789abcdef"
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256)
    expected = urllib.parse.quote_plus(base64.b64encode(digest.digest()).decode())
    raw_sign = dict(p.split("=", 1) for p in post.raw_query.split("&"))["sign"]
    assert raw_sign == expected  # URL-encoded on the wire (+, / and = escaped)
    assert post.body == {
        "msgtype": "text",
        "text": {"content": CONTENT},
        "at": {"atUserIds": ["ding-007"], "isAtAll": False},
    }


def test_wecom_robot_mentions_the_person(
    channels, person, settings, django_capture_on_commit_callbacks
):
    send(django_capture_on_commit_callbacks, settings, ["wecom_robot"], person)
    (post,) = channels.requests
    assert (post.path, post.query) == ("/wecom-robot/cgi-bin/webhook/send", {"key": "ROBOTKEY"})
    assert post.body == {
        "msgtype": "text",
        "text": {"content": CONTENT, "mentioned_list": ["BaTeEr"]},
    }


@pytest.mark.parametrize("order", [["wecom"], ["wecom_robot"]])
def test_a_tag_in_a_title_is_no_link_in_a_wecom_message(
    channels, person, settings, django_capture_on_commit_callbacks, order
):
    """WeCom renders <a href> in text messages: a title typed as a tag must arrive as text."""
    title = '问题“<a href="https://evil.example/">点此查看整改要求</a>”已逾期，亮红灯。'
    send(django_capture_on_commit_callbacks, settings, order, person, text=title)
    content = channels.requests[-1].body["text"]["content"]
    assert "<" not in content and ">" not in content
    assert content == (
        '问题“＜a href="https://evil.example/"＞点此查看整改要求＜/a＞”已逾期，亮红灯。\n'
        "https://shigan.example.gov.cn/problems/7/"
    )
    assert Notification.objects.get().text == title  # the page shows it escaped, as typed


def test_sms_generic_json_and_its_text_is_neither_kept_nor_audited(
    channels, person, settings, django_capture_on_commit_callbacks
):
    send(django_capture_on_commit_callbacks, settings, ["sms"], person)
    (post,) = channels.requests
    assert post.path == "/sms/send"
    assert post.headers["authorization"] == "Bearer sms-token"
    assert post.body == {
        "template_id": "TPL_001",
        "sign_name": "实干",
        "phone_numbers": ["13912345678"],
        "params": {"content": CONTENT},
    }
    delivery = Delivery.objects.get()
    assert delivery.state == "sent" and delivery.text == ""
    assert delivery.address_masked == "139****5678"
    entry = AuditEntry.objects.get(action="notifications.delivery.sent")
    assert "text" not in entry.after and "调研走过场" not in str(entry.after)
    assert entry.after["channel"] == "sms" and "13912345678" not in str(entry.after)


def test_first_channel_with_an_address_only(
    channels, make_user, settings, django_capture_on_commit_callbacks
):
    """One message per person: WeCom first, but someone with only a DingTalk id gets DingTalk;
    someone with no address gets the page only."""
    ding_only, nobody = make_user(), make_user()
    contact_set(actor=system_actor("test"), user=ding_only, dingtalk_userid="d-1")
    settings.SHIGAN_NOTIFY_CHANNELS = ["wecom", "dingtalk"]
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipients=[ding_only, nobody], kind="x", text="提醒")
    assert list(Delivery.objects.values_list("user", "channel")) == [(ding_only.pk, "dingtalk")]
    assert Notification.objects.count() == 2


def test_retry_after_a_500(channels, person, settings, django_capture_on_commit_callbacks):
    channels.answer("/message/send", (500, {"errmsg": "busy"}, 0))
    send(django_capture_on_commit_callbacks, settings, ["wecom"], person)
    assert len(channels.sent("/message/send")) == 2
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.error) == ("sent", 2, "")


def test_retry_after_a_timeout(channels, person, settings, django_capture_on_commit_callbacks):
    channels.answer("/asyncsend_v2", (200, None, 1.5))  # longer than the 0.5 s timeout
    send(django_capture_on_commit_callbacks, settings, ["dingtalk"], person)
    assert len(channels.sent("/asyncsend_v2")) == 2
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("sent", 2)


def test_a_failed_delivery_is_visible_and_the_notice_stays(
    channels, person, make_user, settings, client, django_capture_on_commit_callbacks
):
    for _ in range(3):
        channels.answer("/message/send", (500, {}, 0))
    send(django_capture_on_commit_callbacks, settings, ["wecom"], person)
    assert len(channels.sent("/message/send")) == 3  # SHIGAN_NOTIFY_MAX_ATTEMPTS
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("failed", 3)
    assert "HTTP 500" in delivery.error
    assert Notification.objects.filter(user=person, kind="problems.light.red").exists()
    entry = AuditEntry.objects.get(action="notifications.delivery.failed")
    assert entry.after["user"] == person.pk and "HTTP 500" in entry.after["error"]

    url = reverse("notifications:deliveries")
    client.force_login(person)
    assert client.get(url).status_code == 404  # administrators only
    admin = make_user(system_role=SystemRole.SYSTEM_ADMIN)
    client.force_login(admin)
    page = client.get(url, {"state": "failed"}).content.decode()
    assert person.username in page and "HTTP 500" in page and "企业微信工作通知" in page
    assert "BaTeEr" not in page  # the address is masked
    # Sent again by the administrator (the receiver answers 200 now).
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:delivery_retry", args=[delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.state == "sent"
    with pytest.raises(NotificationError):
        delivery_retry(actor=admin, delivery=delivery)


def test_quiet_hours_hold_then_release(
    channels, person, settings, django_capture_on_commit_callbacks
):
    now = timezone.localtime()
    start = (now - datetime.timedelta(hours=1)).strftime("%H:%M")
    end = (now + datetime.timedelta(hours=1)).strftime("%H:%M")
    settings.SHIGAN_NOTIFY_QUIET_HOURS = f"{start}-{end}"
    send(django_capture_on_commit_callbacks, settings, ["wecom"], person)
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.HELD and channels.requests == []
    assert deliveries_release() == 0  # still quiet
    settings.SHIGAN_NOTIFY_QUIET_HOURS = ""
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_release(delivery.not_before) == 1
    delivery.refresh_from_db()
    assert delivery.state == "sent" and len(channels.sent("/message/send")) == 1


def test_the_daily_digest_counts_by_kind_with_links(
    channels, person, settings, django_capture_on_commit_callbacks
):
    settings.SHIGAN_NOTIFY_CHANNELS = ["wecom"]
    settings.SHIGAN_NOTIFY_RULES = '{"problems.closeout.submitted": {"reviewer": "digest"}}'
    with django_capture_on_commit_callbacks(execute=True):
        for n in (1, 2, 3):
            notification_send(
                recipients=[person],
                kind="problems.closeout.submitted",
                text=f"问题{n}已申请销号，请审核",
                link=f"/problems/{n}/",
                role="reviewer",
            )
        for n in (4, 5):
            notification_send(
                recipients=[person],
                kind="problems.light.red",
                text=f"问题{n}已逾期，亮红灯。",
                link=f"/problems/{n}/",
                role="superior",
            )
    assert channels.requests == []  # nothing at once
    with django_capture_on_commit_callbacks(execute=True):
        assert digest_send() == 1
    (message,) = channels.sent("/message/send")
    assert message.body["touser"] == "BaTeEr"
    lines = message.body["text"]["content"].splitlines()
    assert lines[0] == "今日待办：待审核销号 3 件，红灯问题 2 个"  # to decide, then late
    assert "· 问题1已申请销号，请审核 https://shigan.example.gov.cn/problems/1/" in lines
    assert "· 问题5已逾期，亮红灯。 https://shigan.example.gov.cn/problems/5/" in lines
    assert len(lines) == 6
    with django_capture_on_commit_callbacks(execute=True):
        assert digest_send() == 0  # each notice is in one digest only


def test_contact_is_encrypted_masked_and_checked(person, make_user, client):
    contact = Contact.objects.get(user=person)
    assert "13912345678" not in contact.mobile and "BaTeEr" not in contact.wecom_userid
    entry = AuditEntry.objects.get(action="notifications.contact.updated")
    assert entry.after == {
        "user": person.pk,
        "changed": ["dingtalk_userid", "mobile", "wecom_userid"],
    }
    with pytest.raises(NotificationError) as error:
        contact_set(actor=person, user=person, mobile="12345")
    assert error.value.field == "mobile" and "手机号码" in error.value.message
    client.force_login(person)
    page = client.get(reverse("notifications:contact")).content.decode()
    assert "139****5678" in page and "13912345678" not in page
    assert "Ba***" in page and "BaTeEr" not in page
    # A blank field keeps its value (the page shows only masks); "清除" removes one.
    response = client.post(
        reverse("notifications:contact"),
        {"wecom_userid": "", "clear_dingtalk_userid": "on", "mobile": "138 0000 1111"},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    from shigan.core import crypto

    assert crypto.decrypt(contact.mobile) == "13800001111"
    assert crypto.decrypt(contact.wecom_userid) == "BaTeEr" and contact.dingtalk_userid == ""
    bad = client.post(reverse("notifications:contact"), {"mobile": "0479-123"})
    assert bad.status_code == 200 and "手机号码" in bad.content.decode()


def test_contact_set_command_masks_what_it_prints(make_user, capsys):
    from django.core.management import CommandError, call_command

    user = make_user(username="clerk")
    call_command(
        "contact_set", "--username", "clerk", "--wecom", "zhangsan", "--mobile", "13912345678"
    )
    out = capsys.readouterr().out
    assert "139****5678" in out and "13912345678" not in out and "zhangsan" not in out
    call_command("contact_set", "--username", "clerk", "--mobile", "")
    contact = Contact.objects.get(user=user)
    assert contact.mobile == "" and contact.wecom_userid != ""  # cleared; kept
    with pytest.raises(CommandError, match="手机号码"):
        call_command("contact_set", "--username", "clerk", "--mobile", "110")


def test_rules_off_and_overrides(channels, person, settings, django_capture_on_commit_callbacks):
    from django.core.exceptions import ImproperlyConfigured

    from shigan.notifications.rules import mode_for

    assert mode_for("problems.light.red", "responsible") == "immediate"
    assert mode_for("problems.light.red", "superior") == "digest"
    assert mode_for("problems.closeout.submitted", "reviewer") == "immediate"
    assert mode_for("unknown.kind") == "immediate"
    settings.SHIGAN_NOTIFY_RULES = '{"problems.light": {"*": "off"}}'
    assert mode_for("problems.light.red", "responsible") == "immediate"  # the exact kind first
    settings.SHIGAN_NOTIFY_RULES = '{"problems.light.red": {"responsible": "off"}}'
    send(django_capture_on_commit_callbacks, settings, ["wecom"], person, role="responsible")
    note = Notification.objects.get()
    assert channels.requests == [] and not note.in_digest  # on the page only
    settings.SHIGAN_NOTIFY_RULES = '{"problems.light.red": {"responsible": "soon"}}'
    with pytest.raises(ImproperlyConfigured):
        mode_for("problems.light.red", "responsible")


def test_deliveries_page_empty_for_an_administrator_404_for_others(make_user, client):
    client.force_login(make_user(system_role=SystemRole.SYSTEM_ADMIN))
    page = client.get(reverse("notifications:deliveries"))
    assert page.status_code == 200 and "没有推送记录。" in page.content.decode()
    client.force_login(make_user(system_role=SystemRole.AUDITOR))
    assert client.get(reverse("notifications:deliveries")).status_code == 404


def test_notify_command_sends_the_digest(channels, person, settings, capsys):
    from django.core.management import call_command

    settings.SHIGAN_NOTIFY_CHANNELS = ["wecom"]
    notification_send(
        recipients=[person], kind="problems.light.red", text="问题已逾期", role="superior"
    )
    call_command("notify", "digest")
    assert "已发送每日汇总：1 人" in capsys.readouterr().out
    assert Delivery.objects.get().kind == "notifications.digest"


def test_a_long_digest_lists_ten_and_points_to_the_page(
    channels, person, settings, django_capture_on_commit_callbacks
):
    settings.SHIGAN_NOTIFY_CHANNELS = ["wecom"]
    for n in range(25):
        notification_send(
            recipients=[person], kind="problems.light.yellow", text=f"问题{n}亮黄灯", role="unit"
        )
    with django_capture_on_commit_callbacks(execute=True):
        digest_send()
    (message,) = channels.sent("/message/send")
    lines = message.body["text"]["content"].splitlines()
    assert lines[0] == "今日待办：黄灯问题 25 个"
    assert len(lines) == 12
    assert lines[-1] == "其余 15 条见“消息提醒”：https://shigan.example.gov.cn/notifications/"
