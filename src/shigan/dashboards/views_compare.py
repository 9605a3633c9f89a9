"""The comparison page: two campaigns' figures side by side for one unit."""

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views import View

from shigan.campaigns.models import Campaign
from shigan.dashboards.compare import campaign_comparison, default_as_of
from shigan.orgs.models import Unit
from shigan.orgs.selectors import unit_get, unit_scope_roots
from shigan.research.selectors import campaign_for_unit

__all__ = ["CompareForm", "CompareView"]

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CompareForm(forms.Form):
    unit = forms.IntegerField(label=_("单位"), required=False, min_value=1)
    a = forms.IntegerField(label=_("主题教育一"), required=False, min_value=1)
    b = forms.IntegerField(label=_("主题教育二"), required=False, min_value=1)
    as_of_a = forms.DateField(label=_("截至日期（一）"), required=False, widget=DATE)
    as_of_b = forms.DateField(label=_("截至日期（二）"), required=False, widget=DATE)


def _campaigns(user, unit, cleaned) -> tuple[Campaign, Campaign]:
    """The two campaigns asked for (404 if one does not cover the unit); by default the latest
    covering the unit and the one it follows (or the one before it)."""
    second = campaign_for_unit(user=user, unit=unit, pk=cleaned["b"])
    if second is None:
        raise Http404
    if cleaned["a"]:
        first = campaign_for_unit(user=user, unit=unit, pk=cleaned["a"])
    else:
        step = Unit.steplen
        covering = Campaign.objects.restrict(user, "view").filter(
            root_unit__path__in=[unit.path[:i] for i in range(step, len(unit.path) + 1, step)]
        )
        previous = (
            covering.filter(pk=second.previous_id).first()
            if second.previous_id is not None
            else None
        )
        first = (
            previous
            or covering.filter(starts_on__lt=second.starts_on).order_by("-starts_on").first()
        )
    if first is None:
        raise Http404
    return first, second


class CompareView(LoginRequiredMixin, View):
    def get(self, request):
        form = CompareForm(request.GET)
        if not form.is_valid():
            raise Http404
        cleaned = form.cleaned_data
        if cleaned["unit"]:
            unit = unit_get(user=request.user, pk=cleaned["unit"])
        else:
            unit = unit_scope_roots(user=request.user).order_by("path").first()
            if unit is None:
                raise Http404
        first, second = _campaigns(request.user, unit, cleaned)
        first_as_of = cleaned["as_of_a"] or default_as_of(first)
        second_as_of = cleaned["as_of_b"] or default_as_of(second)
        rows = campaign_comparison(
            user=request.user,
            unit=unit,
            first=first,
            second=second,
            first_as_of=first_as_of,
            second_as_of=second_as_of,
        )
        context = {
            "unit": unit,
            "first": first,
            "second": second,
            "first_as_of": first_as_of,
            "second_as_of": second_as_of,
            "rows": rows,
        }
        return render(request, "dashboards/compare.html", context)
