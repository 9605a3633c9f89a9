"""Background job kinds of campaigns: importing and exporting a batch's participating units."""

import tempfile
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shigan.campaigns.exports import ParticipationExporter
from shigan.campaigns.imports import ParticipationImporter
from shigan.campaigns.models import Batch
from shigan.core.jobs import job_save_result, register_job_kind
from shigan.core.spreadsheets.importers import ImportMode, error_report

__all__ = []


def _batch(job) -> Batch | None:
    return (
        Batch.objects.select_related("campaign__root_unit")
        .filter(pk=job.params.get("batch"))
        .first()
    )


def _import(job, progress) -> bool:
    batch = _batch(job)
    if batch is None:
        job.message = _("要导入的批次已不存在。")
        return False
    importer = ParticipationImporter(
        actor=job.created_by,
        batch=batch,
        mode=job.params.get("mode", ImportMode.ALL_OR_NOTHING),
        progress=progress,
    )
    with job.input_file.open("rb") as handle:
        data = handle.read()
    result = importer.run(data, job.input_name)
    job.total = job.done = result.total
    job.summary = result.summary()
    job.message = result.message
    if result.errors:
        stem = Path(job.input_name).stem or "import"
        job_save_result(job, f"{stem}-错误报告.xlsx", error_report(result))
    return not result.errors or result.committed


def _export(job, progress) -> bool:
    batch = _batch(job)
    if batch is None:
        job.message = _("要导出的批次已不存在。")
        return False
    exporter = ParticipationExporter(user=job.created_by, batch=batch)
    fmt = job.params.get("format", "xlsx")
    with tempfile.TemporaryFile() as handle:
        if fmt == "csv":
            import io

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


register_job_kind("campaigns.participations.import", gettext_lazy("导入参学单位"), _import)
register_job_kind("campaigns.participations.export", gettext_lazy("导出参学单位"), _export)
