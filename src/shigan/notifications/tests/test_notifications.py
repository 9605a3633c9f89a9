import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from shigan.accounts.system import system_actor
from shigan.core.choices import JobState
from shigan.core.errors import DomainError
from shigan.core.jobs import job_create, job_run
from shigan.notifications.models import Notification
from shigan.notifications.services import notification_mark_read, notification_send
from shigan.notifications.watch import register_watcher, watch_run, watchers

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(make_user):
    return make_user(), make_user()


def test_send_writes_one_per_recipient_and_no_email_by_default(two, mailoutbox):
    alice, bob = two
    n = notification_send(
        recipients=[alice, bob.pk, alice], kind="test", text="请及时整改", link="/x/"
    )
    assert n == 2 and Notification.objects.count() == 2
    assert mailoutbox == []  # no EMAIL_HOST configured
    with pytest.raises(DomainError):
        notification_send(recipients=[alice], kind="test", text=" ")


def test_page_lists_only_mine_with_the_unread_count_in_the_header(client, two):
    alice, bob = two
    notification_send(recipients=[alice], kind="test", text="第一条提醒")
    notification_send(recipients=[alice], kind="test", text="第二条提醒")
    notification_send(recipients=[bob], kind="test", text="别人的提醒")
    client.force_login(alice)
    body = client.get(reverse("notifications:list")).content.decode()
    assert "第一条提醒" in body and "第二条提醒" in body and "别人的提醒" not in body
    assert f'hx-get="{reverse("notifications:badge")}"' in body  # the header's badge
    badge = client.get(reverse("notifications:badge")).content.decode()
    assert 'class="badge unread-count"' in badge and ">2</span>" in badge
    assert "全部标为已读" in body
    client.post(reverse("notifications:read_all"))
    assert "unread-count" not in client.get(reverse("notifications:badge")).content.decode()
    assert "全部标为已读" not in client.get(reverse("notifications:list")).content.decode()


def test_reading_one_follows_its_link_and_others_are_404(client, two):
    alice, bob = two
    notification_send(recipients=[alice], kind="test", text="提醒", link="/problems/1/")
    notification_send(recipients=[alice], kind="test", text="外链", link="https://evil.example/")
    mine, external = Notification.objects.filter(user=alice).order_by("pk")
    client.force_login(bob)
    assert client.post(reverse("notifications:read", args=[mine.pk])).status_code == 404
    client.force_login(alice)
    response = client.post(reverse("notifications:read", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/problems/1/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    response = client.post(reverse("notifications:read", args=[external.pk]))
    assert response["Location"] == reverse("notifications:list")  # no open redirect


def test_mark_read_refuses_another_users_notification(two):
    alice, bob = two
    notification_send(recipients=[bob], kind="test", text="提醒")
    with pytest.raises(DomainError):
        notification_mark_read(user=alice, notification=Notification.objects.get())


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_registry_runs_every_watcher_and_survives_a_failing_one():
    seen = []

    def fine(today):
        seen.append(today)
        return 3

    def broken(today):
        raise RuntimeError("boom")

    register_watcher("test-fine", fine)
    register_watcher("test-broken", broken)
    try:
        report = watch_run(datetime.date(2023, 10, 1))
        assert report.marked["test-fine"] == 3 and "test-broken" in report.failed
        assert seen == [datetime.date(2023, 10, 1)]
    finally:
        from shigan.notifications import watch

        watch._WATCHERS.pop("test-fine")
        watch._WATCHERS.pop("test-broken")
    assert "problems" in watchers()


def test_watch_job_and_daily_schedule():
    job = job_create(actor=system_actor("test"), kind="watch", params={"today": "2023-10-01"})
    job = job_run(job_id=job.pk)
    assert job.state == JobState.DONE and job.summary["today"] == "2023-10-01"
    assert "problems" in job.summary["marked"]
    entry = settings.CELERY_BEAT_SCHEDULE["shigan-watch-daily"]
    assert entry["task"] == "shigan.watch_daily"
    from shigan.celery import app

    app.loader.import_default_modules()
    assert "shigan.watch_daily" in app.tasks
