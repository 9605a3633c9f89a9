"""The daily audit checkpoint as a Celery task, scheduled by CELERY_BEAT_SCHEDULE (settings):
even a day with fewer than SHIGAN_AUDIT_CHECKPOINT_EVERY entries gets a checkpoint."""

from shigan.audit.services import audit_checkpoint_now
from shigan.celery import app

__all__ = ["audit_checkpoint_daily"]


@app.task(  # type: ignore[untyped-decorator]  # celery ships no types
    name="shigan.audit_checkpoint_daily", ignore_result=True
)
def audit_checkpoint_daily() -> int:
    return sum(head.seq for head in audit_checkpoint_now())
