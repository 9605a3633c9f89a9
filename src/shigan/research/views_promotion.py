"""Promotion of research results (成果推广) pages: promote a result, the promotion's figures by
subtree with their records, a promoted unit's answer. Each view parses, calls one selector or
service, renders."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from shigan.core.errors import DomainError
from shigan.core.generic import apply_domain_error
from shigan.orgs.choices import UnitKind
from shigan.orgs.selectors import unit_breadcrumbs
from shigan.orgs.services import user_can
from shigan.research import forms, selectors, services
from shigan.research.choices import AdoptionState, ResultState

__all__ = ["PromoteView", "PromotionListView", "PromotionDetailView", "TargetReportView"]

PAGE_SIZE = 50


def _form_page(request, *, form, title, heading, back, unit, status=200):
    context = {
        "form": form,
        "title": title,
        "heading": heading,
        "back": back,
        "unit": unit,
        "breadcrumbs": unit_breadcrumbs(user=request.user, unit=unit),
    }
    return render(request, "core/generic/form.html", context, status=status)


class PromoteView(LoginRequiredMixin, View):
    """The promoting unit marks an adopted result for promotion (推广) with a deadline."""

    def get_result(self):
        result = selectors.result_get(user=self.request.user, pk=self.kwargs["pk"])
        if not user_can(self.request.user, "record", result.unit):
            raise PermissionDenied(_("您没有在该单位登记调研的权限。"))
        return result

    def _render(self, result, form, status=200):
        return _form_page(
            self.request,
            form=form,
            title=_("推广调研成果"),
            heading=result.title,
            back=result.get_absolute_url(),
            unit=result.unit,
            status=status,
        )

    def get(self, request, pk):
        result = self.get_result()
        if result.state != ResultState.ADOPTED:
            messages.error(request, _("成果采纳后才能推广。"))
            return redirect(result)
        return self._render(result, forms.PromoteForm())

    def _units(self, result, form):
        """The scopes and listed units named in the form, or None (errors put on the form)."""
        named = {}
        for field in ("scopes", "units"):
            named[field] = []
            for line in form.cleaned_data[field]:
                unit = selectors.place_resolve(campaign=result.campaign, text=line)
                if unit is None:
                    form.add_error(field, _("找不到单位“%(u)s”。") % {"u": line})
                named[field].append(unit)
        return None if form.errors else (named["scopes"], named["units"])

    def post(self, request, pk):
        result = self.get_result()
        form = forms.PromoteForm(request.POST)
        named = self._units(result, form) if form.is_valid() else None
        if named is not None:
            scopes, units = named
            try:
                promotion = services.result_promote(
                    actor=request.user,
                    result=result,
                    scopes=scopes,
                    target_kind=form.cleaned_data["target_kind"],
                    units=units,
                    deadline=form.cleaned_data["deadline"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as error:
                if error.code == "forbidden":
                    raise PermissionDenied(error.message) from error
                apply_domain_error(form, error)
            else:
                messages.success(request, _("已推广调研成果。"))
                return redirect(promotion)
        return self._render(result, form, status=400)


class PromotionListView(LoginRequiredMixin, View):
    """The promotions the user sees: those their units made, and those reaching their units."""

    def get(self, request):
        result = request.GET.get("result", "")
        result = selectors.result_get(user=request.user, pk=result) if result.isdigit() else None
        promotions = selectors.promotion_list(user=request.user, result=result)
        page = Paginator(promotions, PAGE_SIZE).get_page(request.GET.get("page"))
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
        page = Paginator(targets, PAGE_SIZE).get_page(request.GET.get("page"))
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


class TargetReportView(LoginRequiredMixin, View):
    """A promoted unit answers: adopted, or not applicable with the reason."""

    def get_target(self):
        target = selectors.target_get(user=self.request.user, pk=self.kwargs["pk"])
        if not user_can(self.request.user, "record", target.unit):
            raise PermissionDenied(_("您没有为该单位反馈采用情况的权限。"))
        return target

    def _render(self, target, form, status=200):
        return _form_page(
            self.request,
            form=form,
            title=_("反馈采用情况"),
            heading=f"{target.promotion.result} · {target.unit.name}",
            back=target.promotion.get_absolute_url(),
            unit=target.unit,
            status=status,
        )

    def get(self, request, pk):
        target = self.get_target()
        initial = {"note": target.note}
        if target.state != AdoptionState.PENDING:
            initial["state"] = target.state
        return self._render(target, forms.TargetReportForm(initial=initial))

    def post(self, request, pk):
        target = self.get_target()
        form = forms.TargetReportForm(request.POST)
        if form.is_valid():
            try:
                services.promotion_report(actor=request.user, target=target, **form.cleaned_data)
            except DomainError as error:
                if error.code == "forbidden":
                    raise PermissionDenied(error.message) from error
                apply_domain_error(form, error)
            else:
                messages.success(request, _("已反馈采用情况。"))
                return redirect(f"{target.promotion.get_absolute_url()}?unit={target.unit_id}")
        return self._render(target, form, status=400)
