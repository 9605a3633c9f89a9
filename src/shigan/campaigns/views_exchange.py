"""Spreadsheet pages of campaigns: participation import, export and template; aspects export."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from shigan.campaigns import selectors
from shigan.campaigns.exports import AspectExporter, ParticipationExporter
from shigan.campaigns.imports import PARTICIPATION_COLUMNS
from shigan.campaigns.views import CampaignMixin
from shigan.core.jobs import job_create, job_enqueue
from shigan.core.spreadsheets.forms import ImportForm
from shigan.orgs.views_exchange import CONTENT_TYPES, attachment

__all__ = [
    "ParticipationImportView",
    "ParticipationExportView",
    "ParticipationTemplateView",
    "AspectExportView",
]


class ParticipationImportView(CampaignMixin, View):
    """Upload a sheet of units to enrol in a batch (the campaign office)."""

    office = True

    def _render(self, request, campaign, batch, form, status=200):
        context = {
            "campaign": campaign,
            "batch": batch,
            "form": form,
            "columns": PARTICIPATION_COLUMNS,
        }
        return render(request, "campaigns/participation_import.html", context, status=status)

    def get(self, request, pk, batch_pk):
        campaign = self.get_campaign()
        batch = selectors.batch_get(campaign=campaign, pk=batch_pk)
        return self._render(request, campaign, batch, ImportForm())

    def post(self, request, pk, batch_pk):
        campaign = self.get_campaign()
        batch = selectors.batch_get(campaign=campaign, pk=batch_pk)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, campaign, batch, form, status=400)
        upload = form.cleaned_data["file"]
        job = job_create(
            actor=request.user,
            kind="campaigns.participations.import",
            params={"mode": form.cleaned_data["mode"], "batch": batch.pk},
            unit=campaign.root_unit,
            upload=upload,
            upload_name=upload.name,
        )
        job_enqueue(job)
        return redirect("core:job_detail", job.pk)


class ParticipationExportView(CampaignMixin, View):
    def get(self, request, pk, batch_pk, fmt):
        campaign = self.get_campaign()
        batch = selectors.batch_get(campaign=campaign, pk=batch_pk)
        if fmt not in CONTENT_TYPES:
            raise Http404
        exporter = ParticipationExporter(user=request.user, batch=batch)
        if exporter.count() > settings.SHIGAN_EXPORT_JOB_THRESHOLD:
            job = job_create(
                actor=request.user,
                kind="campaigns.participations.export",
                params={"format": fmt, "batch": batch.pk},
                unit=campaign.root_unit,
            )
            job_enqueue(job)
            return redirect("core:job_detail", job.pk)
        data = exporter.xlsx_bytes() if fmt == "xlsx" else exporter.csv_bytes()
        return attachment(data, exporter.filename(fmt), fmt)


class ParticipationTemplateView(CampaignMixin, View):
    office = True

    def get(self, request, pk, batch_pk):
        campaign = self.get_campaign()
        batch = selectors.batch_get(campaign=campaign, pk=batch_pk)
        exporter = ParticipationExporter(user=request.user, batch=batch)
        return attachment(exporter.template_bytes(), _("参学单位导入模板.xlsx"), "xlsx")


class AspectExportView(CampaignMixin, View):
    def get(self, request, pk, fmt):
        campaign = self.get_campaign()
        if fmt not in CONTENT_TYPES:
            raise Http404
        exporter = AspectExporter(user=request.user, campaign=campaign)
        data = exporter.xlsx_bytes() if fmt == "xlsx" else exporter.csv_bytes()
        return attachment(data, exporter.filename(fmt), fmt)
