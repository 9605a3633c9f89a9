"""Background job kinds of research: importing and exporting topics, trips and results."""

from django.utils.translation import gettext_lazy

from shigan.campaigns.jobs import register_campaign_sheets
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


register_campaign_sheets("research", importers=IMPORTERS, exporters=EXPORTERS, labels=SHEET_LABELS)
