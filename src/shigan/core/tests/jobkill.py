"""A process the worker-death tests start, kill and ask (test_job_worker_lost.py).

    python -m shigan.core.tests.jobkill setup|run JOB|sweep|show JOB [pages]
    python -m shigan.core.tests.jobkill worker|enqueue JOB   (REDIS_URL and JOBKILL_QUEUE set)

It registers the job kind "test.kill": wait (outside any transaction) until the test drops a
"go" file, then insert ROWS holidays in one transaction and, on the attempts listed in
`hang_on`, sleep inside that transaction until killed. Files in JOBKILL_DIR tell the test
where each attempt is.
"""

import datetime
import json
import os
import sys
import time
from pathlib import Path

import django

ROWS = 30
NAME = "进程中断测试"


def _mark(name: str) -> None:
    (Path(os.environ["JOBKILL_DIR"]) / name).write_text(str(os.getpid()))


def _handler(job, progress) -> bool:
    from django.db import transaction

    from shigan.core.models import Holiday

    _mark(f"reading-{job.attempts}")
    while not (Path(os.environ["JOBKILL_DIR"]) / "go").exists():
        time.sleep(0.05)
    with transaction.atomic():
        first = datetime.date(2031, 1, 1)
        Holiday.objects.bulk_create(
            Holiday(date=first + datetime.timedelta(days=i), kind="off", name=NAME)
            for i in range(ROWS)
        )
        _mark(f"writing-{job.attempts}")
        if job.attempts in job.params["hang_on"]:
            time.sleep(600)
    job.message = f"写入 {ROWS} 行"
    return True


def main(command: str, *args: str) -> dict:
    from django.test import Client

    from shigan.accounts.models import User
    from shigan.audit.models import AuditEntry
    from shigan.core.jobs import job_create, job_enqueue, job_run, job_sweep, register_job_kind
    from shigan.core.models import Holiday, Job

    register_job_kind("test.kill", "进程中断测试", _handler)
    if os.environ.get("JOBKILL_QUEUE"):  # this run's own queue on the real Redis
        from shigan.celery import app

        app.conf.task_default_queue = os.environ["JOBKILL_QUEUE"]
    if command == "worker":  # a prefork worker: the job runs in its pool process
        app.worker_main(
            [
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "--loglevel=WARNING",
                f"--queues={os.environ['JOBKILL_QUEUE']}",
                "--without-mingle",
                "--without-gossip",
            ]
        )
        return {}
    if command == "enqueue":
        job_enqueue(Job.objects.get(pk=int(args[0])))
        return {}
    if command == "setup":
        owner = User.objects.create_user("jobowner", password="x" * 12)
        User.objects.create_user("stranger", password="x" * 12)
        job = job_create(actor=owner, kind="test.kill", params={"hang_on": json.loads(args[0])})
        return {"job": job.pk}
    if command == "run":
        return {"state": job_run(job_id=int(args[0])).state}
    if command == "sweep":
        report = job_sweep()
        return {"failed": report.failed, "retried": report.retried}
    job = Job.objects.get(pk=int(args[0]))
    pages = {}
    # Opening the page settles a dead job (without a worker): only when the test asks.
    for name in ("jobowner", "stranger") if "pages" in args else ():
        client = Client()
        client.force_login(User.objects.get(username=name))
        response = client.get(f"/jobs/{job.pk}/")
        text = response.content.decode() if response.status_code == 200 else ""
        pages[name] = {"status": response.status_code, "shows_reason": job.message in text}
    return {
        "state": job.state,
        "message": job.message,
        "attempts": job.attempts,
        "rows": Holiday.objects.filter(name=NAME).count(),
        "lost": AuditEntry.objects.filter(action="core.job.worker_lost").count(),
        "pages": pages,
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shigan.settings")
    django.setup()
    from django.utils import translation

    translation.activate("zh-hans")
    print(json.dumps(main(*sys.argv[1:]), ensure_ascii=False))
