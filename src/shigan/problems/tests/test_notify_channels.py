"""Issue 18's acceptance on the problems side, against a local HTTP receiver: a red problem
sends one immediate WeCom message to its responsible leader and appears in the next morning's
digest of the league leader; a close-out submission reaches the reviewer on DingTalk."""

import datetime

import pytest

from shigan.accounts.system import system_actor
from shigan.notifications.models import Delivery, Notification
from shigan.notifications.services import contact_set, digest_send
from shigan.orgs.choices import PersonRank, Role
from shigan.orgs.services import person_create
from shigan.problems import services
from shigan.problems.tests.conftest import pdf, unfinished
from shigan.problems.watch import problems_watch

pytestmark = pytest.mark.django_db

D = datetime.date


def test_red_problem_wecom_to_the_responsible_leader_and_digest_of_the_league_leader(
    channels,
    settings,
    units,
    campaign,
    editor,
    calendar,
    make_user,
    django_capture_on_commit_callbacks,
):
    settings.SHIGAN_NOTIFY_CHANNELS = ["wecom"]
    leader = make_user()
    responsible = person_create(
        actor=system_actor("test"),
        unit=units["own"],
        name="巴特尔",
        rank=PersonRank.COUNTY,
        user=leader,
    )
    league_leader = make_user(Role.LEADER, units["parent"])
    contact_set(actor=system_actor("test"), user=leader, wecom_userid="bateer")
    contact_set(actor=system_actor("test"), user=league_leader, wecom_userid="league-lead")
    problem = services.problem_create(
        actor=editor,
        unit=units["own"],
        campaign=campaign,
        title="调研走过场",
        source="self_inspection",
        found_on=D(2023, 9, 1),
        deadline=D(2023, 9, 28),
        responsible=responsible,
    )
    services.progress_report_add(
        actor=editor, problem=problem, text="进展", percent=30, reported_on=D(2023, 9, 1)
    )
    problems_watch(D(2023, 9, 19))  # green again as of then
    with django_capture_on_commit_callbacks(execute=True):
        assert problems_watch(D(2023, 10, 1)) == 1  # turned red
        problems_watch(D(2023, 10, 1))  # the same day again: nothing new

    sent = [r.body for r in channels.sent("/cgi-bin/message/send")]
    assert [b["touser"] for b in sent] == ["bateer"]  # one message, to the responsible leader
    assert "调研走过场" in sent[0]["text"]["content"] and "红灯" in sent[0]["text"]["content"]
    # The league leader has the notice on the page, waiting for the digest.
    waiting = Notification.objects.get(user=league_leader)
    assert waiting.in_digest and waiting.kind == "problems.light.red"

    with django_capture_on_commit_callbacks(execute=True):
        assert digest_send() == 1  # the next morning's run
    sent = [r.body for r in channels.sent("/cgi-bin/message/send")]
    assert [b["touser"] for b in sent] == ["bateer", "league-lead"]
    digest = sent[1]["text"]["content"].splitlines()
    assert digest[0] == "今日待办：红灯问题 1 个"
    assert "调研走过场" in digest[1]
    assert f"https://shigan.example.gov.cn/problems/{problem.pk}/" in digest[1]
    assert Delivery.objects.filter(user=leader, state="sent").count() == 1


def test_closeout_submission_reaches_the_reviewer_on_dingtalk(
    channels, settings, started, editor, reviewer, django_capture_on_commit_callbacks
):
    settings.SHIGAN_NOTIFY_CHANNELS = ["dingtalk", "sms"]
    contact_set(actor=system_actor("test"), user=reviewer, dingtalk_userid="reviewer-ding")
    contact_set(actor=system_actor("test"), user=editor, dingtalk_userid="editor-ding")
    with django_capture_on_commit_callbacks(execute=True):
        services.closeout_submit(
            actor=editor,
            problem=started,
            summary="已建立台账并完成整改",
            submitted_on=D(2023, 6, 1),
            files=[pdf()],
            finish=unfinished(started),
        )
    (message,) = channels.sent("/asyncsend_v2")
    assert message.body["userid_list"] == "reviewer-ding"
    content = message.body["msg"]["text"]["content"]
    assert "调研走过场" in content and "销号申请" in content and started.unit.name in content
    assert Notification.objects.get(user=reviewer).kind == "problems.closeout.submitted"
    assert not Notification.objects.filter(user=editor).exists()
