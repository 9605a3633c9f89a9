"""The key-task board and a key task's pages: its timetable (milestones), indicators and the
results and rules linked to it."""

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from shigan.core.errors import DomainError
from shigan.core.generic import FileFieldView, ObjectActionView
from shigan.core.pagination import page_of
from shigan.core.views import no_scope
from shigan.initiatives import forms, selectors
from shigan.initiatives.choices import KeyTaskArea, ProjectKind
from shigan.initiatives.progress import milestone_progress
from shigan.initiatives.services import indicators, key_tasks, milestones
from shigan.initiatives.services.common import can_run_key_task
from shigan.initiatives.views.common import campaign_of, day_of, require
from shigan.orgs.permissions import user_can
from shigan.orgs.selectors import person_choices, unit_breadcrumbs, unit_get, unit_scope_roots

if TYPE_CHECKING:  # a stub-only type: django-stubs-ext is not installed in production
    from django_stubs_ext import StrOrPromise

# A link kind: its choices, its service, and the messages of done and of nothing chosen.
_Link = tuple[Callable[..., QuerySet], Callable[..., None], "StrOrPromise", "StrOrPromise"]

__all__ = [
    "HomeView",
    "BoardView",
    "KeyTaskCreateView",
    "KeyTaskDetailView",
    "KeyTaskEditView",
    "IndicatorCreateView",
    "TimetableView",
    "MilestoneCreateView",
    "MilestoneCompleteView",
    "LinkView",
    "UnlinkView",
]

ZERO = Decimal("0.00")


GANTT_LABELS = {  # the Gantt strip's words (json_script renders the lazy texts)
    "done": gettext_lazy("已完成"),
    "late": gettext_lazy("逾期完成"),
    "overdue": gettext_lazy("逾期未完成"),
    "pending": gettext_lazy("未完成"),
    "undated": gettext_lazy("时限未定"),
    "today": gettext_lazy("今天"),
}


class HomeView(LoginRequiredMixin, View):
    """The nav link: the board of the user's first unit, in the latest campaign covering it."""

    def get(self, request):
        unit = unit_scope_roots(user=request.user).order_by("path").first()
        if unit is None:
            return no_scope(request, _("重点任务"))
        campaign = selectors.campaign_for_unit(user=request.user, unit=unit)
        url = reverse("initiatives:board", args=[unit.pk])
        return redirect(f"{url}?campaign={campaign.pk}" if campaign else url)


BOARD_CARDS = 12  # cards a column shows on the board; all of them on the area's own pages


def _board_columns(request, board) -> tuple[list, object]:
    """(column, its cards shown) for each column, and the column asked for by `?area=`, if
    any: then it alone, in pages. A region's subtree has hundreds of key tasks."""
    focused = next((c for c in board.columns if c.area == request.GET.get("area")), None)
    if focused is not None:
        return [(focused, page_of(request, focused.cards))], focused
    return [(column, column.cards[:BOARD_CARDS]) for column in board.columns], None


class BoardView(LoginRequiredMixin, View):
    """The key tasks of a unit's subtree in one campaign: areas as columns, progress bars,
    overdue milestones in red; above them the delivery figures, each a link to its records."""

    def get(self, request, pk):
        unit = unit_get(user=request.user, pk=pk)
        campaign = campaign_of(request, unit)
        on = day_of(request)
        as_of = on if request.GET.get("on") else None
        figures = selectors.delivery_figures(
            user=request.user, unit=unit, campaign=campaign, as_of=as_of
        )
        board = selectors.board(user=request.user, unit=unit, campaign=campaign, on=on)
        columns, focused = _board_columns(request, board)
        context = {
            "unit": unit,
            "campaign": campaign,
            "on": on,
            "as_of": as_of,
            "board": board,
            "columns": columns,
            "focused": focused,
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
        require(self.request.user, "record", unit)
        campaign = campaign_of(self.request, unit)
        back = f"{reverse('initiatives:board', args=[unit.pk])}?campaign={campaign.pk}"
        heading = f"{unit.name} · {campaign.name}"
        return {"unit": unit, "campaign": campaign, "back": back, "heading": heading}

    def get_form(self, page, data=None, files=None):
        return forms.KeyTaskForm(
            data,
            files,
            units=selectors.nearby_units(unit=page["unit"]),
            people=person_choices(user=self.request.user, unit=page["unit"]),
        )

    def perform(self, page, data):
        return key_tasks.key_task_create(
            actor=self.request.user, campaign=page["campaign"], unit=page["unit"], **data
        )


class KeyTaskDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        task = selectors.key_task_detail(user=request.user, pk=pk)
        on = day_of(request)
        milestones = list(task.milestones.all())
        can_run = can_run_key_task(request.user, task)
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
        if not can_run_key_task(self.request.user, task):
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
        return forms.KeyTaskEditForm(
            data,
            files,
            initial=initial,
            units=selectors.nearby_units(unit=task.unit),
            people=person_choices(user=self.request.user, unit=task.unit),
        )

    def perform(self, page, data):
        return key_tasks.key_task_update(actor=self.request.user, key_task=page["task"], **data)


class IndicatorCreateView(ObjectActionView):
    title = gettext_lazy("设立指标")
    success = gettext_lazy("已设立指标。")

    def get_object(self, pk):
        task = selectors.key_task_get(user=self.request.user, pk=pk)
        if not can_run_key_task(self.request.user, task):
            raise PermissionDenied(_("您不是该重点任务所属单位或牵头单位的填报人员。"))
        back = task.get_absolute_url() + "#indicators"
        return {"unit": task.unit, "task": task, "back": back, "heading": task.title}

    def get_form(self, page, data=None, files=None):
        return forms.IndicatorForm(data)

    def perform(self, page, data):
        indicators.indicator_declare(actor=self.request.user, key_task=page["task"], **data)
        return page["back"]


class TimetableView(LoginRequiredMixin, View):
    """The Gantt strip's data (the key task page draws it with the vendored ECharts)."""

    def get(self, request, pk):
        task = selectors.key_task_get(user=request.user, pk=pk)
        data = selectors.timetable(task, on=day_of(request))
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


class MilestoneCreateView(ObjectActionView):
    title = gettext_lazy("增加时间节点")
    success = gettext_lazy("已增加时间节点。")

    def get_object(self, pk):
        task = selectors.key_task_get(user=self.request.user, pk=pk)
        if not can_run_key_task(self.request.user, task):
            raise PermissionDenied(_("您不是该重点任务所属单位或牵头单位的填报人员。"))
        back = task.get_absolute_url()
        return {"unit": task.unit, "task": task, "back": back, "heading": task.title}

    def get_form(self, page, data=None, files=None):
        return forms.MilestoneForm(data)

    def perform(self, page, data):
        milestones.milestone_add(actor=self.request.user, key_task=page["task"], **data)
        return page["task"]


class MilestoneCompleteView(ObjectActionView):
    title = gettext_lazy("完成时间节点")
    success = gettext_lazy("时间节点已完成。")
    multipart = True

    def get_object(self, pk):
        milestone = selectors.milestone_get(user=self.request.user, pk=pk)
        task = milestone.key_task
        if not can_run_key_task(self.request.user, task):
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
        milestones.milestone_complete(
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
    LINKS: ClassVar[dict[str, _Link]] = {
        "result": (
            selectors.result_choices,
            key_tasks.key_task_link_result,
            gettext_lazy("已关联调研成果。"),
            gettext_lazy("请选择调研成果。"),
        ),
        "rule": (
            selectors.rule_choices,
            key_tasks.key_task_link_rule,
            gettext_lazy("已关联制度机制。"),
            gettext_lazy("请选择制度机制。"),
        ),
    }

    def post(self, request, pk):
        task = selectors.key_task_get(user=request.user, pk=pk)
        if not can_run_key_task(request.user, task):
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
        if not can_run_key_task(request.user, task):
            raise PermissionDenied(_("您不是该重点任务所属单位或牵头单位的填报人员。"))
        linked = getattr(task, f"{self.kind}s").filter(pk=item).first()
        if linked is None:
            raise Http404
        unlink = getattr(key_tasks, f"key_task_unlink_{self.kind}")
        unlink(actor=request.user, key_task=task, **{self.kind: linked})
        messages.success(request, _("已取消关联。"))
        return redirect(task)


class TaskBookView(FileFieldView):
    def get_file(self, pk):
        return selectors.key_task_get(user=self.request.user, pk=pk).task_book_file


class MilestoneEvidenceView(FileFieldView):
    def get_file(self, pk):
        return selectors.milestone_get(user=self.request.user, pk=pk).evidence_file
