"""Import and export pages of a unit's delivery ledgers in one campaign (`?campaign=`). Project
exports take `?amount_unit=wan` for fund columns in 万元 (exact, six places)."""

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from shigan.core.jobs import job_create, job_enqueue
from shigan.core.spreadsheets.forms import ImportForm
from shigan.initiatives.jobs import EXPORTERS, IMPORTERS, SHEET_LABELS
from shigan.initiatives.views import _campaign
from shigan.orgs.selectors import unit_breadcrumbs, unit_get
from shigan.orgs.services import user_can
from shigan.orgs.views_exchange import CONTENT_TYPES, attachment

__all__ = ["ImportView", "ExportView", "TemplateView"]

BACK = {
    "key_tasks": "initiatives:board",
    "milestones": "initiatives:board",
    "projects": "initiatives:projects",
    "livelihood": "initiatives:livelihood",
}


def _sheet(name: str) -> str:
    if name not in IMPORTERS:
        raise Http404
    return name


def _amount_unit(request) -> str:
    return "wan" if request.GET.get("amount_unit") == "wan" else "yuan"


class ExchangeMixin(LoginRequiredMixin):
    action = "view"

    def setup_unit(self, request, pk):
        unit = unit_get(user=request.user, pk=pk)
        if self.action != "view" and not user_can(request.user, self.action, unit):
            raise PermissionDenied(_("您没有在该单位登记的权限。"))
        return unit, _campaign(request, unit)


class ImportView(ExchangeMixin, View):
    action = "record"

    def _render(self, request, unit, campaign, sheet, form, status=200):
        importer = IMPORTERS[sheet](actor=request.user, unit=unit, campaign=campaign)
        context = {
            "unit": unit,
            "campaign": campaign,
            "form": form,
            "sheet": sheet,
            "sheet_label": SHEET_LABELS[sheet],
            "columns": importer.columns,
            "back": BACK[sheet],
            "breadcrumbs": unit_breadcrumbs(user=request.user, unit=unit),
        }
        return render(request, "initiatives/import.html", context, status=status)

    def get(self, request, pk, sheet):
        unit, campaign = self.setup_unit(request, pk)
        return self._render(request, unit, campaign, _sheet(sheet), ImportForm())

    def post(self, request, pk, sheet):
        unit, campaign = self.setup_unit(request, pk)
        sheet = _sheet(sheet)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, unit, campaign, sheet, form, status=400)
        upload = form.cleaned_data["file"]
        job = job_create(
            actor=request.user,
            kind=f"initiatives.{sheet}.import",
            params={"mode": form.cleaned_data["mode"], "campaign": campaign.pk},
            unit=unit,
            upload=upload,
            upload_name=upload.name,
        )
        job_enqueue(job)
        return redirect("core:job_detail", job.pk)


class ExportView(ExchangeMixin, View):
    def get(self, request, pk, sheet, fmt):
        unit, campaign = self.setup_unit(request, pk)
        if fmt not in CONTENT_TYPES:
            raise Http404
        amount_unit = _amount_unit(request)
        exporter = EXPORTERS[_sheet(sheet)](
            user=request.user, unit=unit, campaign=campaign, amount_unit=amount_unit
        )
        if exporter.count() > settings.SHIGAN_EXPORT_JOB_THRESHOLD:
            job = job_create(
                actor=request.user,
                kind=f"initiatives.{sheet}.export",
                params={"format": fmt, "campaign": campaign.pk, "amount_unit": amount_unit},
                unit=unit,
            )
            job_enqueue(job)
            return redirect("core:job_detail", job.pk)
        data = exporter.xlsx_bytes() if fmt == "xlsx" else exporter.csv_bytes()
        return attachment(data, exporter.filename(fmt), fmt)


class TemplateView(ExchangeMixin, View):
    action = "record"

    def get(self, request, pk, sheet):
        unit, campaign = self.setup_unit(request, pk)
        exporter = EXPORTERS[_sheet(sheet)](
            user=request.user, unit=unit, campaign=campaign, amount_unit=_amount_unit(request)
        )
        name = _("%(sheet)s导入模板.xlsx") % {"sheet": SHEET_LABELS[sheet]}
        return attachment(exporter.template_bytes(), name, "xlsx")
