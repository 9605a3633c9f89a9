"""The spreadsheet exchange pages of the apps: upload a sheet to import (run by a background
job), export a list (the file at once when small, else a job) and download a blank template.

An app's views subclass these bases and declare what differs. `get_scope()` finds what the
page is about in the user's sight (404 outside it, 403 without the right) as a dict: the page's
context, and the keyword arguments the exporter (and a sheet's importer) take. A page of
several sheets sets `sheets` (the importers by the URL's `sheet`), `exporters` and
`sheet_labels`; a one-sheet page sets `exporter_class` (and `columns`, `template_filename`).
Job kinds may name the sheet: ``"orgs.{sheet}.import"``.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from shigan.core.downloads import download
from shigan.core.jobs import job_create, job_enqueue
from shigan.core.spreadsheets.exporters import Exporter
from shigan.core.spreadsheets.forms import ImportForm
from shigan.core.spreadsheets.importers import Column, Importer

# What `get_scope` finds: the page's context and the exporter's and importer's keyword arguments.
Scope = dict[str, Any]

if TYPE_CHECKING:  # a stub-only type: django-stubs-ext is not installed in production
    from django_stubs_ext import StrOrPromise

__all__ = [
    "CONTENT_TYPES",
    "attachment",
    "ExchangeViewBase",
    "ImportViewBase",
    "ExportViewBase",
    "TemplateViewBase",
]

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def attachment(data: bytes, filename: str, fmt: str) -> HttpResponse:
    return download(
        data, name=filename, content_type=CONTENT_TYPES.get(fmt, "application/octet-stream")
    )


class ExchangeViewBase(LoginRequiredMixin, View):
    """What the import, export and template pages share: the scope, the sheet, the job."""

    sheets: Mapping[str, Callable[..., Importer]] | None = None  # several: importers by URL name
    exporters: Mapping[str, Callable[..., Exporter]] = {}  # several sheets: exporters by URL name
    sheet_labels: Mapping[str, "StrOrPromise"] = {}  # lazy: translated when shown
    exporter_class: Callable[..., Exporter] | None = None  # one sheet: its exporter class

    def get_scope(self) -> Scope:
        """What the page is about, found in the user's sight (404) and checked (403)."""
        raise NotImplementedError

    def get_sheet(self) -> str | None:
        """The URL's sheet (404 if the app has no such sheet); None on a one-sheet page."""
        if self.sheets is None:
            return None
        sheet: str = self.kwargs["sheet"]
        if sheet not in self.sheets:
            raise Http404
        return sheet

    def get_exporter(self, scope: Scope, sheet: str | None, **kwargs: Any) -> Exporter:
        exporter = self.exporter_class if sheet is None else self.exporters[sheet]
        assert exporter is not None, "a one-sheet page names its exporter_class"
        return exporter(user=self.request.user, **scope, **kwargs)

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return context

    def job_unit(self, scope: Scope) -> Any:  # an orgs Unit (a floor above)
        """The unit the job is filed under."""
        return scope["unit"]

    def job_params(self, scope: Scope) -> dict[str, Any]:
        """What the job needs, besides the unit, to find the scope again."""
        return {}

    def start_job(
        self, kind: str, scope: Scope, sheet: str | None, params: dict[str, Any], **upload: Any
    ) -> HttpResponse:
        job = job_create(
            actor=self.request.user,
            kind=kind.format(sheet=sheet),
            params=params,
            unit=self.job_unit(scope),
            **upload,
        )
        job_enqueue(job)
        return redirect("core:job_detail", job.pk)


class ImportViewBase(ExchangeViewBase):
    """The upload form (GET); a valid upload (POST) becomes an import job, whose page shows the
    outcome and, for a bad sheet, the error report naming row and column."""

    template_name = ""
    import_kind = ""
    columns: Sequence[Column] = ()  # one sheet: its columns, shown on the form
    form_class = ImportForm  # a sheet with options of its own extends the form

    def get_columns(self, scope: Scope, sheet: str | None) -> Sequence[Column]:
        if sheet is None or self.sheets is None:
            return self.columns
        return self.sheets[sheet](actor=self.request.user, **scope).columns

    def render_form(
        self, scope: Scope, sheet: str | None, form: forms.BaseForm, status: int = 200
    ) -> HttpResponse:
        context = {**scope, "form": form, "columns": self.get_columns(scope, sheet)}
        if sheet is not None:
            context.update(sheet=sheet, sheet_label=self.sheet_labels[sheet])
        context = self.get_context_data(**context)
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        scope = self.get_scope()
        return self.render_form(scope, self.get_sheet(), self.form_class())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        scope = self.get_scope()
        sheet = self.get_sheet()
        form = self.form_class(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_form(scope, sheet, form, status=400)
        upload = form.cleaned_data["file"]
        params = {**form.options(), **self.job_params(scope)}
        return self.start_job(
            self.import_kind, scope, sheet, params, upload=upload, upload_name=upload.name
        )


class ExportViewBase(ExchangeViewBase):
    """The list as xlsx or csv (`fmt`): streamed at once when small, else written by an export
    job (`export_kind`; without one, always at once)."""

    export_kind = ""

    def export_params(self) -> dict[str, Any]:
        """What the export job needs besides the format and the scope."""
        return {}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        scope = self.get_scope()
        fmt = self.kwargs["fmt"]
        if fmt not in CONTENT_TYPES:
            raise Http404
        sheet = self.get_sheet()
        exporter = self.get_exporter(scope, sheet)
        count = exporter.count()
        if self.export_kind and count is not None and count > settings.SHIGAN_EXPORT_JOB_THRESHOLD:
            params = {"format": fmt, **self.job_params(scope), **self.export_params()}
            return self.start_job(self.export_kind, scope, sheet, params)
        data = exporter.xlsx_bytes() if fmt == "xlsx" else exporter.csv_bytes()
        return attachment(data, exporter.filename(fmt), fmt)


class TemplateViewBase(ExchangeViewBase):
    """A blank sheet with the columns and drop-down lists, for filling in."""

    template_filename: "StrOrPromise" = ""  # one sheet; several: "<sheet label>导入模板.xlsx"

    def get_template_filename(self, sheet: str | None) -> str:
        if sheet is None:
            return str(self.template_filename)
        return _("%(sheet)s导入模板.xlsx") % {"sheet": self.sheet_labels[sheet]}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        scope = self.get_scope()
        sheet = self.get_sheet()
        exporter = self.get_exporter(scope, sheet)
        return attachment(exporter.template_bytes(), self.get_template_filename(sheet), "xlsx")
