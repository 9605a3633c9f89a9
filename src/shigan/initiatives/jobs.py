"""Background job kinds: importing and exporting key tasks, milestones, projects and the
livelihood list (large sheets run here rather than in the request)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shigan.campaigns.models import Campaign
from shigan.core.jobs import (
    import_options,
    job_record_import,
    job_write_export,
    register_job_kind,
)
from shigan.initiatives.exports import (
    IndicatorReportExporter,
    KeyTaskExporter,
    LivelihoodExporter,
    MilestoneExporter,
    ProjectExporter,
)
from shigan.initiatives.imports import (
    IndicatorReportImporter,
    KeyTaskImporter,
    LivelihoodImporter,
    MilestoneImporter,
    ProjectImporter,
)

__all__ = ["IMPORTERS", "EXPORTERS", "SHEET_LABELS"]

IMPORTERS = {
    "key_tasks": KeyTaskImporter,
    "milestones": MilestoneImporter,
    "projects": ProjectImporter,
    "livelihood": LivelihoodImporter,
    "indicator_reports": IndicatorReportImporter,
}
EXPORTERS = {
    "key_tasks": KeyTaskExporter,
    "milestones": MilestoneExporter,
    "projects": ProjectExporter,
    "livelihood": LivelihoodExporter,
    "indicator_reports": IndicatorReportExporter,
}
SHEET_LABELS = {
    "key_tasks": gettext_lazy("重点任务"),
    "milestones": gettext_lazy("时间节点"),
    "projects": gettext_lazy("项目资金"),
    "livelihood": gettext_lazy("民生项目清单"),
    "indicator_reports": gettext_lazy("指标数值"),
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
        exporter = EXPORTERS[sheet](
            user=job.created_by,
            unit=job.unit,
            campaign=campaign,
            amount_unit=job.params.get("amount_unit", "yuan"),
        )
        return job_write_export(job, exporter, progress)

    return handler


for _sheet, _label in SHEET_LABELS.items():
    register_job_kind(
        f"initiatives.{_sheet}.import", gettext_lazy("导入") + _label, _import(_sheet)
    )
    register_job_kind(
        f"initiatives.{_sheet}.export", gettext_lazy("导出") + _label, _export(_sheet)
    )
