"""Import and export pages of a unit: its units and memberships (see `core.views_exchange`)."""

from django.utils.translation import gettext_lazy

from shigan.core.views_exchange import (
    CONTENT_TYPES,
    ExportViewBase,
    ImportViewBase,
    TemplateViewBase,
    attachment,
)
from shigan.orgs.jobs import EXPORTERS, IMPORTERS
from shigan.orgs.views import UnitActionMixin

# CONTENT_TYPES and attachment are kept here for the modules that import them from orgs.
__all__ = ["UnitImportView", "UnitExportView", "UnitTemplateView", "CONTENT_TYPES", "attachment"]

SHEET_LABELS = {
    "units": gettext_lazy("单位"),
    "memberships": gettext_lazy("角色授权"),
    "people": gettext_lazy("人员名册"),
}
# The roster is kept by those who record the unit's work; the tree and roles need "change".
SHEET_ACTIONS = {"people": "record"}


class UnitSheetsMixin(UnitActionMixin):
    sheets = IMPORTERS
    exporters = EXPORTERS
    sheet_labels = SHEET_LABELS

    def get_unit(self):
        if self.action != "view":
            self.action = SHEET_ACTIONS.get(self.kwargs.get("sheet"), self.action)
        return super().get_unit()

    def get_scope(self) -> dict:
        return {"unit": self.get_unit()}


class UnitImportView(UnitSheetsMixin, ImportViewBase):
    """Upload a sheet of units, memberships or people under this unit (those who may change
    it; the roster: those who record)."""

    action = "change"
    template_name = "orgs/exchange/import.html"
    import_kind = "orgs.{sheet}.import"

    def get_columns(self, scope, sheet):
        return IMPORTERS[sheet].columns  # the class's: an importer reads the subtree

    def get_context_data(self, **context) -> dict:
        return self.unit_context(**context)


class UnitExportView(UnitSheetsMixin, ExportViewBase):
    """A subtree's units or memberships as xlsx or csv: at once when small, else as a job."""

    export_kind = "orgs.{sheet}.export"


class UnitTemplateView(UnitSheetsMixin, TemplateViewBase):
    """A blank sheet with the columns and drop-down lists, for filling in."""

    action = "change"
