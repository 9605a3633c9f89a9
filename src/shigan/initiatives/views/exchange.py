"""Import and export pages of a unit's delivery ledgers in one campaign (`?campaign=`). Project
exports take `?amount_unit=wan` for fund columns in 万元 (exact, six places)."""

from django.utils.translation import gettext_lazy

from shigan.core.views_exchange import (
    ExportViewBase,
    ImportViewBase,
    TemplateViewBase,
)
from shigan.initiatives.jobs import EXPORTERS, IMPORTERS, SHEET_LABELS
from shigan.initiatives.views.common import campaign_of
from shigan.orgs.views_exchange import UnitCampaignExchangeMixin

__all__ = ["ImportView", "ExportView", "TemplateView"]

BACK = {
    "key_tasks": "initiatives:board",
    "milestones": "initiatives:board",
    "projects": "initiatives:projects",
    "livelihood": "initiatives:livelihood",
    "indicator_reports": "initiatives:projects",
}


class ExchangeMixin(UnitCampaignExchangeMixin):
    sheets = IMPORTERS
    exporters = EXPORTERS
    sheet_labels = SHEET_LABELS
    permission_denied_message = gettext_lazy("您没有在该单位登记的权限。")

    def amount_unit(self) -> str:
        return "wan" if self.request.GET.get("amount_unit") == "wan" else "yuan"

    def find_campaign(self, unit):
        return campaign_of(self.request, unit)

    def get_exporter(self, scope, sheet):
        return super().get_exporter(scope, sheet, amount_unit=self.amount_unit())


class ImportView(ExchangeMixin, ImportViewBase):
    action = "record"
    template_name = "initiatives/import.html"
    import_kind = "initiatives.{sheet}.import"

    def get_context_data(self, **context) -> dict:
        return super().get_context_data(**context, back=BACK[context["sheet"]])


class ExportView(ExchangeMixin, ExportViewBase):
    export_kind = "initiatives.{sheet}.export"

    def export_params(self) -> dict:
        return {"amount_unit": self.amount_unit()}


class TemplateView(ExchangeMixin, TemplateViewBase):
    action = "record"
