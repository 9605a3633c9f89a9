"""Background jobs: kinds registered by apps (in their `jobs.py`), created by a service, run
by the Celery task `run_job` — on a worker when a broker is configured, in-process otherwise.

A job's handler does its writes in one transaction: a failure leaves nothing half-written, and
the job records why in Chinese. Progress is written outside that transaction (the reading and
checking phase, which is most of the time), so other connections see it move.

Jobs never hang (issue 16): while a job runs, a thread of its process writes a heartbeat on the
row. A process killed mid-job (SIGKILL, out of memory, a crashed pool child) stops beating, and
its open transaction dies with its connection, so it wrote nothing. `job_sweep` (Celery beat
every minute; on each look at one's jobs when there is no worker) finds running jobs whose
heartbeat is stale and runs them again once, or marks them failed with the reason.
"""

import contextlib
import datetime
import io
import logging
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import DatabaseError, connections, transaction
from django.db.models import F, Q, QuerySet
from django.dispatch import Signal
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.core.actors import is_system_actor, system_actor
from shigan.core.auditing import audit_record
from shigan.core.choices import JobState
from shigan.core.errors import CoreError, DomainError, ErrorCode
from shigan.core.job_kinds import JobKind, Progress, job_kinds, kind_label, register_job_kind
from shigan.core.models import Job
from shigan.core.spreadsheets.exporters import Exporter
from shigan.core.spreadsheets.importers import ImportMode, ImportResult
from shigan.core.spreadsheets.reports import error_report
from shigan.core.tasks import run_job
from shigan.core.todo import TodoItem

__all__ = [
    "JobKind",
    "register_job_kind",
    "kind_label",
    "job_create",
    "job_confirm",
    "import_options",
    "job_record_import",
    "job_write_export",
    "job_enqueue",
    "job_run",
    "job_sweep",
    "job_get",
    "job_list",
    "jobs_todo",
]

logger = logging.getLogger(__name__)

# Sent (after commit) with `job=` when a job ends, done or failed: the notifications app tells
# its owner, without this low layer knowing it.
job_finished = Signal()


@transaction.atomic
def job_create(
    *,
    actor: AbstractBaseUser | AnonymousUser,  # one not signed in is recorded without an account
    kind: str,
    params: dict[str, Any] | None = None,
    unit: Any = None,  # an orgs Unit (a floor above, which core cannot name) or None
    upload: "bytes | File[bytes] | None" = None,
    upload_name: str = "",
) -> Job:
    """Record a job (and its uploaded file); `job_enqueue` then sends it."""
    if kind not in job_kinds():
        raise CoreError(_("未知的任务类型。"), code=ErrorCode.UNKNOWN_JOB_KIND)
    job = Job(
        kind=kind,
        params=params or {},
        unit=unit,
        created_by_id=getattr(actor, "pk", None) or None,  # by id: core cannot name accounts.User
    )
    if upload is not None:
        name = upload_name or getattr(upload, "name", "") or "upload"
        job.input_name = name[:255]
        data = upload if isinstance(upload, bytes) else upload.read()
        job.input_file.save(f"job{_suffix(name)}", ContentFile(data), save=False)
    job.save()
    audit_record(
        actor=actor,
        action="core.job.created",
        target=job,
        after={"kind": kind, "params": job.params, "unit": unit.pk if unit else None},
    )
    return job


def import_options(job: Job) -> dict[str, Any]:
    """The import's options as the upload form set them, for the app's importer: the mode, a
    preview (dry run) or the real thing, and the date the sheet is as of."""
    as_of = job.params.get("as_of")
    return {
        "mode": job.params.get("mode", ImportMode.ALL_OR_NOTHING),
        "dry_run": bool(job.params.get("dry_run")),
        "as_of": datetime.date.fromisoformat(as_of) if as_of else None,
    }


@transaction.atomic
def job_confirm(*, actor: AbstractBaseUser | AnonymousUser, job: Job) -> Job:
    """Import for real the sheet a preview job checked: a new job with the same file, unit and
    options. Only the preview's owner may, once, and only when the preview was done."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.created_by_id != getattr(actor, "pk", None):
        raise CoreError(_("只能确认自己上传的导入。"), code=ErrorCode.NOT_OWNER)
    if not job.params.get("dry_run") or job.state != JobState.DONE:
        raise CoreError(
            _("该任务不是已完成的导入预检，不能确认导入。"), code=ErrorCode.NOT_A_PREVIEW
        )
    if job.summary.get("confirmed_job"):
        raise CoreError(_("该预检已确认导入，请勿重复提交。"), code=ErrorCode.ALREADY_CONFIRMED)
    with job.input_file.open("rb") as handle:
        data = handle.read()
    confirmed = job_create(
        actor=actor,
        kind=job.kind,
        params={**job.params, "dry_run": False},
        unit=job.unit,
        upload=data,
        upload_name=job.input_name,
    )
    job.summary = {**job.summary, "confirmed_job": confirmed.pk}
    job.save(update_fields=["summary"])
    audit_record(
        actor=actor,
        action="core.job.confirmed",
        target=job,
        after={"job": confirmed.pk},
    )
    return confirmed


def _suffix(name: str) -> str:
    return Path(name).suffix.lower()[:10]


def job_enqueue(job: Job) -> None:
    """Send the job to the task queue; without a broker it runs now, in this process."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        run_job.delay(job.pk)
    else:  # a worker must see the committed row
        transaction.on_commit(lambda: run_job.delay(job.pk))


def _progress(job: Job) -> Progress:
    def report(done: int, total: int | None) -> None:
        job.done, job.total = done, total if total is not None else job.total
        Job.objects.filter(pk=job.pk).update(done=job.done, total=job.total)

    return report


class _Heartbeat:
    """A thread writing the job's heartbeat while the job runs, on its own connection (a
    long write transaction of the job's does not hold it back on PostgreSQL)."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"job-{job_id}-heartbeat")
        self.thread.daemon = True  # never keeps a finished process alive

    def __enter__(self) -> "_Heartbeat":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=5)  # a beat stuck on a lock ends by itself later

    def _beat(self) -> None:
        try:
            while not self.stop.wait(settings.SHIGAN_JOB_HEARTBEAT_SECONDS):
                try:
                    Job.objects.filter(pk=self.job_id, state=JobState.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:  # SQLite locked by the job's own write: the next beat
                    logger.warning("job %s: heartbeat not written", self.job_id)
        finally:
            connections.close_all()  # this thread's own connections


def _claim(job_id: int) -> bool:
    """Take a queued job for this process: exactly one of two deliveries of it wins."""
    now = timezone.now()
    return bool(
        Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
            state=JobState.RUNNING,
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
        )
    )


def job_run(*, job_id: int, progress: Progress | None = None) -> Job:
    """Run a queued job to its end. Called by the task, or directly by the CLI. A job already
    running (a message delivered again after its worker died) is left to `job_sweep`."""
    claimed = _claim(job_id)
    job = Job.objects.select_related("unit", "created_by").get(pk=job_id)
    if not claimed:
        return job
    if is_system_actor(job.created_by):  # its writes say which job the system ran
        job.created_by.system_reason = f"后台任务 {job.kind}"
    report = _progress(job)

    def both(done: int, total: int | None) -> None:
        report(done, total)
        if progress:
            progress(done, total)

    # Run inside a caller's transaction (in-process, in a test) the row is invisible to others
    # until it commits: no heartbeat, whose update would wait for that very transaction.
    inside = transaction.get_connection().in_atomic_block
    with contextlib.nullcontext() if inside else _Heartbeat(job.pk):
        try:
            ok = job_kinds()[job.kind].handler(job, both)
        except DomainError as error:
            job.state, job.message = JobState.FAILED, error.message
        except Exception as error:  # the job must end, whatever went wrong
            logger.exception("job %s failed", job.pk)
            job.state = JobState.FAILED
            job.message = _("任务失败，未写入任何数据：%(error)s") % {"error": error}
        else:
            job.state = JobState.DONE if ok else JobState.FAILED
            if ok and job.total is not None:
                job.done = job.total
    job.finished_at = timezone.now()
    job.save()
    transaction.on_commit(lambda: job_finished.send(sender=Job, job=job))
    return job


def _stale(now: datetime.datetime) -> Q:
    cutoff = now - datetime.timedelta(seconds=settings.SHIGAN_JOB_STALE_SECONDS)
    return Q(state=JobState.RUNNING) & (
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )


@dataclass
class SweepReport:
    failed: list[int]
    retried: list[int]


def job_sweep(
    *,
    now: datetime.datetime | None = None,
    owner: AbstractBaseUser | AnonymousUser | None = None,
    retry: bool = True,
) -> SweepReport:
    """Find running jobs whose worker died (no heartbeat for SHIGAN_JOB_STALE_SECONDS): run
    each again once when its kind allows, else mark it failed with the reason its owner sees.
    `owner` limits the sweep to one user's jobs; `retry=False` only fails them."""
    now = now or timezone.now()
    stale = Job.objects.filter(_stale(now))
    if owner is not None:
        stale = stale.filter(created_by_id=owner.pk)  # by id: core cannot name accounts.User
    report = SweepReport([], [])
    for job in list(stale.only("pk", "kind", "attempts")):
        kind = job_kinds().get(job.kind)
        again = retry and job.attempts < 2 and kind is not None and kind.retry
        if _worker_lost(job=job, now=now, again=again):
            (report.retried if again else report.failed).append(job.pk)
    for pk in report.retried:
        job_enqueue(Job.objects.get(pk=pk))
    return report


@transaction.atomic
def _worker_lost(*, job: Job, now: datetime.datetime, again: bool) -> bool:
    """Requeue or fail one stale job, unless it beat or ended meanwhile (the update is
    conditional on it still being stale); audited."""
    if again:
        message = _("执行任务的进程意外中断，未写入任何数据，已自动重新执行一次。")
        changes: dict[str, object] = {"state": JobState.QUEUED}
    else:
        message = _(
            "执行任务的进程意外中断（可能被终止或内存不足），任务已终止，未写入任何数据。"
            "请重新提交；如再次失败，请联系管理员。"
        )
        changes = {"state": JobState.FAILED, "finished_at": now}
    if not Job.objects.filter(_stale(now), pk=job.pk).update(message=message, **changes):
        return False
    audit_record(
        actor=system_actor("job sweep"),
        action="core.job.worker_lost",
        target=job,
        after={"attempts": job.attempts, "retried": again},
    )
    if not again:
        transaction.on_commit(lambda: job_finished.send(sender=Job, job=Job.objects.get(pk=job.pk)))
    return True


def job_save_result(job: Job, name: str, data: bytes) -> None:
    job.result_name = name[:255]
    job.result_file.save(f"result{_suffix(name)}", ContentFile(data), save=False)


def job_record_import(job: Job, result: ImportResult) -> bool:
    """Write a sheet import's outcome on its job (counts, summary, message, the error report
    as a result file); whether the job succeeded."""
    job.total = job.done = result.total
    job.summary = result.summary()
    job.message = result.message
    if result.errors:
        stem = Path(job.input_name).stem or "import"
        job_save_result(job, f"{stem}-错误报告.xlsx", error_report(result))
    return not result.errors or result.committed or result.dry_run


def job_write_export(job: Job, exporter: Exporter, progress: Progress) -> bool:
    """Stream an exporter into the job's result file, as CSV or xlsx per `job.params`."""
    fmt = job.params.get("format", "xlsx")
    with tempfile.TemporaryFile() as handle:
        if fmt == "csv":
            text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
            count = exporter.write_csv(text, progress=progress)
            text.flush()
            text.detach()
        else:
            count = exporter.write_xlsx(handle, progress=progress)
        handle.seek(0)
        job_save_result(job, exporter.filename(fmt), handle.read())
    job.total = job.done = count
    job.summary = {"rows": count}
    job.message = _("已导出 %(n)d 行。") % {"n": count}
    return True


def job_get(*, user: AbstractBaseUser | AnonymousUser, pk: int | str) -> Job:

    return get_object_or_404(Job.objects.restrict(user).select_related("unit"), pk=pk)


def job_list(*, user: AbstractBaseUser | AnonymousUser, awaiting: bool = False) -> QuerySet[Job]:
    """The user's jobs; `awaiting`: only import previews done and not yet confirmed (the
    landing page's 待办 counts these)."""
    jobs = Job.objects.restrict(user).select_related("unit")
    if awaiting:
        jobs = jobs.filter(params__dry_run=True, state=JobState.DONE).exclude(
            summary__has_key="confirmed_job"
        )
    return jobs


def jobs_todo(user: AbstractBaseUser | AnonymousUser) -> Iterator[TodoItem]:
    yield TodoItem(
        _("待确认的导入"),
        job_list(user=user, awaiting=True).count(),
        reverse("core:job_list") + "?awaiting=1",
        16,
    )
