"""Celery tasks. The work itself lives in `shigan.core.jobs`; a task only runs a job by id."""

from shigan.celery import app

__all__ = ["run_job"]


@app.task(name="shigan.run_job", ignore_result=True)
def run_job(job_id: int) -> None:
    from shigan.core.jobs import job_run

    job_run(job_id=job_id)
