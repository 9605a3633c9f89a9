"""Study pages. Each view parses, calls one selector or service, renders."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from shigan.campaigns.models import Batch
from shigan.core.downloads import download
from shigan.core.errors import DomainError
from shigan.core.generic import apply_domain_error
from shigan.core.jobs import job_create, job_enqueue
from shigan.core.pagination import page_of
from shigan.core.uploads import ALLOWED
from shigan.orgs.permissions import user_can
from shigan.orgs.selectors import unit_breadcrumbs
from shigan.orgs.views import UnitActionMixin
from shigan.orgs.views_exchange import attachment as file_response
from shigan.orgs.views_home import ScopeIndexView
from shigan.study import selectors, services
from shigan.study.choices import StudyKind
from shigan.study.exports import StudyActivityExporter
from shigan.study.forms import StudyActivityForm, StudyFilterForm, StudyImportForm
from shigan.study.imports import STUDY_COLUMNS


class StudyUnitMixin(UnitActionMixin):
    """The unit (404 outside the view scope, 403 without `action`) and `?campaign=`."""

    def get_campaign(self, unit):
        pk = self.request.GET.get("campaign") or self.request.POST.get("campaign")
        if not pk:
            return None
        if not str(pk).isdigit():
            raise Http404
        return selectors.campaign_for_unit(pk=int(pk), unit=unit)

    def as_of(self):
        value = self.request.GET.get("as_of")
        if not value:
            return None
        try:
            day = parse_date(value)
        except ValueError:  # well formed but no date (2023-02-30): as malformed
            day = None
        if day is None:
            raise Http404
        return day


def _filters(request, unit) -> tuple[StudyFilterForm, dict]:
    form = StudyFilterForm(request.GET)
    if not form.is_valid():
        return form, {}
    data = form.cleaned_data
    return form, {
        "kind": data.get("kind") or None,
        "held_from": data.get("held_from"),
        "held_to": data.get("held_to"),
        "subtree": data.get("subtree", True) is not False,
    }


class UnitStudyListView(StudyUnitMixin, View):
    def get(self, request, pk):
        unit = self.get_unit()
        campaign = self.get_campaign(unit)
        form, filters = _filters(request, unit)
        activities = selectors.activity_list(
            user=request.user, unit=unit, campaign=campaign, **filters
        ).annotate(leader_count=Count("participations"))
        page = page_of(request, activities)
        context = self.unit_context(
            unit,
            campaign=campaign,
            form=form,
            page=page,
            can_record=user_can(request.user, "record", unit),
            query=request.GET.urlencode(),
        )
        return render(request, "study/activity_list.html", context)


class UnitStudyExportView(StudyUnitMixin, View):
    def get(self, request, pk):
        unit = self.get_unit()
        campaign = self.get_campaign(unit)
        _form, filters = _filters(request, unit)
        exporter = StudyActivityExporter(user=request.user, unit=unit, campaign=campaign, **filters)
        return file_response(exporter.xlsx_bytes(), exporter.filename("xlsx"), "xlsx")


class UnitStudyTemplateView(StudyUnitMixin, View):
    action = "record"

    def get(self, request, pk):
        unit = self.get_unit()
        exporter = StudyActivityExporter(user=request.user, unit=unit)
        return file_response(exporter.template_bytes(), _("学习活动导入模板.xlsx"), "xlsx")


class UnitStudyImportView(StudyUnitMixin, View):
    action = "record"

    def _render(self, request, unit, campaign, form, status=200):
        context = self.unit_context(unit, campaign=campaign, form=form, columns=STUDY_COLUMNS)
        return render(request, "study/import.html", context, status=status)

    def get(self, request, pk):
        unit = self.get_unit()
        return self._render(request, unit, self.get_campaign(unit), StudyImportForm())

    def post(self, request, pk):
        unit = self.get_unit()
        campaign = self.get_campaign(unit)
        form = StudyImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, unit, campaign, form, status=400)
        upload = form.cleaned_data["file"]
        job = job_create(
            actor=request.user,
            kind="study.activities.import",
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


def leader_picker(user, unit, form: StudyActivityForm) -> selectors.LeaderPicker:
    """The leader picker of a session form, with the leaders the form has ticked."""
    return selectors.leader_picker(user=user, unit=unit, ticked_ids=form.ticked_leader_ids())


class ActivityCreateView(StudyUnitMixin, View):
    action = "record"

    def _render(self, request, unit, campaign, form, status=200):
        picker = leader_picker(self.request.user, unit, form)
        context = self.unit_context(
            unit, campaign=campaign, form=form, activity=None, picker=picker
        )
        return render(request, "study/activity_form.html", context, status=status)

    def _people(self, unit):
        return selectors.leader_candidates(user=self.request.user, unit=unit, limit=None)

    def get(self, request, pk):
        unit = self.get_unit()
        form = StudyActivityForm(people=self._people(unit))
        return self._render(request, unit, self.get_campaign(unit), form)

    def post(self, request, pk):
        unit = self.get_unit()
        campaign = self.get_campaign(unit)
        form = StudyActivityForm(request.POST, request.FILES, people=self._people(unit))
        if form.is_valid():
            data = form.cleaned_data
            try:
                activity = services.study_activity_create(
                    actor=request.user,
                    unit=unit,
                    campaign=campaign,
                    kind=data["kind"],
                    title=data["title"],
                    held_on=data["held_on"],
                    ends_on=data.get("ends_on"),
                    participants=data.get("participants"),
                    notes=data.get("notes", ""),
                    leaders=list(data["leaders"]),
                    attachment=data.get("attachment"),
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("已登记学习活动。"))
                return redirect(activity)
        return self._render(request, unit, campaign, form, status=400)


class LeaderPickerView(StudyUnitMixin, View):
    """The htmx partial of the leader picker: ticked people first, then matches of `q`."""

    def get(self, request, pk):
        unit = self.get_unit()
        ticked_ids = [int(v) for v in request.GET.getlist("leaders") if v.isdigit()][:200]
        picker = selectors.leader_picker(
            user=request.user, unit=unit, ticked_ids=ticked_ids, query=request.GET.get("q", "")
        )
        return render(request, "study/partials/leader_options.html", {"picker": picker})


class ActivityMixin(LoginRequiredMixin):
    request: HttpRequest  # set by the View it is mixed into
    kwargs: dict[str, Any]

    def get_activity(self, action: str = "view"):
        activity = selectors.activity_get(user=self.request.user, pk=self.kwargs["pk"])
        if action != "view" and not user_can(self.request.user, action, activity.unit):
            raise PermissionDenied(_("您没有修改该学习活动的权限。"))
        return activity

    def context(self, activity, **extra):
        user = self.request.user
        return {
            "activity": activity,
            "unit": activity.unit,
            "breadcrumbs": unit_breadcrumbs(user=user, unit=activity.unit),
            "can_record": user_can(user, "record", activity.unit),
            "can_delete": services.can_delete_activity(user, activity),
            **extra,
        }


class ActivityDetailView(ActivityMixin, View):
    def get(self, request, pk):
        activity = self.get_activity()
        leaders = activity.participations.select_related("person", "person__unit").order_by(
            "person__name"
        )
        candidates = []
        if user_can(request.user, "record", activity.unit):
            candidates = selectors.leader_candidates(
                user=request.user, unit=activity.unit, query=request.GET.get("q", ""), limit=None
            ).exclude(pk__in=activity.participations.values("person"))[:30]
        context = self.context(activity, leaders=leaders, candidates=candidates)
        return render(request, "study/activity_detail.html", context)


class ActivityEditView(ActivityMixin, View):
    def _people(self, activity):
        return selectors.leader_candidates(user=self.request.user, unit=activity.unit, limit=None)

    def _render(self, request, activity, form, status=200):
        picker = leader_picker(self.request.user, activity.unit, form)
        context = self.context(activity, form=form, campaign=activity.campaign, picker=picker)
        return render(request, "study/activity_form.html", context, status=status)

    def _form(self, activity, data=None, files=None):
        fields = ("kind", "title", "held_on", "ends_on", "participants", "notes")
        initial = {name: getattr(activity, name) for name in fields}
        initial["leaders"] = list(activity.leaders.values_list("pk", flat=True))
        return StudyActivityForm(data, files, people=self._people(activity), initial=initial)

    def get(self, request, pk):
        activity = self.get_activity("record")
        return self._render(request, activity, self._form(activity))

    def post(self, request, pk):
        activity = self.get_activity("record")
        form = self._form(activity, request.POST, request.FILES)
        if form.is_valid():
            changes, seen = form.edits()
            if "participants" in changes:
                changes["participants"] = changes["participants"] or 0
            if "leaders" in changes:
                changes["leaders"] = list(changes["leaders"])
            try:
                services.study_activity_update(
                    actor=request.user,
                    activity=activity,
                    seen=seen,
                    remove_attachment=request.POST.get("remove_attachment") == "1",
                    **changes,
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("已保存。"))
                return redirect(activity)
        return self._render(request, activity, form, status=400)


class ActivityDeleteView(ActivityMixin, View):
    def post(self, request, pk):
        activity = self.get_activity()
        if not services.can_delete_activity(request.user, activity):
            raise PermissionDenied(_("只有登记单位的填报人员可以删除该学习活动。"))
        unit = activity.unit
        services.study_activity_delete(actor=request.user, activity=activity)
        messages.success(request, _("已删除学习活动。"))
        url = redirect("study:unit_list", pk=unit.pk)
        if activity.campaign_id:
            url["Location"] += f"?campaign={activity.campaign_id}"
        return url


class ParticipantAddView(ActivityMixin, View):
    def post(self, request, pk):
        activity = self.get_activity("record")
        person_pk = request.POST.get("person", "")
        person = get_object_or_404(
            selectors.leader_candidates(user=request.user, unit=activity.unit, limit=None),
            pk=int(person_pk) if person_pk.isdigit() else 0,
        )
        try:
            services.study_participant_add(actor=request.user, activity=activity, person=person)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已添加“%(name)s”。") % {"name": person.name})
        return redirect(activity)


class ParticipantRemoveView(ActivityMixin, View):
    def post(self, request, pk, person_pk):
        activity = self.get_activity("record")
        row = get_object_or_404(
            activity.participations.select_related("person"), person_id=person_pk
        )
        services.study_participant_remove(actor=request.user, activity=activity, person=row.person)
        messages.success(request, _("已移除“%(name)s”。") % {"name": row.person.name})
        return redirect(activity)


class AttachmentView(ActivityMixin, View):
    """The attachment, only through this scoped view: files live outside the web root."""

    def get(self, request, pk):
        activity = self.get_activity()
        if not activity.attachment:
            raise Http404
        return download(
            activity.attachment.open("rb"),
            name=activity.attachment_name or f"附件.{activity.attachment_type}",
            content_type=ALLOWED.get(activity.attachment_type, ("application/octet-stream",))[0],
        )


class LeadersView(StudyUnitMixin, View):
    """The records behind FIGURES row 1: the distinct leaders who studied."""

    def get(self, request, pk):
        unit = self.get_unit()
        campaign, as_of = self.get_campaign(unit), self.as_of()
        count, people = selectors.study_leaders(
            user=request.user, unit=unit, campaign=campaign, as_of=as_of
        )
        page = page_of(request, people)
        context = self.unit_context(unit, campaign=campaign, as_of=as_of, count=count, page=page)
        return render(request, "study/leaders.html", context)


class CoverageView(StudyUnitMixin, View):
    """FIGURES row 5: enrolled units of a batch that held a session of a kind, and those not."""

    def get(self, request, pk):
        unit = self.get_unit()
        campaign = self.get_campaign(unit)
        if campaign is None:
            raise Http404
        batch_pk = request.GET.get("batch", "")
        batch = get_object_or_404(
            Batch, pk=batch_pk if batch_pk.isdigit() else 0, campaign=campaign
        )
        kind = request.GET.get("kind") or StudyKind.READING_CLASS
        if kind not in StudyKind.values:
            raise Http404
        as_of = self.as_of()
        coverage = selectors.study_coverage(
            user=request.user, campaign=campaign, batch=batch, kind=kind, as_of=as_of
        )
        context = self.unit_context(
            unit,
            campaign=campaign,
            batch=batch,
            kind=StudyKind(kind),
            as_of=as_of,
            coverage=coverage,
            missing=page_of(request, coverage.missing_units, param="missing_page"),
            covered=page_of(request, coverage.covered_units, param="covered_page"),
        )
        return render(request, "study/coverage.html", context)


__all__ = [name for name in dir() if name.endswith("View")]


class IndexView(ScopeIndexView):
    """`/study/`: the study ledger of the user's top unit (every campaign)."""

    title = gettext_lazy("学习活动")

    def unit_url(self, request, unit):
        return reverse("study:unit_list", args=[unit.pk])
