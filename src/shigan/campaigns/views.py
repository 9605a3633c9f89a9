"""Campaign pages. Each view parses, calls one selector or service, renders."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views import View

from shigan.campaigns import selectors, services
from shigan.campaigns.choices import AspectKind
from shigan.campaigns.exports import VisitExporter
from shigan.campaigns.forms import (
    AspectForm,
    AspectRenameForm,
    BatchForm,
    CampaignForm,
    EnrolForm,
    GroupForm,
    MemberForm,
    UnitsForm,
    VisitFilterForm,
    VisitForm,
)
from shigan.campaigns.models import Campaign
from shigan.core.errors import DomainError
from shigan.core.generic import apply_domain_error
from shigan.core.htmx import is_htmx
from shigan.core.pagination import page_of
from shigan.core.views_exchange import attachment
from shigan.orgs.models import Unit
from shigan.orgs.selectors import unit_breadcrumbs, unit_get

__all__ = [
    "CampaignListView",
    "CampaignCreateView",
    "CampaignDetailView",
    "BatchCreateView",
    "BatchDetailView",
    "ParticipationRemoveView",
    "AspectCreateView",
    "AspectRenameView",
    "AspectMoveView",
    "GroupCreateView",
    "GroupMemberAddView",
    "GroupMemberRemoveView",
    "GroupAssignView",
    "GroupUnassignView",
    "UnitPickerView",
    "WorkspaceView",
    "VisitListView",
    "VisitLogView",
    "ENROL_CONFIRM_ABOVE",
]

ENROL_CONFIRM_ABOVE = 50  # enrolling more units than this asks for a confirmation
WORKSPACE_TABS = {
    "study": "study/_workspace_tab.html",
    "research": "research/_workspace_tab.html",
    "problems": "problems/_workspace_tab.html",
    "initiatives": "initiatives/_workspace_tab.html",
}


def _template_exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


class CampaignMixin(LoginRequiredMixin):
    """Finds the campaign in the user's sight (404); office pages also check the role (403)."""

    request: HttpRequest  # set by the View it is mixed into
    kwargs: dict[str, Any]
    office = False

    def get_campaign(self) -> Campaign:
        campaign = selectors.campaign_get(user=self.request.user, pk=self.kwargs["pk"])
        self.is_office = selectors.campaign_is_office(user=self.request.user, campaign=campaign)
        if self.office and not self.is_office:
            raise PermissionDenied(_("只有活动办管理员可以进行此操作。"))
        return campaign

    def campaign_scope(self, campaign: Campaign):
        """The units of the campaign's tree the user sees (for the pickers)."""
        return Unit.objects.restrict(self.request.user, "view").subtree_of(campaign.root_unit)


class CampaignListView(LoginRequiredMixin, View):
    def get(self, request):
        unit = None
        if request.GET.get("unit"):
            try:
                unit = unit_get(user=request.user, pk=int(request.GET["unit"]))
            except ValueError:
                raise Http404 from None
            campaigns = selectors.campaign_units_of(unit=unit)
        else:
            campaigns = selectors.campaign_list(user=request.user)
        page = page_of(request, campaigns)
        can_create = Unit.objects.restrict(request.user, "change").exists()
        workspaces = [] if unit else selectors.campaign_workspaces(user=request.user)
        context = {"page": page, "unit": unit, "can_create": can_create, "workspaces": workspaces}
        return render(request, "campaigns/campaign_list.html", context)


class CampaignCreateView(LoginRequiredMixin, View):
    def _form(self, data=None):
        initial = {"root_unit": self.request.GET.get("unit") or None}
        return CampaignForm(
            data, initial=initial, scope=Unit.objects.restrict(self.request.user, "change")
        )

    def get(self, request):
        return render(request, "campaigns/campaign_form.html", {"form": self._form()})

    def post(self, request):
        form = self._form(request.POST)
        if form.is_valid():
            try:
                campaign = services.campaign_create(actor=request.user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("已创建主题教育。"))
                return redirect("campaigns:detail", pk=campaign.pk)
        return render(request, "campaigns/campaign_form.html", {"form": form}, status=400)


class CampaignDetailView(CampaignMixin, View):
    def get(self, request, pk, forms=None, status=200):
        campaign = self.get_campaign()
        counts = selectors.participation_counts(user=request.user, campaign=campaign)
        batches = list(selectors.batch_list(campaign=campaign))
        for batch in batches:
            batch.enrolled = counts.get(batch.pk, 0)
        aspects = list(selectors.aspect_list(campaign=campaign))
        forms = forms or {}
        context = {
            "campaign": campaign,
            "is_office": self.is_office,
            "batches": batches,
            "aspect_lists": [
                (
                    kind,
                    label,
                    [a for a in aspects if a.kind == kind],
                    forms.get(f"aspect_{kind}") or AspectForm(initial={"kind": kind}),
                )
                for kind, label in AspectKind.choices
            ],
            "groups": selectors.group_list(user=request.user, campaign=campaign),
            "batch_form": forms.get("batch") or BatchForm(),
            "group_form": forms.get("group") or GroupForm(),
            "member_form": MemberForm(),
            "errors": forms.get("errors"),
        }
        return render(request, "campaigns/campaign_detail.html", context, status=status)


class _OfficePost(CampaignMixin, View):
    """A POST of the campaign office that calls one service and goes back to the campaign."""

    office = True
    anchor = ""

    def back(self, campaign):
        response = redirect("campaigns:detail", pk=campaign.pk)
        if self.anchor:
            response["Location"] += f"#{self.anchor}"
        return response

    def failed(self, request, campaign, error: DomainError):
        messages.error(request, error.message)
        return self.back(campaign)


class BatchCreateView(_OfficePost):
    anchor = "batches"

    def post(self, request, pk):
        campaign = self.get_campaign()
        form = BatchForm(request.POST)
        if form.is_valid():
            try:
                services.batch_create(actor=request.user, campaign=campaign, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("已创建批次。"))
                return self.back(campaign)
        return CampaignDetailView.get(self, request, pk, forms={"batch": form}, status=400)


class AspectCreateView(_OfficePost):
    def post(self, request, pk):
        campaign = self.get_campaign()
        form = AspectForm(request.POST)
        if form.is_valid():
            try:
                services.aspect_create(actor=request.user, campaign=campaign, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("已新增方面。"))
                self.anchor = f"aspects-{form.cleaned_data['kind']}"
                return self.back(campaign)
        kind = request.POST.get("kind") if request.POST.get("kind") in AspectKind.values else ""
        forms = {f"aspect_{kind}": form}
        return CampaignDetailView.get(self, request, pk, forms=forms, status=400)


class AspectRenameView(_OfficePost):
    def post(self, request, pk, aspect_pk):
        campaign = self.get_campaign()
        aspect = selectors.aspect_get(campaign=campaign, pk=aspect_pk)
        self.anchor = f"aspect-{aspect.pk}"
        form = AspectRenameForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("方面名称不能为空。"))
            return self.back(campaign)
        try:
            services.aspect_rename(
                actor=request.user, aspect=aspect, name=form.cleaned_data["name"]
            )
        except DomainError as error:
            return self.failed(request, campaign, error)
        messages.success(request, _("已重命名方面。"))
        return self.back(campaign)


class AspectMoveView(_OfficePost):
    """Move an aspect one place up or down in its list."""

    def post(self, request, pk, aspect_pk):
        campaign = self.get_campaign()
        aspect = selectors.aspect_get(campaign=campaign, pk=aspect_pk)
        self.anchor = f"aspect-{aspect.pk}"
        ids = list(
            selectors.aspect_list(campaign=campaign, kind=aspect.kind).values_list("pk", flat=True)
        )
        i = ids.index(aspect.pk)
        j = i - 1 if request.POST.get("direction") == "up" else i + 1
        if 0 <= j < len(ids):
            ids[i], ids[j] = ids[j], ids[i]
            try:
                services.aspect_reorder(
                    actor=request.user, campaign=campaign, kind=aspect.kind, ordered_ids=ids
                )
            except DomainError as error:
                return self.failed(request, campaign, error)
        return self.back(campaign)


class GroupCreateView(_OfficePost):
    anchor = "groups"

    def post(self, request, pk):
        campaign = self.get_campaign()
        form = GroupForm(request.POST)
        if form.is_valid():
            try:
                services.guidance_group_create(
                    actor=request.user, campaign=campaign, name=form.cleaned_data["name"]
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("已创建巡回指导组。"))
                return self.back(campaign)
        return CampaignDetailView.get(self, request, pk, forms={"group": form}, status=400)


class _GroupPost(_OfficePost):
    def get_group(self, campaign):
        self.anchor = f"group-{self.kwargs['group_pk']}"
        return selectors.group_get(
            user=self.request.user, campaign=campaign, pk=self.kwargs["group_pk"]
        )


class GroupMemberAddView(_GroupPost):
    def post(self, request, pk, group_pk):
        campaign = self.get_campaign()
        group = self.get_group(campaign)
        form = MemberForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors.get("username", [])))
            return self.back(campaign)
        services.guidance_group_add_member(
            actor=request.user, group=group, user=form.cleaned_data["username"]
        )
        messages.success(request, _("已增加指导组成员。"))
        return self.back(campaign)


class _GroupDetachView(_GroupPost):
    """Takes one member or unit off a group: `related` names the group's set, `keyword` the
    service's argument (the URL gives `<keyword>_pk`), `done` the message."""

    related = keyword = ""
    service: Callable[..., object] | None = None
    done = ""

    def post(self, request, pk, group_pk, **kwargs):
        campaign = self.get_campaign()
        group = self.get_group(campaign)
        item = getattr(group, self.related).filter(pk=kwargs[f"{self.keyword}_pk"]).first()
        if item is None:
            raise Http404
        self.service(actor=request.user, group=group, **{self.keyword: item})
        messages.success(request, _(self.done))
        return self.back(campaign)


class GroupMemberRemoveView(_GroupDetachView):
    related, keyword, done = "members", "user", gettext_noop("已移除指导组成员。")
    service = staticmethod(services.guidance_group_remove_member)


class GroupAssignView(_GroupPost):
    def post(self, request, pk, group_pk):
        campaign = self.get_campaign()
        group = self.get_group(campaign)
        form = UnitsForm(request.POST, scope=self.campaign_scope(campaign))
        if not form.is_valid():
            messages.error(request, " ".join(form.errors.get("units", [])))
            return self.back(campaign)
        try:
            services.guidance_group_assign(
                actor=request.user, group=group, units=form.cleaned_data["units"]
            )
        except DomainError as error:
            return self.failed(request, campaign, error)
        messages.success(request, _("已指定联系单位。"))
        return self.back(campaign)


class GroupUnassignView(_GroupDetachView):
    related, keyword, done = "units", "unit", gettext_noop("已取消联系单位。")
    service = staticmethod(services.guidance_group_unassign)


class BatchDetailView(CampaignMixin, View):
    """A batch's participating units (paged, counted) and, for the office, the enrol form."""

    def context(self, campaign, batch, form=None, confirm=None):
        participations = selectors.participation_list(user=self.request.user, batch=batch)
        page = page_of(self.request, participations)
        by_kind = participations.values("unit__kind").annotate(n=Count("pk")).order_by("unit__kind")
        labels = dict(Unit._meta.get_field("kind").choices)
        return {
            "campaign": campaign,
            "batch": batch,
            "is_office": self.is_office,
            "page": page,
            "total": page.paginator.count,
            "by_kind": [(labels.get(r["unit__kind"], r["unit__kind"]), r["n"]) for r in by_kind],
            "form": form or EnrolForm(initial={"enrolled_on": timezone.localdate()}),
            "confirm": confirm,
            "confirm_above": ENROL_CONFIRM_ABOVE,
        }

    def get(self, request, pk, batch_pk):
        campaign = self.get_campaign()
        batch = selectors.batch_get(campaign=campaign, pk=batch_pk)
        return render(request, "campaigns/batch_detail.html", self.context(campaign, batch))

    def post(self, request, pk, batch_pk):
        self.office = True
        campaign = self.get_campaign()
        batch = selectors.batch_get(campaign=campaign, pk=batch_pk)
        form = EnrolForm(request.POST, scope=self.campaign_scope(campaign))
        if form.is_valid():
            data = form.cleaned_data
            units = data["units"]
            count = selectors.enrolment_size(units=units, include_subtree=data["include_subtree"])
            if count > ENROL_CONFIRM_ABOVE and not data["confirmed"]:
                context = self.context(campaign, batch, form=form, confirm={"count": count})
                context["picked"] = units
                return render(request, "campaigns/batch_detail.html", context)
            try:
                new = services.participation_enroll(
                    actor=request.user,
                    batch=batch,
                    units=units,
                    enrolled_on=data["enrolled_on"],
                    include_subtree=data["include_subtree"],
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("已纳入 %(n)d 个参学单位。") % {"n": len(new)})
                return redirect("campaigns:batch", pk=campaign.pk, batch_pk=batch.pk)
        context = self.context(campaign, batch, form=form)
        return render(request, "campaigns/batch_detail.html", context, status=400)


class ParticipationRemoveView(_OfficePost):
    def post(self, request, pk, participation_pk):
        campaign = self.get_campaign()
        participation = selectors.participation_get(
            user=request.user, campaign=campaign, pk=participation_pk
        )
        services.participation_remove(actor=request.user, participation=participation)
        messages.success(
            request, _("已将“%(unit)s”移出本批次。") % {"unit": participation.unit.name}
        )
        return redirect("campaigns:batch", pk=campaign.pk, batch_pk=participation.batch_id)


class UnitPickerView(CampaignMixin, View):
    """The htmx partial of a unit picker: matching units of the campaign as check boxes."""

    def get(self, request, pk):
        campaign = self.get_campaign()
        query = request.GET.get("q", "")
        field = request.GET.get("field", "units")
        if field not in ("units", "unit"):
            raise Http404
        units = selectors.picker_units(user=request.user, campaign=campaign, query=query)
        context = {"units": units, "query": query, "field": field, "multiple": field == "units"}
        return render(request, "campaigns/partials/unit_picker.html", context)


class WorkspaceView(LoginRequiredMixin, View):
    """One unit in one campaign: enrolment, study, research, guidance and figures."""

    def get(self, request, pk, unit_pk):
        user = request.user
        campaign, unit = selectors.workspace_get(user=user, campaign_pk=pk, unit_pk=unit_pk)
        tabs = [(key, name) for key, name in WORKSPACE_TABS.items() if _template_exists(name)]
        tabs.append(("guidance", None))
        keys = [key for key, _name in tabs]
        current = request.GET.get("tab") if request.GET.get("tab") in keys else keys[0]
        visits = selectors.visit_list(user=user, campaign=campaign, unit=unit)
        context = {
            "campaign": campaign,
            "unit": unit,
            "breadcrumbs": unit_breadcrumbs(user=user, unit=unit),
            "enrolments": selectors.unit_enrolments(campaign=campaign, unit=unit),
            "tabs": tabs,
            "tab": current,
            "tab_template": dict(tabs)[current],
            "as_of": timezone.localdate(),  # the other apps' tabs show figures as of a date
            "visits": visits[:20],
            "visit_count": visits.count() if current == "guidance" else None,
            "can_log_visit": selectors.groups_of_member(
                user=user, campaign=campaign, unit=unit
            ).exists(),
        }
        return render(request, "campaigns/workspace.html", context)


class VisitListView(CampaignMixin, View):
    def get(self, request, pk):
        campaign = self.get_campaign()
        groups = selectors.group_list(user=request.user, campaign=campaign)
        form = VisitFilterForm(request.GET or None, groups=groups)
        filters = form.cleaned_data if form.is_valid() else {}
        unit = None
        if filters.get("unit"):
            unit = unit_get(user=request.user, pk=filters["unit"])
        visits = selectors.visit_list(
            user=request.user,
            campaign=campaign,
            group=filters.get("group"),
            unit=unit,
            purpose=filters.get("purpose") or "",
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
        )
        fmt = request.GET.get("format")
        if fmt:
            if fmt not in ("xlsx", "csv"):
                raise Http404
            exporter = VisitExporter(visits=visits, campaign=campaign)
            if exporter.count() > settings.SHIGAN_EXPORT_JOB_THRESHOLD:
                messages.error(request, _("记录太多，请缩小筛选范围后再导出。"))
                return redirect(request.path)
            data = exporter.xlsx_bytes() if fmt == "xlsx" else exporter.csv_bytes()
            return attachment(data, exporter.filename(fmt), fmt)
        page = page_of(request, visits)
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "campaign": campaign,
            "form": form,
            "unit": unit,
            "page": page,
            "query": query.urlencode(),
            "can_log": selectors.groups_of_member(user=request.user, campaign=campaign).exists(),
        }
        template = "campaigns/partials/visit_rows.html" if is_htmx(request) else None
        return render(request, template or "campaigns/visit_list.html", context)


class VisitLogView(CampaignMixin, View):
    """Log a guidance visit (members of the campaign's guidance groups only)."""

    def _groups(self, campaign):
        groups = selectors.groups_of_member(user=self.request.user, campaign=campaign)
        if not groups.exists():
            raise PermissionDenied(_("只有巡回指导组成员可以登记指导记录。"))
        return groups

    def _render(self, request, campaign, form, unit, status=200):
        context = {"campaign": campaign, "form": form, "unit": unit}
        return render(request, "campaigns/visit_form.html", context, status=status)

    def _unit(self, raw):
        try:
            return unit_get(user=self.request.user, pk=int(raw)) if raw else None
        except ValueError:
            raise Http404 from None

    def get(self, request, pk):
        campaign = self.get_campaign()
        groups = self._groups(campaign)
        unit = self._unit(request.GET.get("unit"))
        initial = {"visited_on": timezone.localdate(), "unit": unit.pk if unit else None}
        if unit is not None:
            assigned = selectors.groups_of_member(user=request.user, campaign=campaign, unit=unit)
            groups = assigned if assigned.exists() else groups
        return self._render(request, campaign, VisitForm(initial=initial, groups=groups), unit)

    def post(self, request, pk):
        campaign = self.get_campaign()
        groups = self._groups(campaign)
        form = VisitForm(request.POST, groups=groups)
        unit = self._unit(request.POST.get("unit"))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.guidance_visit_log(
                    actor=request.user,
                    group=data["group"],
                    unit=unit,
                    visited_on=data["visited_on"],
                    purpose=data["purpose"],
                    notes=data["notes"],
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("已登记指导记录。"))
                return redirect("campaigns:workspace", pk=campaign.pk, unit_pk=unit.pk)
        return self._render(request, campaign, form, unit, status=400)
