"""Project pages: the list with its exact fund totals, a project's page, its state and the
indicator values it reports."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from shigan.core.errors import DomainError
from shigan.core.generic import ObjectActionView
from shigan.core.pagination import page_of
from shigan.initiatives import forms, selectors
from shigan.initiatives.services import indicators, projects
from shigan.initiatives.views.common import campaign_of, require
from shigan.orgs.permissions import user_can
from shigan.orgs.selectors import unit_breadcrumbs, unit_get

__all__ = [
    "ProjectListView",
    "ProjectCreateView",
    "ProjectDetailView",
    "IndicatorReportView",
    "ProjectStateView",
]


class ProjectListView(LoginRequiredMixin, View):
    """The projects of a unit's subtree with their funds; the totals are exact."""

    def get(self, request, pk):
        unit = unit_get(user=request.user, pk=pk)
        campaign = campaign_of(request, unit)
        filters = forms.ProjectFilterForm(request.GET)
        data = filters.cleaned_data if filters.is_valid() else {}
        projects = selectors.project_list(
            user=request.user,
            unit=unit,
            campaign=campaign,
            area=data.get("area"),
            kind=data.get("kind"),
            state=data.get("state"),
        )
        allocated, disbursed = selectors.funds_total(projects)
        context = {
            "unit": unit,
            "campaign": campaign,
            "filters": filters,
            "page": page_of(request, projects),
            "allocated": allocated,
            "disbursed": disbursed,
            "can_record": user_can(request.user, "record", unit),
            "breadcrumbs": unit_breadcrumbs(user=request.user, unit=unit),
        }
        return render(request, "initiatives/project_list.html", context)


class ProjectCreateView(ObjectActionView):
    """A project under a key task (`task`), or on its own at a unit (`pk`, `?campaign=`)."""

    title = gettext_lazy("登记项目")
    success = gettext_lazy("已登记项目。")

    def get_object(self, pk=None, task=None):
        user = self.request.user
        if task is not None:
            key_task = selectors.key_task_get(user=user, pk=task)
            unit, campaign = key_task.unit, key_task.campaign
            back = key_task.get_absolute_url()
        else:
            unit = unit_get(user=user, pk=pk)
            campaign, key_task = campaign_of(self.request, unit), None
            back = f"{reverse('initiatives:projects', args=[unit.pk])}?campaign={campaign.pk}"
        units = selectors.recordable_units(user=user, within=unit)
        if not units.exists():
            raise PermissionDenied(_("您没有在该单位登记的权限。"))
        heading = key_task.title if key_task else f"{unit.name} · {campaign.name}"
        return {
            "unit": unit,
            "campaign": campaign,
            "key_task": key_task,
            "units": units,
            "back": back,
            "heading": heading,
        }

    def get_form(self, page, data=None, files=None):
        task, units = page["key_task"], page["units"]
        initial = {"key_task": task.pk if task else None, "unit": units.first()}
        choices = selectors.key_task_choices(
            user=self.request.user, unit=page["unit"], campaign=page["campaign"]
        )
        if task is not None:
            choices = choices.model.objects.filter(pk=task.pk)
        return forms.ProjectForm(data, initial=initial, units=units, key_tasks=choices)

    def perform(self, page, data):
        data = {**data, "funds_disbursed": data.get("funds_disbursed") or 0}
        project = projects.project_create(
            actor=self.request.user,
            campaign=page["campaign"],
            area=data.pop("area") or None,
            **data,
        )
        return page["key_task"] or project  # back to the task the project was added to


class ProjectDetailView(ObjectActionView):
    """A project: its facts, history, and (for those who record for it) the edit form."""

    title = gettext_lazy("修改项目")
    success = gettext_lazy("已保存项目。")

    def get_object(self, pk):
        project = selectors.project_get(user=self.request.user, pk=pk)
        return {"unit": project.unit, "project": project, "back": project.get_absolute_url()}

    def get_form(self, page, data=None, files=None):
        p = page["project"]
        initial = {
            "name": p.name,
            "unit": p.unit_id,
            "key_task": p.key_task_id,
            "area": p.area,
            "kind": p.kind,
            "fund_source": p.fund_source,
            "funds_allocated": p.funds_allocated,
            "funds_disbursed": p.funds_disbursed,
            "approved_on": p.approved_on,
            "started_on": p.started_on,
            "finished_on": p.finished_on,
        }
        units = selectors.recordable_units(user=self.request.user, within=p.unit)
        tasks = selectors.key_task_choices(user=self.request.user, unit=p.unit, campaign=p.campaign)
        return forms.ProjectEditForm(data, initial=initial, units=units, key_tasks=tasks)

    def render_form(self, page, form, status=200):
        request, project = self.request, page["project"]
        context = {
            "project": project,
            "unit": project.unit,
            "form": form,
            "state_form": forms.ProjectStateForm(initial={"state": project.state}),
            "transitions": project.transitions.select_related("actor").order_by("day", "pk"),
            "can_record": user_can(request.user, "record", project.unit),
            "reports": project.indicator_reports.select_related("indicator").order_by(
                "reported_on", "pk"
            ),
            "breadcrumbs": unit_breadcrumbs(user=request.user, unit=project.unit),
        }
        return render(request, "initiatives/project_detail.html", context, status=status)

    def post(self, request, **kwargs):
        page = self.get_object(**kwargs)
        require(request.user, "record", page["project"].unit)
        return super().post(request, **kwargs)

    def perform(self, page, data):
        if "funds_disbursed" in data:
            data["funds_disbursed"] = data["funds_disbursed"] or 0
        if data.get("key_task", page["project"].key_task) is not None:
            data.pop("area", None)  # the area follows the key task
            data["seen"].pop("area", None)
        return projects.project_update(actor=self.request.user, project=page["project"], **data)


class IndicatorReportView(ObjectActionView):
    title = gettext_lazy("填报指标数值")
    success = gettext_lazy("已填报指标数值。")

    def get_object(self, pk):
        project = selectors.project_get(user=self.request.user, pk=pk)
        require(self.request.user, "record", project.unit)
        back = project.get_absolute_url() + "#indicators"
        return {"unit": project.unit, "project": project, "back": back, "heading": project.name}

    def get_form(self, page, data=None, files=None):
        project = page["project"]
        indicators = selectors.indicator_list(user=self.request.user, key_task=project.key_task)
        if project.key_task_id is None:
            indicators = indicators.none()
        return forms.IndicatorReportForm(data, indicators=indicators)

    def perform(self, page, data):
        indicators.indicator_report(actor=self.request.user, project=page["project"], **data)
        return page["back"]


class ProjectStateView(LoginRequiredMixin, View):
    def post(self, request, pk):
        project = selectors.project_get(user=request.user, pk=pk)
        require(request.user, "record", project.unit)
        form = forms.ProjectStateForm(request.POST)
        if form.is_valid():
            try:
                projects.project_set_state(actor=request.user, project=project, **form.cleaned_data)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("项目状态已更新。"))
        else:
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(project)
