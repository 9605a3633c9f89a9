"""The livelihood list's pages (民生项目清单): the numbered ledger, the office's areas and items,
an item with its progress and service points."""

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
from shigan.initiatives.services import livelihood, service_points
from shigan.initiatives.views.common import campaign_of, require, require_office
from shigan.orgs.permissions import user_can
from shigan.orgs.selectors import unit_breadcrumbs, unit_get

__all__ = [
    "LivelihoodLedgerView",
    "LivelihoodAreaCreateView",
    "LivelihoodItemCreateView",
    "LivelihoodItemView",
    "ServicePointCreateView",
    "LivelihoodReportView",
    "LivelihoodMoveView",
]


class LivelihoodLedgerView(LoginRequiredMixin, View):
    """The livelihood list (民生项目清单) of a unit's subtree, numbered in the office's order."""

    def get(self, request, pk):
        unit = unit_get(user=request.user, pk=pk)
        campaign = campaign_of(request, unit)
        items = selectors.livelihood_ledger(user=request.user, unit=unit, campaign=campaign)
        context = {
            "unit": unit,
            "campaign": campaign,
            "page": page_of(request, items),
            "areas": selectors.livelihood_areas(campaign=campaign),
            "is_office": user_can(request.user, "change", campaign.root_unit),
            "breadcrumbs": unit_breadcrumbs(user=request.user, unit=unit),
        }
        return render(request, "initiatives/livelihood.html", context)


class LivelihoodOfficePage(ObjectActionView):
    def get_object(self, pk):
        unit = unit_get(user=self.request.user, pk=pk)
        campaign = campaign_of(self.request, unit)
        require_office(self.request.user, campaign)
        back = f"{reverse('initiatives:livelihood', args=[unit.pk])}?campaign={campaign.pk}"
        heading = f"{campaign.name}"
        return {"unit": unit, "campaign": campaign, "back": back, "heading": heading}


class LivelihoodAreaCreateView(LivelihoodOfficePage):
    title = gettext_lazy("新增民生领域")
    success = gettext_lazy("已新增民生领域。")

    def get_form(self, page, data=None, files=None):
        return forms.LivelihoodAreaForm(data)

    def perform(self, page, data):
        livelihood.livelihood_area_create(
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
        livelihood.livelihood_item_create(
            actor=self.request.user, campaign=page["campaign"], **data
        )
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
        service_points.service_point_open(actor=self.request.user, item=page["item"], **data)
        return page["back"]


class LivelihoodReportView(LoginRequiredMixin, View):
    def post(self, request, pk):
        item = selectors.livelihood_item_get(user=request.user, pk=pk)
        require(request.user, "record", item.unit)
        form = forms.LivelihoodReportForm(request.POST)
        if form.is_valid():
            try:
                livelihood.livelihood_progress_report(
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
        require_office(request.user, item.campaign)
        form = forms.LivelihoodMoveForm(request.POST)
        if form.is_valid():
            try:
                livelihood.livelihood_item_move(
                    actor=request.user, item=item, number=form.cleaned_data["number"]
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("已调整序号。"))
        return redirect(item)
