"""The daily watch as a Celery task, scheduled by CELERY_BEAT_SCHEDULE (settings)."""

from shigan.celery import app

__all__ = ["watch_daily"]


@app.task(name="shigan.watch_daily", ignore_result=True)
def watch_daily() -> dict:
    from shigan.notifications.watch import watch_run

    report = watch_run()
    return {"marked": report.marked, "failed": report.failed}
