"""Celery tasks: the daily watch (CELERY_BEAT_SCHEDULE), and the delivery of notices outside
shigan (issue 18) — one task per message, retried with exponential back-off."""

from django.conf import settings

from shigan.celery import app
from shigan.notifications.services import (
    DELIVER_TASK,
    deliveries_release,
    delivery_attempt,
    digest_send,
)
from shigan.notifications.watch import watch_run

__all__ = ["watch_daily", "deliver", "notify_digest", "notify_release", "backoff"]


@app.task(name="shigan.watch_daily", ignore_result=True)
def watch_daily() -> dict:
    report = watch_run()
    return {"marked": report.marked, "failed": report.failed}


def backoff(retries: int) -> int:
    """Seconds before the next attempt: base, 2×, 4× … capped at an hour."""
    return min(settings.SHIGAN_NOTIFY_RETRY_SECONDS * 2**retries, 3600)


@app.task(bind=True, name=DELIVER_TASK, ignore_result=True, max_retries=None)
def deliver(self, delivery_id: int) -> None:
    """Send one Delivery; on a failure worth retrying, again after the back-off (the service
    counts the attempts and gives up after SHIGAN_NOTIFY_MAX_ATTEMPTS)."""
    if delivery_attempt(delivery_id=delivery_id):
        raise self.retry(countdown=backoff(self.request.retries))


@app.task(name="shigan.notify_digest", ignore_result=True)
def notify_digest() -> int:
    return digest_send()


@app.task(name="shigan.notify_release", ignore_result=True)
def notify_release() -> int:
    return deliveries_release()
