"""Spreadsheet pages of campaigns: participation import, export and template; aspects export."""

from django.utils.translation import gettext_lazy

from shigan.campaigns import selectors
from shigan.campaigns.exports import AspectExporter, ParticipationExporter
from shigan.campaigns.imports import PARTICIPATION_COLUMNS
from shigan.campaigns.views import CampaignMixin
from shigan.core.views_exchange import ExportViewBase, ImportViewBase, TemplateViewBase

__all__ = [
    "ParticipationImportView",
    "ParticipationExportView",
    "ParticipationTemplateView",
    "AspectExportView",
]


class BatchExchangeMixin(CampaignMixin):
    """Pages of a batch's participating units, filed under the campaign's root unit."""

    def get_scope(self) -> dict:
        campaign = self.get_campaign()
        batch = selectors.batch_get(campaign=campaign, pk=self.kwargs["batch_pk"])
        return {"campaign": campaign, "batch": batch}

    def get_exporter(self, scope: dict, sheet: str | None, **kwargs):
        return ParticipationExporter(user=self.request.user, batch=scope["batch"], **kwargs)

    def job_unit(self, scope):
        return scope["campaign"].root_unit

    def job_params(self, scope) -> dict:
        return {"batch": scope["batch"].pk}


class ParticipationImportView(BatchExchangeMixin, ImportViewBase):
    """Upload a sheet of units to enrol in a batch (the campaign office)."""

    office = True
    template_name = "campaigns/participation_import.html"
    import_kind = "campaigns.participations.import"
    columns = PARTICIPATION_COLUMNS


class ParticipationExportView(BatchExchangeMixin, ExportViewBase):
    export_kind = "campaigns.participations.export"


class ParticipationTemplateView(BatchExchangeMixin, TemplateViewBase):
    office = True
    template_filename = gettext_lazy("参学单位导入模板.xlsx")


class AspectExportView(CampaignMixin, ExportViewBase):
    """The campaign's aspects, always at once (no export job)."""

    exporter_class = AspectExporter

    def get_scope(self) -> dict:
        return {"campaign": self.get_campaign()}
