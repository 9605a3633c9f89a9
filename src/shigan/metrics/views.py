"""Figures and their records. Each view parses the query, calls one selector, renders."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views import View

from shigan.metrics.forms import FigureQueryForm
from shigan.metrics.registry import METRICS
from shigan.metrics.selectors import metric_by_child, metric_records
from shigan.orgs.selectors import unit_breadcrumbs, unit_get

__all__ = ["MetricOverviewView", "MetricRecordsView"]


class FigureQueryMixin(LoginRequiredMixin):
    def parse(self, request):
        form = FigureQueryForm(request.GET)
        if not form.is_valid():
            raise Http404
        unit = unit_get(user=request.user, pk=form.cleaned_data["unit"])
        return form, unit, form.cleaned_data["as_of"], form.cleaned_data["campaign"]


class MetricOverviewView(FigureQueryMixin, View):
    """Every declared metric for a unit, with the figure of each child: all numbers are links."""

    def get(self, request):
        form, unit, as_of, campaign = self.parse(request)  # the unit is in the user's scope
        figures = []
        for metric in METRICS.values():
            rows = metric_by_child(metric, unit=unit, as_of=as_of, campaign=campaign)
            figures.append(
                {"metric": metric, "value": sum(r.value for r in rows), "children": rows}
            )
        context = {
            "unit": unit,
            "as_of": as_of,
            "campaign": campaign,
            "form": form,
            "figures": figures,
            "breadcrumbs": unit_breadcrumbs(user=request.user, unit=unit),
        }
        return render(request, "metrics/overview.html", context)


class MetricRecordsView(FigureQueryMixin, View):
    """The drill-down: exactly the records a figure counts, 50 a page."""

    def get(self, request, key):
        metric = METRICS.get(key)
        if metric is None:
            raise Http404
        form, unit, as_of, campaign = self.parse(request)
        dims = {d: request.GET[d] for d in metric.dims if request.GET.get(d)}
        records = metric_records(
            metric, unit=unit, user=request.user, as_of=as_of, campaign=campaign, **dims
        )
        page = Paginator(records.select_related(*_related(metric)), 50).get_page(
            request.GET.get("page")
        )
        context = {
            "metric": metric,
            "unit": unit,
            "as_of": as_of,
            "dims": dims,
            "page": page,
            "breadcrumbs": unit_breadcrumbs(user=request.user, unit=unit),
        }
        return render(request, "metrics/records.html", context)


def _related(metric) -> list[str]:
    return [metric.unit_field] if metric.unit_field else []
