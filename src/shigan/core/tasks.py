"""Celery tasks. The work itself lives in `shigan.core.jobs`; a task only runs a job by id."""

from typing import Any

from shigan.celery import app

__all__ = ["run_job", "jobs_sweep"]


@app.task(name="shigan.run_job", ignore_result=True)  # type: ignore[untyped-decorator]  # celery: no types
def run_job(job_id: int) -> None:
    from shigan.core.jobs import job_run

    job_run(job_id=job_id)


@app.task(name="shigan.jobs_sweep", ignore_result=True)  # type: ignore[untyped-decorator]  # celery: no types
def jobs_sweep() -> dict[str, Any]:
    """Celery beat, every minute: jobs whose worker died are run again once or failed."""
    from shigan.core.jobs import job_sweep

    report = job_sweep()
    return {"failed": report.failed, "retried": report.retried}
