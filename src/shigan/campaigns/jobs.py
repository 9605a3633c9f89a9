"""Background job kinds of campaigns: importing and exporting a batch's participating units."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shigan.campaigns.exports import ParticipationExporter
from shigan.campaigns.imports import ParticipationImporter
from shigan.campaigns.models import Batch
from shigan.core.jobs import (
    import_options,
    job_record_import,
    job_write_export,
    register_job_kind,
)

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
        **import_options(job),
        progress=progress,
    )
    with job.input_file.open("rb") as handle:
        data = handle.read()
    result = importer.run(data, job.input_name)
    return job_record_import(job, result)


def _export(job, progress) -> bool:
    batch = _batch(job)
    if batch is None:
        job.message = _("要导出的批次已不存在。")
        return False
    exporter = ParticipationExporter(user=job.created_by, batch=batch)
    return job_write_export(job, exporter, progress)


register_job_kind("campaigns.participations.import", gettext_lazy("导入参学单位"), _import)
register_job_kind("campaigns.participations.export", gettext_lazy("导出参学单位"), _export)
