"""Background job kinds of research: importing and exporting topics, trips and results."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shigan.campaigns.models import Campaign
from shigan.core.jobs import (
    import_options,
    job_record_import,
    job_write_export,
    register_job_kind,
)
from shigan.research.exports import ResultExporter, TopicExporter, TripExporter
from shigan.research.imports import ResultImporter, TopicImporter, TripImporter

__all__ = ["IMPORTERS", "EXPORTERS", "SHEET_LABELS"]

IMPORTERS = {"topics": TopicImporter, "trips": TripImporter, "results": ResultImporter}
EXPORTERS = {"topics": TopicExporter, "trips": TripExporter, "results": ResultExporter}
SHEET_LABELS = {
    "topics": gettext_lazy("调研课题"),
    "trips": gettext_lazy("调研记录"),
    "results": gettext_lazy("调研成果"),
}


def _campaign(job):
    return (
        Campaign.objects.select_related("root_unit").filter(pk=job.params.get("campaign")).first()
    )


def _import(sheet: str):
    def handler(job, progress) -> bool:
        campaign = _campaign(job)
        if job.unit is None or campaign is None:
            job.message = _("导入所在的单位或主题教育已不存在。")
            return False
        importer = IMPORTERS[sheet](
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


def _export(sheet: str):
    def handler(job, progress) -> bool:
        campaign = _campaign(job)
        if job.unit is None or campaign is None:
            job.message = _("要导出的单位或主题教育已不存在。")
            return False
        exporter = EXPORTERS[sheet](user=job.created_by, unit=job.unit, campaign=campaign)
        return job_write_export(job, exporter, progress)

    return handler


for _sheet, _label in SHEET_LABELS.items():
    register_job_kind(f"research.{_sheet}.import", gettext_lazy("导入") + _label, _import(_sheet))
    register_job_kind(f"research.{_sheet}.export", gettext_lazy("导出") + _label, _export(_sheet))
