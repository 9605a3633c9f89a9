"""notifications' answers to what the floors below it announce (connected in its `ready()`)."""

from shigan.notifications.services import job_finished_notice

__all__ = ["job_finished"]


def job_finished(sender, job, **kwargs):
    """A background job ended: tell its owner."""
    job_finished_notice(job=job)
