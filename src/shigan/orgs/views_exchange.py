"""Import and export pages about a unit (see `core.views_exchange`): the mixins the apps' pages
start from (the unit `pk` in the user's sight), and the unit's own units and memberships."""

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.utils.translation import gettext_lazy

from shigan.core.spreadsheets.exporters import Exporter
from shigan.core.spreadsheets.importers import Column, Importer
from shigan.core.views_exchange import (
    CONTENT_TYPES,
    ExchangeViewBase,
    ExportViewBase,
    ImportViewBase,
    TemplateViewBase,
    attachment,
)
from shigan.orgs.jobs import EXPORTERS, IMPORTERS
from shigan.orgs.models import Unit
from shigan.orgs.permissions import user_can
from shigan.orgs.selectors import unit_breadcrumbs, unit_get
from shigan.orgs.views import UnitActionMixin

if TYPE_CHECKING:  # a stub-only type: django-stubs-ext is not installed in production
    from django_stubs_ext import StrOrPromise

# CONTENT_TYPES and attachment are kept here for the modules that import them from orgs.
__all__ = [
    "UnitExchangeMixin",
    "UnitCampaignExchangeMixin",
    "UnitImportView",
    "UnitExportView",
    "UnitTemplateView",
    "CONTENT_TYPES",
    "attachment",
]


class UnitExchangeMixin(ExchangeViewBase):
    """Pages about the unit `pk`: looked up in the user's sight (404), then `action` (other than
    "view") checked on it (403, `permission_denied_message`); import pages show breadcrumbs."""

    action = "view"

    def get_unit(self) -> Unit:
        unit = unit_get(user=self.request.user, pk=self.kwargs["pk"])
        if self.action != "view" and not user_can(self.request.user, self.action, unit):
            raise PermissionDenied(str(self.get_permission_denied_message()))
        return unit

    def get_scope(self) -> dict[str, Any]:
        return {"unit": self.get_unit()}

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        breadcrumbs = unit_breadcrumbs(user=self.request.user, unit=context["unit"])
        return super().get_context_data(**context, breadcrumbs=breadcrumbs)


class UnitCampaignExchangeMixin(UnitExchangeMixin):
    """Pages about the unit `pk` in one campaign, which `find_campaign` picks (`?campaign=`)."""

    def find_campaign(self, unit: Unit) -> Model:
        """The campaign of the page; raises Http404 when there is none."""
        raise NotImplementedError

    def get_scope(self) -> dict[str, Any]:
        unit = self.get_unit()
        return {"unit": unit, "campaign": self.find_campaign(unit)}

    def job_params(self, scope: dict[str, Any]) -> dict[str, Any]:
        return {"campaign": scope["campaign"].pk}


SHEET_LABELS = {
    "units": gettext_lazy("单位"),
    "memberships": gettext_lazy("角色授权"),
    "people": gettext_lazy("人员名册"),
}
# The roster is kept by those who record the unit's work; the tree and roles need "change".
SHEET_ACTIONS = {"people": "record"}


class UnitSheetsMixin(UnitActionMixin):
    # Typed as ExchangeViewBase declares them (they are class attributes of both bases).
    sheets: Mapping[str, Callable[..., Importer]] | None = IMPORTERS
    exporters: Mapping[str, Callable[..., Exporter]] = EXPORTERS
    sheet_labels: Mapping[str, "StrOrPromise"] = SHEET_LABELS

    def get_unit(self) -> Unit:
        if self.action != "view":
            self.action = SHEET_ACTIONS.get(self.kwargs.get("sheet", ""), self.action)
        return super().get_unit()

    def get_scope(self) -> dict[str, Any]:
        return {"unit": self.get_unit()}


class UnitImportView(UnitSheetsMixin, ImportViewBase):
    """Upload a sheet of units, memberships or people under this unit (those who may change
    it; the roster: those who record)."""

    action = "change"
    template_name = "orgs/exchange/import.html"
    import_kind = "orgs.{sheet}.import"

    def get_columns(self, scope: dict[str, Any], sheet: str | None) -> Sequence[Column]:
        assert sheet is not None  # a page of several sheets: the URL names one
        return IMPORTERS[sheet].columns  # the class's: an importer reads the subtree

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return self.unit_context(**context)


class UnitExportView(UnitSheetsMixin, ExportViewBase):
    """A subtree's units or memberships as xlsx or csv: at once when small, else as a job."""

    export_kind = "orgs.{sheet}.export"


class UnitTemplateView(UnitSheetsMixin, TemplateViewBase):
    """A blank sheet with the columns and drop-down lists, for filling in."""

    action = "change"
