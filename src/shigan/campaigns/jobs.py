"""Background job kinds of campaigns: importing and exporting a batch's participating units;
and the one runner of the pillars' sheets that import and export per unit and campaign
(`register_campaign_sheets`)."""

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shigan.campaigns.exports import ParticipationExporter
from shigan.campaigns.imports import ParticipationImporter
from shigan.campaigns.models import Batch, Campaign
from shigan.core.jobs import (
    import_options,
    job_record_import,
    job_write_export,
    register_job_kind,
)

__all__ = ["register_campaign_sheets"]


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


def _campaign(job) -> Campaign | None:
    return (
        Campaign.objects.select_related("root_unit").filter(pk=job.params.get("campaign")).first()
    )


def _sheet_import(importer_class):
    def handler(job, progress) -> bool:
        campaign = _campaign(job)
        if job.unit is None or campaign is None:
            job.message = _("导入所在的单位或主题教育已不存在。")
            return False
        importer = importer_class(
            actor=job.created_by,
            unit=job.unit,
            campaign=campaign,
            **import_options(job),
            progress=progress,
        )
        with job.input_file.open("rb") as handle:
            data = handle.read()
        result = importer.run(data, job.input_name)
        return job_record_import(job, result)

    return handler


def _sheet_export(exporter_class, export_options: Callable[..., dict]):
    def handler(job, progress) -> bool:
        campaign = _campaign(job)
        if job.unit is None or campaign is None:
            job.message = _("要导出的单位或主题教育已不存在。")
            return False
        exporter = exporter_class(
            user=job.created_by, unit=job.unit, campaign=campaign, **export_options(job)
        )
        return job_write_export(job, exporter, progress)

    return handler


def register_campaign_sheets(
    app: str, *, importers, exporters, labels, export_options=lambda job: {}
) -> None:
    """The job kinds `<app>.<sheet>.import` and `<app>.<sheet>.export` of each sheet in
    `labels`, run on the job's unit and campaign; `export_options(job)` gives an exporter's
    further keyword arguments."""
    for sheet, label in labels.items():
        register_job_kind(
            f"{app}.{sheet}.import", gettext_lazy("导入") + label, _sheet_import(importers[sheet])
        )
        register_job_kind(
            f"{app}.{sheet}.export",
            gettext_lazy("导出") + label,
            _sheet_export(exporters[sheet], export_options),
        )
