"""Import and export pages of a unit's research ledgers in one campaign (`?campaign=`)."""

from django.utils.translation import gettext_lazy

from shigan.core.views_exchange import (
    ExportViewBase,
    ImportViewBase,
    TemplateViewBase,
)
from shigan.orgs.views_exchange import UnitCampaignExchangeMixin
from shigan.research.jobs import EXPORTERS, IMPORTERS, SHEET_LABELS
from shigan.research.views import _campaign

__all__ = ["ImportView", "ExportView", "TemplateView"]


class ExchangeMixin(UnitCampaignExchangeMixin):
    sheets = IMPORTERS
    exporters = EXPORTERS
    sheet_labels = SHEET_LABELS
    permission_denied_message = gettext_lazy("您没有在该单位登记调研的权限。")

    def find_campaign(self, unit):
        return _campaign(self.request, unit)


class ImportView(ExchangeMixin, ImportViewBase):
    action = "record"
    template_name = "research/import.html"
    import_kind = "research.{sheet}.import"


class ExportView(ExchangeMixin, ExportViewBase):
    export_kind = "research.{sheet}.export"


class TemplateView(ExchangeMixin, TemplateViewBase):
    action = "record"
