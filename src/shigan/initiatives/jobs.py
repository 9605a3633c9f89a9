"""Background job kinds: importing and exporting key tasks, milestones, projects and the
livelihood list (large sheets run here rather than in the request)."""

from django.utils.translation import gettext_lazy

from shigan.campaigns.jobs import register_campaign_sheets
from shigan.initiatives.exports import (
    IndicatorReportExporter,
    KeyTaskExporter,
    LivelihoodExporter,
    MilestoneExporter,
    ProjectExporter,
)
from shigan.initiatives.imports.indicators import IndicatorReportImporter
from shigan.initiatives.imports.key_tasks import KeyTaskImporter, MilestoneImporter
from shigan.initiatives.imports.livelihood import LivelihoodImporter
from shigan.initiatives.imports.projects import ProjectImporter

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


def _export_options(job) -> dict:
    return {"amount_unit": job.params.get("amount_unit", "yuan")}


register_campaign_sheets(
    "initiatives",
    importers=IMPORTERS,
    exporters=EXPORTERS,
    labels=SHEET_LABELS,
    export_options=_export_options,
)
