"""Briefing pages: list and generate, read, issue, what changed since, exports, templates."""

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from shigan.briefings import selectors, services
from shigan.briefings.defaults import DEFAULT_NAME, DEFAULT_TEXT, DEFAULT_TITLE
from shigan.briefings.exports import briefing_docx, briefing_html
from shigan.briefings.forms import ChangesForm, GenerateForm, TemplateEditForm, TemplateForm
from shigan.campaigns.models import Campaign
from shigan.core.downloads import download
from shigan.core.errors import DomainError
from shigan.core.pagination import page_of
from shigan.core.views import no_scope
from shigan.dashboards.figures import CATALOGUE, Query
from shigan.orgs.permissions import user_can
from shigan.orgs.selectors import unit_breadcrumbs, unit_get, unit_scope_roots
from shigan.research.selectors import campaign_for_unit

__all__ = [
    "BriefingListView",
    "BriefingGenerateView",
    "BriefingDetailView",
    "BriefingIssueView",
    "BriefingChangesView",
    "BriefingDocxView",
    "BriefingHtmlView",
    "TemplateListView",
    "TemplateEditView",
]

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(data, filename: str, content_type: str) -> HttpResponseBase:
    return download(data, name=filename, content_type=content_type)


class UnitCampaignMixin(LoginRequiredMixin):
    def unit_campaign(self, request):
        pk = request.GET.get("unit")
        if pk:
            unit = unit_get(user=request.user, pk=pk if str(pk).isdigit() else 0)
        else:
            unit = unit_scope_roots(user=request.user).order_by("path").first()
            if unit is None:
                raise Http404
        campaign = campaign_for_unit(user=request.user, unit=unit, pk=request.GET.get("campaign"))
        if campaign is None:
            raise Http404
        return unit, campaign


class BriefingListView(UnitCampaignMixin, View):
    def render_page(self, request, unit, campaign, form, status=200):
        context = {
            "unit": unit,
            "campaign": campaign,
            "page": page_of(
                request, selectors.briefing_list(user=request.user, unit=unit, campaign=campaign)
            ),
            "form": form,
            "can_generate": user_can(request.user, "record", unit),
            "can_edit_templates": user_can(request.user, "change", campaign.root_unit),
            "breadcrumbs": unit_breadcrumbs(user=request.user, unit=unit),
        }
        return render(request, "briefings/list.html", context, status=status)

    def get(self, request):
        if not request.GET.get("unit") and not unit_scope_roots(user=request.user).exists():
            return no_scope(request, _("工作简报"))
        unit, campaign = self.unit_campaign(request)
        templates = selectors.template_list(user=request.user, campaign=campaign)
        form = GenerateForm(
            campaign=campaign, templates=templates, initial={"as_of": timezone.localdate()}
        )
        return self.render_page(request, unit, campaign, form)


class BriefingGenerateView(BriefingListView):
    def post(self, request):
        unit, campaign = self.unit_campaign(request)
        # refused before the form is read (the service checks again)
        if not user_can(request.user, "record", unit):
            raise PermissionDenied(_("您没有为该单位生成简报的权限。"))
        templates = selectors.template_list(user=request.user, campaign=campaign)
        form = GenerateForm(request.POST, campaign=campaign, templates=templates)
        if not form.is_valid():
            return self.render_page(request, unit, campaign, form, status=400)
        try:
            briefing = services.briefing_generate(
                actor=request.user,
                campaign=campaign,
                unit=unit,
                as_of=form.cleaned_data["as_of"],
                batch=form.cleaned_data["batch"],
                template=form.cleaned_data["template"],
            )
        except DomainError as error:
            if error.code == "forbidden":
                raise PermissionDenied(error.message) from error
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.render_page(request, unit, campaign, form, status=400)
        messages.success(request, _("已生成简报草稿。"))
        return redirect(briefing)


def _figure_rows(briefing) -> list[dict]:
    # Only the figures' addresses are built from it (`Entry.url`): nothing is read for a user.
    query = Query(briefing.campaign, briefing.unit, briefing.batch, briefing.as_of, user=None)
    rows = []
    for figure in briefing.figures.all():
        entry = CATALOGUE.get(figure.key)
        rows.append(
            {
                "figure": figure,
                "count": len(figure.record_ids),
                "url": entry.url(query) if entry else "",
            }
        )
    return rows


class BriefingDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        briefing = selectors.briefing_get(user=request.user, pk=pk)
        context = {
            "briefing": briefing,
            "figures": _figure_rows(briefing),
            "can_issue": not briefing.issued and user_can(request.user, "change", briefing.unit),
            "breadcrumbs": unit_breadcrumbs(user=request.user, unit=briefing.unit),
        }
        return render(request, "briefings/detail.html", context)


class BriefingIssueView(LoginRequiredMixin, View):
    def post(self, request, pk):
        briefing = selectors.briefing_get(user=request.user, pk=pk)
        try:
            services.briefing_issue(actor=request.user, briefing=briefing)
        except DomainError as error:
            if error.code == "forbidden":
                raise PermissionDenied(error.message) from error
            messages.error(request, error.message)
        else:
            messages.success(request, _("简报已印发。"))
        return redirect(briefing)


class BriefingChangesView(LoginRequiredMixin, View):
    def get(self, request, pk):
        briefing = selectors.briefing_get(user=request.user, pk=pk)
        form = ChangesForm(request.GET)
        as_of = form.cleaned_data["as_of"] if form.is_valid() else None
        as_of = as_of or timezone.localdate()
        changes = selectors.briefing_changes(briefing=briefing, as_of=as_of)
        context = {
            "briefing": briefing,
            "form": form,
            "as_of": as_of,
            "changes": changes,
            "changed": [c for c in changes if c.changed],
            "breadcrumbs": unit_breadcrumbs(user=request.user, unit=briefing.unit),
        }
        return render(request, "briefings/changes.html", context)


def _filename(briefing, ext: str) -> str:
    day = briefing.as_of or datetime.date.today()
    values = {"unit": briefing.unit.name, "day": f"{day:%Y%m%d}"}
    name = _("%(unit)s工作简报（截至%(day)s）") % values
    return f"{name}.{ext}"


class BriefingDocxView(LoginRequiredMixin, View):
    def get(self, request, pk):
        briefing = selectors.briefing_get(user=request.user, pk=pk)
        return _download(briefing_docx(briefing), _filename(briefing, "docx"), DOCX_TYPE)


class BriefingHtmlView(LoginRequiredMixin, View):
    def get(self, request, pk):
        briefing = selectors.briefing_get(user=request.user, pk=pk)
        html, content_type = briefing_html(briefing), "text/html; charset=utf-8"
        if request.GET.get("download"):
            name = _filename(briefing, "html")
            return download(html.encode(), name=name, content_type=content_type)
        return HttpResponse(html, content_type=content_type)


class TemplateListView(UnitCampaignMixin, View):
    def get(self, request):
        unit, campaign = self.unit_campaign(request)
        context = {
            "unit": unit,
            "campaign": campaign,
            "templates": selectors.template_list(user=request.user, campaign=campaign),
            "can_edit": user_can(request.user, "change", campaign.root_unit),
            "default_name": DEFAULT_NAME,
        }
        return render(request, "briefings/templates.html", context)


class TemplateEditView(LoginRequiredMixin, View):
    """Write a template with the figure catalogue beside the editor; refused on save, with
    the line, when it does not compile or names a figure the catalogue does not have."""

    def setup_template(self, request, pk):
        if pk is None:
            campaign = get_object_or_404(
                Campaign.objects.restrict(request.user, "view").select_related("root_unit"),
                pk=request.GET.get("campaign") if str(request.GET.get("campaign")).isdigit() else 0,
            )
            template = None
        else:
            template = selectors.template_get(user=request.user, pk=pk)
            campaign = template.campaign
        if not user_can(request.user, "change", campaign.root_unit):
            raise PermissionDenied(_("只有活动办可以修改简报模板。"))
        return campaign, template

    def render_page(self, request, campaign, template, form, status=200):
        context = {
            "campaign": campaign,
            "template": template,
            "form": form,
            "catalogue": selectors.catalogue_rows(),
            "attributes": selectors.FIGURE_ATTRIBUTES,
            "syntax_help": _(
                "模板使用 Django 模板语法：{{ batch_trips }} 这样的指标键写出该指标"
                "（如 1960、1.49万、193.7亿元），"
                "{% if … %} 可按数据选择措辞。模板只能读取右侧列出的指标。"
            ),
        }
        return render(request, "briefings/template_edit.html", context, status=status)

    def get_form(self, template, data=None):
        if template is None:
            initial = {"name": "", "title": DEFAULT_TITLE, "text": DEFAULT_TEXT}
            return TemplateForm(data, initial=initial)
        fields = ("name", "title", "text", "is_default")
        return TemplateEditForm(data, initial={name: getattr(template, name) for name in fields})

    def get(self, request, pk=None):
        campaign, template = self.setup_template(request, pk)
        return self.render_page(request, campaign, template, self.get_form(template))

    def post(self, request, pk=None):
        campaign, template = self.setup_template(request, pk)
        form = self.get_form(template, request.POST)
        if not form.is_valid():
            return self.render_page(request, campaign, template, form, status=400)
        try:
            template = self.save(request.user, campaign, template, form)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.render_page(request, campaign, template, form, status=400)
        messages.success(request, _("模板已保存。"))
        return redirect(template)

    def save(self, actor, campaign, template, form):
        if template is None:
            return services.briefing_template_save(
                actor=actor, campaign=campaign, **form.cleaned_data
            )
        changes, seen = form.edits()
        return services.briefing_template_update(
            actor=actor, template=template, seen=seen, **changes
        )
