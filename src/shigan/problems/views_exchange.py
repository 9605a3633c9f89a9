"""Import and export of a unit's problem ledger (问题整改台账)."""

from django.http import Http404
from django.utils.translation import gettext_lazy

from shigan.core.views_exchange import (
    ExportViewBase,
    ImportViewBase,
    TemplateViewBase,
)
from shigan.orgs.views_exchange import UnitExchangeMixin
from shigan.problems import selectors
from shigan.problems.exports import LedgerExporter
from shigan.problems.forms import LedgerImportForm, ledger_filters
from shigan.problems.imports import LEDGER_COLUMNS
from shigan.problems.jobs import EXPORT_KIND, IMPORT_KIND

__all__ = ["ImportView", "ExportView", "TemplateView"]


class LedgerExchangeMixin(UnitExchangeMixin):
    exporter_class = LedgerExporter
    permission_denied_message = gettext_lazy("您没有在该单位登记问题的权限。")


class ImportView(LedgerExchangeMixin, ImportViewBase):
    """Upload a ledger sheet; it is imported by a background job (the job page shows the
    outcome and, for a bad sheet, the error report naming row and column)."""

    action = "record"
    template_name = "problems/import.html"
    import_kind = IMPORT_KIND
    columns = LEDGER_COLUMNS
    form_class = LedgerImportForm

    def get_scope(self) -> dict:
        unit = self.get_unit()
        pk = self.request.GET.get("campaign")
        campaign = selectors.default_campaign(unit=unit, pk=pk)
        if pk and campaign is None:
            raise Http404
        return {"unit": unit, "campaign": campaign}

    def job_params(self, scope) -> dict:
        return {"campaign": scope["campaign"].pk if scope["campaign"] else None}


class ExportView(LedgerExchangeMixin, ExportViewBase):
    """The ledger as filtered on its page, in the office column layout."""

    export_kind = EXPORT_KIND

    def get_exporter(self, scope, sheet):
        filters = ledger_filters(user=self.request.user, unit=scope["unit"], data=self.request.GET)
        return super().get_exporter(scope, sheet, criteria=filters.criteria())

    def export_params(self) -> dict:
        return {"filters": {k: v for k, v in self.request.GET.items() if k != "page"}}


class TemplateView(LedgerExchangeMixin, TemplateViewBase):
    action = "record"
    template_filename = gettext_lazy("问题整改台账导入模板.xlsx")
