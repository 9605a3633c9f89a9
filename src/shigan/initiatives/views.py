"""Delivery pages: the key-task board, a key task with its timetable, projects and funds, the
livelihood list. Each view parses, calls one selector or service, renders."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from shigan.core.errors import DomainError
from shigan.core.generic import ObjectActionView
from shigan.core.views import no_scope
from shigan.initiatives import forms, selectors, services
from shigan.initiatives.choices import KeyTaskArea, ProjectKind
from shigan.initiatives.progress import milestone_progress
from shigan.orgs.permissions import user_can
from shigan.orgs.selectors import unit_breadcrumbs, unit_get, unit_scope_roots
from shigan.research.selectors import people_for

__all__ = [
    "HomeView",
    "BoardView",
    "KeyTaskCreateView",
    "KeyTaskDetailView",
    "KeyTaskEditView",
    "TimetableView",
    "MilestoneCreateView",
    "MilestoneCompleteView",
    "LinkView",
    "UnlinkView",
    "ProjectListView",
    "ProjectCreateView",
    "ProjectDetailView",
    "ProjectStateView",
    "LivelihoodLedgerView",
    "LivelihoodAreaCreateView",
    "LivelihoodItemCreateView",
    "LivelihoodItemView",
    "LivelihoodReportView",
    "LivelihoodMoveView",
    "IndicatorCreateView",
    "IndicatorReportView",
    "ServicePointCreateView",
]

PAGE_SIZE = 50
ZERO = Decimal("0.00")


GANTT_LABELS = {  # the Gantt strip's words (json_script renders the lazy texts)
    "done": gettext_lazy("已完成"),
    "late": gettext_lazy("逾期完成"),
    "overdue": gettext_lazy("逾期未完成"),
    "pending": gettext_lazy("未完成"),
    "undated": gettext_lazy("时限未定"),
    "today": gettext_lazy("今天"),
}


def _campaign(request, unit):
    campaign = selectors.campaign_for_unit(
        user=request.user, unit=unit, pk=request.GET.get("campaign")
    )
    if campaign is None:
        raise Http404
    return campaign


def _require(user, action: str, unit) -> None:
    if not user_can(user, action, unit):
        raise PermissionDenied(_("您没有在该单位登记的权限。"))


def _require_office(user, campaign) -> None:
    if not user_can(user, "change", campaign.root_unit):
        raise PermissionDenied(_("只有活动办管理员可以维护民生项目清单。"))


def _on(request):
    form = forms.BoardFilterForm(request.GET)
    return (form.cleaned_data.get("on") if form.is_valid() else None) or timezone.localdate()


# -- the board and key tasks -----------------------------------------------------------------


class HomeView(LoginRequiredMixin, View):
    """The nav link: the board of the user's first unit, in the latest campaign covering it."""

    def get(self, request):
        unit = unit_scope_roots(user=request.user).order_by("path").first()
        if unit is None:
            return no_scope(request, _("重点任务"))
        campaign = selectors.campaign_for_unit(user=request.user, unit=unit)
        url = reverse("initiatives:board", args=[unit.pk])
        return redirect(f"{url}?campaign={campaign.pk}" if campaign else url)


class BoardView(LoginRequiredMixin, View):
    """The key tasks of a unit's subtree in one campaign: areas as columns, progress bars,
    overdue milestones in red; above them the delivery figures, each a link to its records."""

    def get(self, request, pk):
        unit = unit_get(user=request.user, pk=pk)
        campaign = _campaign(request, unit)
        on = _on(request)
        as_of = on if request.GET.get("on") else None
        figures = selectors.delivery_figures(unit=unit, campaign=campaign, as_of=as_of)
        context = {
            "unit": unit,
            "campaign": campaign,
            "on": on,
            "as_of": as_of,
            "board": selectors.board(user=request.user, unit=unit, campaign=campaign, on=on),
            "figures": figures,
            "area_rows": [
                (
                    area,
                    label,
                    figures["projects_by_area"].get(area, 0),
                    figures["funds_by_area"].get(area, ZERO),
                )
                for area, label in KeyTaskArea.choices
            ],
            "kind_rows": [
                (kind, label, figures["opening_up_by_kind"][kind])
                for kind, label in ProjectKind.choices
                if kind in figures["opening_up_by_kind"]
            ],
            "can_record": user_can(request.user, "record", unit),
            "breadcrumbs": unit_breadcrumbs(user=request.user, unit=unit),
        }
        return render(request, "initiatives/board.html", context)


class KeyTaskCreateView(ObjectActionView):
    title = gettext_lazy("新增重点任务")
    success = gettext_lazy("已登记重点任务。")
    multipart = True

    def get_object(self, pk):
        unit = unit_get(user=self.request.user, pk=pk)
        _require(self.request.user, "record", unit)
        campaign = _campaign(self.request, unit)
        back = f"{reverse('initiatives:board', args=[unit.pk])}?campaign={campaign.pk}"
        heading = f"{unit.name} · {campaign.name}"
        return {"unit": unit, "campaign": campaign, "back": back, "heading": heading}

    def get_form(self, page, data=None, files=None):
        return forms.KeyTaskForm(
            data,
            files,
            units=selectors.nearby_units(unit=page["unit"]),
            people=people_for(user=self.request.user, unit=page["unit"]),
        )

    def perform(self, page, data):
        return services.key_task_create(
            actor=self.request.user, campaign=page["campaign"], unit=page["unit"], **data
        )


class KeyTaskDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        task = selectors.key_task_detail(user=request.user, pk=pk)
        on = _on(request)
        milestones = list(task.milestones.all())
        can_run = services.can_run_key_task(request.user, task)
        allocated, _disbursed = selectors.funds_total(
            selectors.project_list(user=request.user, unit=task.unit, key_task=task)
        )
        context = {
            "task": task,
            "unit": task.unit,
            "on": on,
            "milestones": [(m, selectors.milestone_status(m, on)) for m in milestones],
            "progress": milestone_progress(milestones, on=on),
            "projects": task.visible_projects,
            "allocated": allocated,
            "can_run": can_run,
            "can_add_project": bool(
                selectors.recordable_units(user=request.user, within=task.unit)
            ),
            "result_form": forms.LinkForm(
                choices=selectors.result_choices(user=request.user, key_task=task),
                label=_("调研成果"),
            )
            if can_run
            else None,
            "rule_form": forms.LinkForm(
                choices=selectors.rule_choices(user=request.user, key_task=task),
                label=_("制度机制"),
            )
            if can_run
            else None,
            "gantt_labels": GANTT_LABELS,
            "indicators": selectors.indicator_rows(task, on=on),
            "breadcrumbs": unit_breadcrumbs(user=request.user, unit=task.unit),
        }
        return render(request, "initiatives/key_task_detail.html", context)


class KeyTaskEditView(ObjectActionView):
    title = gettext_lazy("修改重点任务")
    success = gettext_lazy("已保存。")
    multipart = True

    def get_object(self, pk):
        task = selectors.key_task_get(user=self.request.user, pk=pk)
        if not services.can_run_key_task(self.request.user, task):
            raise PermissionDenied(_("您不是该重点任务所属单位或牵头单位的填报人员。"))
        return {"unit": task.unit, "task": task, "back": task.get_absolute_url()}

    def get_heading(self, page):
        return page["task"].title

    def get_form(self, page, data=None, files=None):
        task = page["task"]
        initial = {
            "title": task.title,
            "area": task.area,
            "goal": task.goal,
            "owner_unit": task.owner_unit_id,
            "owner_leader": task.owner_leader_id,
            "starts_on": task.starts_on,
            "roadmap": task.roadmap,
            "task_book_text": task.task_book_text,
        }
        return forms.KeyTaskForm(
            data,
            files,
            initial=initial,
            units=selectors.nearby_units(unit=task.unit),
            people=people_for(user=self.request.user, unit=task.unit),
        )

    def perform(self, page, data):
        return services.key_task_update(actor=self.request.user, key_task=page["task"], **data)


class IndicatorCreateView(ObjectActionView):
    title = gettext_lazy("设立指标")
    success = gettext_lazy("已设立指标。")

    def get_object(self, pk):
        task = selectors.key_task_get(user=self.request.user, pk=pk)
        if not services.can_run_key_task(self.request.user, task):
            raise PermissionDenied(_("您不是该重点任务所属单位或牵头单位的填报人员。"))
        back = task.get_absolute_url() + "#indicators"
        return {"unit": task.unit, "task": task, "back": back, "heading": task.title}

    def get_form(self, page, data=None, files=None):
        return forms.IndicatorForm(data)

    def perform(self, page, data):
        services.indicator_declare(actor=self.request.user, key_task=page["task"], **data)
        return page["back"]


class TimetableView(LoginRequiredMixin, View):
    """The Gantt strip's data (the key task page draws it with the vendored ECharts)."""

    def get(self, request, pk):
        task = selectors.key_task_get(user=request.user, pk=pk)
        data = selectors.timetable(task, on=_on(request))
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


class MilestoneCreateView(ObjectActionView):
    title = gettext_lazy("增加时间节点")
    success = gettext_lazy("已增加时间节点。")

    def get_object(self, pk):
        task = selectors.key_task_get(user=self.request.user, pk=pk)
        if not services.can_run_key_task(self.request.user, task):
            raise PermissionDenied(_("您不是该重点任务所属单位或牵头单位的填报人员。"))
        back = task.get_absolute_url()
        return {"unit": task.unit, "task": task, "back": back, "heading": task.title}

    def get_form(self, page, data=None, files=None):
        return forms.MilestoneForm(data)

    def perform(self, page, data):
        services.milestone_add(actor=self.request.user, key_task=page["task"], **data)
        return page["task"]


class MilestoneCompleteView(ObjectActionView):
    title = gettext_lazy("完成时间节点")
    success = gettext_lazy("时间节点已完成。")
    multipart = True

    def get_object(self, pk):
        milestone = selectors.milestone_get(user=self.request.user, pk=pk)
        task = milestone.key_task
        if not services.can_run_key_task(self.request.user, task):
            raise PermissionDenied(_("您不是该重点任务所属单位或牵头单位的填报人员。"))
        heading = f"{task.title} · {milestone.title}"
        return {
            "unit": task.unit,
            "task": task,
            "milestone": milestone,
            "back": task.get_absolute_url(),
            "heading": heading,
        }

    def get_form(self, page, data=None, files=None):
        return forms.MilestoneCompleteForm(data, files)

    def perform(self, page, data):
        services.milestone_complete(
            actor=self.request.user,
            milestone=page["milestone"],
            done_on=data["done_on"],
            note=data["note"],
            file=data["file"],
        )
        return page["task"]


class LinkView(LoginRequiredMixin, View):
    """Link a research result or a rule to the key task it serves (`kind`: result or rule)."""

    kind = "result"
    LINKS = {
        "result": (
            selectors.result_choices,
            services.key_task_link_result,
            gettext_lazy("已关联调研成果。"),
            gettext_lazy("请选择调研成果。"),
        ),
        "rule": (
            selectors.rule_choices,
            services.key_task_link_rule,
            gettext_lazy("已关联制度机制。"),
            gettext_lazy("请选择制度机制。"),
        ),
    }

    def post(self, request, pk):
        task = selectors.key_task_get(user=request.user, pk=pk)
        if not services.can_run_key_task(request.user, task):
            raise PermissionDenied(_("您不是该重点任务所属单位或牵头单位的填报人员。"))
        choices, link, done, missing = self.LINKS[self.kind]
        form = forms.LinkForm(request.POST, choices=choices(user=request.user, key_task=task))
        if form.is_valid():
            try:
                link(actor=request.user, key_task=task, **{self.kind: form.cleaned_data["item"]})
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, str(done))
        else:
            messages.error(request, str(missing))
        return redirect(task)


class UnlinkView(LoginRequiredMixin, View):
    kind = "result"

    def post(self, request, pk, item):
        task = selectors.key_task_get(user=request.user, pk=pk)
        if not services.can_run_key_task(request.user, task):
            raise PermissionDenied(_("您不是该重点任务所属单位或牵头单位的填报人员。"))
        linked = getattr(task, f"{self.kind}s").filter(pk=item).first()
        if linked is None:
            raise Http404
        unlink = getattr(services, f"key_task_unlink_{self.kind}")
        unlink(actor=request.user, key_task=task, **{self.kind: linked})
        messages.success(request, _("已取消关联。"))
        return redirect(task)


# -- projects --------------------------------------------------------------------------------


class ProjectListView(LoginRequiredMixin, View):
    """The projects of a unit's subtree with their funds; the totals are exact."""

    def get(self, request, pk):
        unit = unit_get(user=request.user, pk=pk)
        campaign = _campaign(request, unit)
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
            "page": Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page")),
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
            campaign, key_task = _campaign(self.request, unit), None
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
        project = services.project_create(
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
        return forms.ProjectForm(data, initial=initial, units=units, key_tasks=tasks)

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
        _require(request.user, "record", page["project"].unit)
        return super().post(request, **kwargs)

    def perform(self, page, data):
        data = {**data, "funds_disbursed": data.get("funds_disbursed") or 0}
        if data.get("key_task") is not None:
            data.pop("area")
        return services.project_update(actor=self.request.user, project=page["project"], **data)


class IndicatorReportView(ObjectActionView):
    title = gettext_lazy("填报指标数值")
    success = gettext_lazy("已填报指标数值。")

    def get_object(self, pk):
        project = selectors.project_get(user=self.request.user, pk=pk)
        _require(self.request.user, "record", project.unit)
        back = project.get_absolute_url() + "#indicators"
        return {"unit": project.unit, "project": project, "back": back, "heading": project.name}

    def get_form(self, page, data=None, files=None):
        project = page["project"]
        indicators = selectors.indicator_list(user=self.request.user, key_task=project.key_task)
        if project.key_task_id is None:
            indicators = indicators.none()
        return forms.IndicatorReportForm(data, indicators=indicators)

    def perform(self, page, data):
        services.indicator_report(actor=self.request.user, project=page["project"], **data)
        return page["back"]


class ProjectStateView(LoginRequiredMixin, View):
    def post(self, request, pk):
        project = selectors.project_get(user=request.user, pk=pk)
        _require(request.user, "record", project.unit)
        form = forms.ProjectStateForm(request.POST)
        if form.is_valid():
            try:
                services.project_set_state(actor=request.user, project=project, **form.cleaned_data)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("项目状态已更新。"))
        else:
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(project)


# -- the livelihood list ---------------------------------------------------------------------


class LivelihoodLedgerView(LoginRequiredMixin, View):
    """The livelihood list (民生项目清单) of a unit's subtree, numbered in the office's order."""

    def get(self, request, pk):
        unit = unit_get(user=request.user, pk=pk)
        campaign = _campaign(request, unit)
        items = selectors.livelihood_ledger(user=request.user, unit=unit, campaign=campaign)
        context = {
            "unit": unit,
            "campaign": campaign,
            "page": Paginator(items, PAGE_SIZE).get_page(request.GET.get("page")),
            "areas": selectors.livelihood_areas(campaign=campaign),
            "is_office": user_can(request.user, "change", campaign.root_unit),
            "breadcrumbs": unit_breadcrumbs(user=request.user, unit=unit),
        }
        return render(request, "initiatives/livelihood.html", context)


class LivelihoodOfficePage(ObjectActionView):
    def get_object(self, pk):
        unit = unit_get(user=self.request.user, pk=pk)
        campaign = _campaign(self.request, unit)
        _require_office(self.request.user, campaign)
        back = f"{reverse('initiatives:livelihood', args=[unit.pk])}?campaign={campaign.pk}"
        heading = f"{campaign.name}"
        return {"unit": unit, "campaign": campaign, "back": back, "heading": heading}


class LivelihoodAreaCreateView(LivelihoodOfficePage):
    title = gettext_lazy("新增民生领域")
    success = gettext_lazy("已新增民生领域。")

    def get_form(self, page, data=None, files=None):
        return forms.LivelihoodAreaForm(data)

    def perform(self, page, data):
        services.livelihood_area_create(
            actor=self.request.user, campaign=page["campaign"], name=data["name"]
        )
        return page["back"]


class LivelihoodItemCreateView(LivelihoodOfficePage):
    title = gettext_lazy("列入民生项目清单")
    success = gettext_lazy("已列入民生项目清单。")

    def get_form(self, page, data=None, files=None):
        units = selectors.recordable_units(user=self.request.user, within=page["unit"])
        return forms.LivelihoodItemForm(data, campaign=page["campaign"], units=units)

    def perform(self, page, data):
        services.livelihood_item_create(actor=self.request.user, campaign=page["campaign"], **data)
        return page["back"]


class LivelihoodItemView(LoginRequiredMixin, View):
    def get(self, request, pk):
        item = selectors.livelihood_item_get(user=request.user, pk=pk)
        context = {
            "item": item,
            "unit": item.unit,
            "report_form": forms.LivelihoodReportForm(),
            "move_form": forms.LivelihoodMoveForm(initial={"number": item.number}),
            "can_record": user_can(request.user, "record", item.unit),
            "is_office": user_can(request.user, "change", item.campaign.root_unit),
            "transitions": item.transitions.select_related("actor").order_by("day", "pk"),
            "points": selectors.service_points(item),
            "points_url": selectors.service_points_url(item),
            "can_open_point": selectors.recordable_units(
                user=request.user, within=item.campaign.root_unit
            ).exists(),
            "breadcrumbs": unit_breadcrumbs(user=request.user, unit=item.unit),
        }
        return render(request, "initiatives/livelihood_item.html", context)


class ServicePointCreateView(ObjectActionView):
    title = gettext_lazy("开通服务网点")
    success = gettext_lazy("已登记服务网点。")

    def get_object(self, pk):
        item = selectors.livelihood_item_get(user=self.request.user, pk=pk)
        units = selectors.recordable_units(user=self.request.user, within=item.campaign.root_unit)
        if not units.exists():
            raise PermissionDenied(_("您没有在该单位登记的权限。"))
        back = item.get_absolute_url() + "#service-points"
        heading = str(item)
        return {"unit": item.unit, "item": item, "units": units, "back": back, "heading": heading}

    def get_form(self, page, data=None, files=None):
        return forms.ServicePointForm(data, units=page["units"])

    def perform(self, page, data):
        services.service_point_open(actor=self.request.user, item=page["item"], **data)
        return page["back"]


class LivelihoodReportView(LoginRequiredMixin, View):
    def post(self, request, pk):
        item = selectors.livelihood_item_get(user=request.user, pk=pk)
        _require(request.user, "record", item.unit)
        form = forms.LivelihoodReportForm(request.POST)
        if form.is_valid():
            try:
                services.livelihood_progress_report(
                    actor=request.user, item=item, **form.cleaned_data
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("已报告进展。"))
        else:
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(item)


class LivelihoodMoveView(LoginRequiredMixin, View):
    def post(self, request, pk):
        item = selectors.livelihood_item_get(user=request.user, pk=pk)
        _require_office(request.user, item.campaign)
        form = forms.LivelihoodMoveForm(request.POST)
        if form.is_valid():
            try:
                services.livelihood_item_move(
                    actor=request.user, item=item, number=form.cleaned_data["number"]
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("已调整序号。"))
        return redirect(item)
