"""Import and export of a unit's problem ledger (问题整改台账)."""

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from shigan.core.jobs import job_create, job_enqueue
from shigan.core.spreadsheets.forms import ImportForm
from shigan.orgs.selectors import unit_breadcrumbs, unit_get
from shigan.orgs.services import user_can
from shigan.orgs.views_exchange import CONTENT_TYPES, attachment
from shigan.problems import selectors
from shigan.problems.exports import LedgerExporter
from shigan.problems.forms import ledger_filters
from shigan.problems.imports import LEDGER_COLUMNS
from shigan.problems.jobs import EXPORT_KIND, IMPORT_KIND

__all__ = ["ImportView", "ExportView", "TemplateView"]


def _recordable_unit(request, pk):
    unit = unit_get(user=request.user, pk=pk)
    if not user_can(request.user, "record", unit):
        raise PermissionDenied(_("您没有在该单位登记问题的权限。"))
    return unit


class ImportView(LoginRequiredMixin, View):
    """Upload a ledger sheet; it is imported by a background job (the job page shows the
    outcome and, for a bad sheet, the error report naming row and column)."""

    def _campaign(self, request, unit):
        campaign = selectors.default_campaign(unit=unit, pk=request.GET.get("campaign"))
        if request.GET.get("campaign") and campaign is None:
            raise Http404
        return campaign

    def _render(self, request, unit, campaign, form, status=200):
        context = {
            "unit": unit,
            "campaign": campaign,
            "form": form,
            "columns": LEDGER_COLUMNS,
            "breadcrumbs": unit_breadcrumbs(user=request.user, unit=unit),
        }
        return render(request, "problems/import.html", context, status=status)

    def get(self, request, pk):
        unit = _recordable_unit(request, pk)
        return self._render(request, unit, self._campaign(request, unit), ImportForm())

    def post(self, request, pk):
        unit = _recordable_unit(request, pk)
        campaign = self._campaign(request, unit)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, unit, campaign, form, status=400)
        upload = form.cleaned_data["file"]
        job = job_create(
            actor=request.user,
            kind=IMPORT_KIND,
            params={
                "mode": form.cleaned_data["mode"],
                "campaign": campaign.pk if campaign else None,
            },
            unit=unit,
            upload=upload,
            upload_name=upload.name,
        )
        job_enqueue(job)
        return redirect("core:job_detail", job.pk)


class ExportView(LoginRequiredMixin, View):
    """The ledger as filtered on its page, in the office column layout."""

    def get(self, request, pk, fmt):
        unit = unit_get(user=request.user, pk=pk)
        if fmt not in CONTENT_TYPES:
            raise Http404
        filters = ledger_filters(user=request.user, unit=unit, data=request.GET)
        exporter = LedgerExporter(user=request.user, unit=unit, criteria=filters.criteria())
        if exporter.count() > settings.SHIGAN_EXPORT_JOB_THRESHOLD:
            query = {k: v for k, v in request.GET.items() if k != "page"}
            job = job_create(
                actor=request.user,
                kind=EXPORT_KIND,
                params={"format": fmt, "filters": query},
                unit=unit,
            )
            job_enqueue(job)
            return redirect("core:job_detail", job.pk)
        data = exporter.xlsx_bytes() if fmt == "xlsx" else exporter.csv_bytes()
        return attachment(data, exporter.filename(fmt), fmt)


class TemplateView(LoginRequiredMixin, View):
    def get(self, request, pk):
        unit = _recordable_unit(request, pk)
        exporter = LedgerExporter(user=request.user, unit=unit)
        return attachment(exporter.template_bytes(), _("问题整改台账导入模板.xlsx"), "xlsx")
