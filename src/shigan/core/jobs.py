"""Background jobs: kinds registered by apps (in their `jobs.py`), created by a service, run
by the Celery task `run_job` — on a worker when a broker is configured, in-process otherwise.

A job's handler does its writes in one transaction: a failure leaves nothing half-written, and
the job records why in Chinese. Progress is written outside that transaction (the reading and
checking phase, which is most of the time), so other connections see it move.
"""

import datetime
import io
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from shigan.audit.services import audit_record
from shigan.core.choices import JobState
from shigan.core.errors import DomainError
from shigan.core.models import Job

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
    "job_get",
    "job_list",
    "jobs_todo",
]

logger = logging.getLogger(__name__)

Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class JobKind:
    code: str
    label: object
    handler: Callable[[Job, Progress], bool]  # True: done; False: refused (message on the job)


_KINDS: dict[str, JobKind] = {}
_discovered = False


def register_job_kind(code: str, label, handler: Callable[[Job, Progress], bool]) -> None:
    _KINDS[code] = JobKind(code, label, handler)


def _kinds() -> dict[str, JobKind]:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("jobs")
    return _KINDS


def kind_label(code: str) -> str:
    kind = _kinds().get(code)
    return str(kind.label) if kind else code


@transaction.atomic
def job_create(
    *,
    actor,
    kind: str,
    params: dict | None = None,
    unit=None,
    upload=None,
    upload_name: str = "",
) -> Job:
    """Record a job (and its uploaded file); `job_enqueue` then sends it."""
    if kind not in _kinds():
        raise DomainError(_("未知的任务类型。"), code="unknown_job_kind")
    job = Job(
        kind=kind,
        params=params or {},
        unit=unit,
        created_by=actor if getattr(actor, "pk", None) else None,
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


def import_options(job: Job) -> dict:
    """The import's options as the upload form set them, for the app's importer: the mode, a
    preview (dry run) or the real thing, and the date the sheet is as of."""
    from shigan.core.spreadsheets.importers import ImportMode

    as_of = job.params.get("as_of")
    return {
        "mode": job.params.get("mode", ImportMode.ALL_OR_NOTHING),
        "dry_run": bool(job.params.get("dry_run")),
        "as_of": datetime.date.fromisoformat(as_of) if as_of else None,
    }


@transaction.atomic
def job_confirm(*, actor, job: Job) -> Job:
    """Import for real the sheet a preview job checked: a new job with the same file, unit and
    options. Only the preview's owner may, once, and only when the preview was done."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.created_by_id != getattr(actor, "pk", None):
        raise DomainError(_("只能确认自己上传的导入。"), code="not_owner")
    if not job.params.get("dry_run") or job.state != JobState.DONE:
        raise DomainError(_("该任务不是已完成的导入预检，不能确认导入。"), code="not_a_preview")
    if job.summary.get("confirmed_job"):
        raise DomainError(_("该预检已确认导入，请勿重复提交。"), code="already_confirmed")
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
    from pathlib import Path

    return Path(name).suffix.lower()[:10]


def job_enqueue(job: Job) -> None:
    """Send the job to the task queue; without a broker it runs now, in this process."""
    from shigan.core.tasks import run_job

    if settings.CELERY_TASK_ALWAYS_EAGER:
        run_job.delay(job.pk)
    else:  # a worker must see the committed row
        transaction.on_commit(lambda: run_job.delay(job.pk))


def _progress(job: Job) -> Progress:
    def report(done: int, total: int | None) -> None:
        job.done, job.total = done, total if total is not None else job.total
        Job.objects.filter(pk=job.pk).update(done=job.done, total=job.total)

    return report


def job_run(*, job_id: int, progress: Progress | None = None) -> Job:
    """Run a queued job to its end. Called by the task, or directly by the CLI."""
    job = Job.objects.select_related("unit", "created_by").get(pk=job_id)
    if job.state != JobState.QUEUED:
        return job
    job.state, job.started_at = JobState.RUNNING, timezone.now()
    job.save(update_fields=["state", "started_at"])
    report = _progress(job)

    def both(done: int, total: int | None) -> None:
        report(done, total)
        if progress:
            progress(done, total)

    try:
        ok = _kinds()[job.kind].handler(job, both)
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
    return job


def job_save_result(job: Job, name: str, data: bytes) -> None:
    job.result_name = name[:255]
    job.result_file.save(f"result{_suffix(name)}", ContentFile(data), save=False)


def job_record_import(job: Job, result) -> bool:
    """Write a sheet import's outcome on its job (counts, summary, message, the error report
    as a result file); whether the job succeeded."""
    from shigan.core.spreadsheets.importers import error_report

    job.total = job.done = result.total
    job.summary = result.summary()
    job.message = result.message
    if result.errors:
        stem = Path(job.input_name).stem or "import"
        job_save_result(job, f"{stem}-错误报告.xlsx", error_report(result))
    return not result.errors or result.committed or result.dry_run


def job_write_export(job: Job, exporter, progress: Progress) -> bool:
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


def job_get(*, user, pk) -> Job:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Job.objects.restrict(user).select_related("unit"), pk=pk)


def job_list(*, user, awaiting: bool = False):
    """The user's jobs; `awaiting`: only import previews done and not yet confirmed (the
    landing page's 待办 counts these)."""
    jobs = Job.objects.restrict(user).select_related("unit")
    if awaiting:
        jobs = jobs.filter(params__dry_run=True, state=JobState.DONE).exclude(
            summary__has_key="confirmed_job"
        )
    return jobs


def jobs_todo(user):
    from django.urls import reverse

    from shigan.core.todo import TodoItem

    yield TodoItem(
        _("待确认的导入"),
        job_list(user=user, awaiting=True).count(),
        reverse("core:job_list") + "?awaiting=1",
        16,
    )
