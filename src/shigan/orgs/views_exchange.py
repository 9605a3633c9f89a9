"""Import and export pages of a unit: parse the request, create a job or stream a file."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from shigan.core.jobs import job_create, job_enqueue
from shigan.core.spreadsheets.forms import ImportForm
from shigan.orgs.jobs import EXPORTERS, IMPORTERS
from shigan.orgs.views import UnitActionMixin

__all__ = ["UnitImportView", "UnitExportView", "UnitTemplateView", "attachment"]

SHEET_LABELS = {"units": gettext_lazy("单位"), "memberships": gettext_lazy("角色授权")}
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def attachment(data: bytes, filename: str, fmt: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(data, content_type=CONTENT_TYPES.get(fmt, "application/octet-stream"))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _sheet(name: str) -> str:
    if name not in IMPORTERS:
        raise Http404
    return name


class UnitImportView(UnitActionMixin, View):
    """Upload a sheet of units or memberships under this unit (those who may change it)."""

    action = "change"

    def _render(self, request, unit, sheet, form, status=200):
        context = self.unit_context(
            unit,
            form=form,
            sheet=sheet,
            sheet_label=SHEET_LABELS[sheet],
            columns=IMPORTERS[sheet].columns,
        )
        return render(request, "orgs/exchange/import.html", context, status=status)

    def get(self, request, pk, sheet):
        unit = self.get_unit()
        return self._render(request, unit, _sheet(sheet), ImportForm())

    def post(self, request, pk, sheet):
        unit = self.get_unit()
        sheet = _sheet(sheet)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, unit, sheet, form, status=400)
        upload = form.cleaned_data["file"]
        job = job_create(
            actor=request.user,
            kind=f"orgs.{sheet}.import",
            params={"mode": form.cleaned_data["mode"]},
            unit=unit,
            upload=upload,
            upload_name=upload.name,
        )
        job_enqueue(job)
        return redirect("core:job_detail", job.pk)


class UnitExportView(UnitActionMixin, View):
    """A subtree's units or memberships as xlsx or csv: at once when small, else as a job."""

    def get(self, request, pk, sheet, fmt):
        unit = self.get_unit()
        if fmt not in CONTENT_TYPES:
            raise Http404
        exporter = EXPORTERS[_sheet(sheet)](user=request.user, unit=unit)
        if exporter.count() > settings.SHIGAN_EXPORT_JOB_THRESHOLD:
            job = job_create(
                actor=request.user,
                kind=f"orgs.{sheet}.export",
                params={"format": fmt},
                unit=unit,
            )
            job_enqueue(job)
            return redirect("core:job_detail", job.pk)
        data = exporter.xlsx_bytes() if fmt == "xlsx" else exporter.csv_bytes()
        return attachment(data, exporter.filename(fmt), fmt)


class UnitTemplateView(UnitActionMixin, View):
    """A blank sheet with the columns and drop-down lists, for filling in."""

    action = "change"

    def get(self, request, pk, sheet):
        unit = self.get_unit()
        exporter = EXPORTERS[_sheet(sheet)](user=request.user, unit=unit)
        name = _("%(sheet)s导入模板.xlsx") % {"sheet": SHEET_LABELS[sheet]}
        return attachment(exporter.template_bytes(), name, "xlsx")
