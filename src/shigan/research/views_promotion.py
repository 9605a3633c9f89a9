"""Promotion of research results (成果推广) pages: promote a result, the promotion's figures by
subtree with their records, a promoted unit's answer. Each view parses, calls one selector or
service, renders."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from shigan.core.generic import ObjectActionView
from shigan.core.pagination import page_of
from shigan.orgs.choices import UnitKind
from shigan.orgs.permissions import user_can
from shigan.orgs.selectors import unit_breadcrumbs
from shigan.research import forms, selectors, services
from shigan.research.choices import AdoptionState, ResultState

__all__ = ["PromoteView", "PromotionListView", "PromotionDetailView", "TargetReportView"]


class PromoteView(ObjectActionView):
    """The promoting unit marks an adopted result for promotion (推广) with a deadline."""

    title = gettext_lazy("推广调研成果")
    success = gettext_lazy("已推广调研成果。")

    def get_object(self, **kwargs):
        result = selectors.result_get(user=self.request.user, pk=kwargs["pk"])
        if not user_can(self.request.user, "record", result.unit):
            raise PermissionDenied(_("您没有在该单位登记调研的权限。"))
        return result

    def get(self, request, **kwargs):
        result = self.get_object(**kwargs)
        if result.state != ResultState.ADOPTED:
            messages.error(request, _("成果采纳后才能推广。"))
            return redirect(result)
        return self.render_form(result, self.get_form(result))

    def get_form(self, obj, data=None, files=None):
        return forms.PromoteForm(data, campaign=obj.campaign)

    def perform(self, obj, data):
        return services.result_promote(
            actor=self.request.user,
            result=obj,
            scopes=data["scopes"],
            target_kind=data["target_kind"],
            units=data["units"],
            deadline=data["deadline"],
            note=data["note"],
        )


class PromotionListView(LoginRequiredMixin, View):
    """The promotions the user sees: those their units made, and those reaching their units."""

    def get(self, request):
        result = request.GET.get("result", "")
        result = selectors.result_get(user=request.user, pk=result) if result.isdigit() else None
        promotions = selectors.promotion_list(user=request.user, result=result)
        page = page_of(request, promotions)
        return render(request, "research/promotion_list.html", {"page": page})


class PromotionDetailView(LoginRequiredMixin, View):
    """One promotion under a unit: "推广到 N 个嘎查村，已采用 M 个", by child, and the answers."""

    def get(self, request, pk):
        user = request.user
        promotion = selectors.promotion_get(user=user, pk=pk)
        unit = selectors.promotion_unit(user=user, promotion=promotion, pk=request.GET.get("unit"))
        state = request.GET.get("state", "")
        figure = selectors.promotion_figure(user=user, promotion=promotion, unit=unit)
        targets = selectors.promotion_targets(
            user=user, promotion=promotion, unit=unit, state=state
        )
        page = page_of(request, targets)
        context = {
            "promotion": promotion,
            "unit": unit,
            "figure": figure,
            "page": page,
            "state": state,
            "states": AdoptionState.choices,
            "villages": promotion.target_kind == UnitKind.VILLAGE,
            "answerable": {t.pk for t in page if user_can(user, "record", t.unit)},
            "breadcrumbs": unit_breadcrumbs(user=user, unit=unit),
        }
        return render(request, "research/promotion_detail.html", context)


class TargetReportView(ObjectActionView):
    """A promoted unit answers: adopted, or not applicable with the reason."""

    title = gettext_lazy("反馈采用情况")
    success = gettext_lazy("已反馈采用情况。")

    def get_object(self, **kwargs):
        target = selectors.target_get(user=self.request.user, pk=kwargs["pk"])
        if not user_can(self.request.user, "record", target.unit):
            raise PermissionDenied(_("您没有为该单位反馈采用情况的权限。"))
        return target

    def get_form(self, obj, data=None, files=None):
        initial = {"note": obj.note}
        if obj.state != AdoptionState.PENDING:
            initial["state"] = obj.state
        return forms.TargetReportForm(data, initial=initial)

    def get_heading(self, obj) -> str:
        return f"{obj.promotion.result} · {obj.unit.name}"

    def get_back(self, obj) -> str:
        return obj.promotion.get_absolute_url()

    def perform(self, obj, data):
        services.promotion_report(actor=self.request.user, target=obj, **data)
        return f"{obj.promotion.get_absolute_url()}?unit={obj.unit_id}"
