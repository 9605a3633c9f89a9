"""Figures and their records. Each view parses the query, calls one selector, renders."""

import datetime
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from shigan.core.pagination import page_of
from shigan.core.views_exchange import attachment
from shigan.metrics.exports import FigureRecordsExporter
from shigan.metrics.forms import FigureQueryForm
from shigan.metrics.registry import METRICS, Metric
from shigan.metrics.selectors import (
    UnitFigures,
    campaign_by_pk,
    dim_labels,
    figures_of,
    metric_dims,
    metric_records,
    records_sum,
)
from shigan.metrics.tables import record_row, shaped
from shigan.orgs.models import Unit
from shigan.orgs.selectors import unit_breadcrumbs, unit_get

__all__ = ["MetricOverviewView", "MetricRecordsView", "MetricRecordsExportView"]


# What a figure's query names: its form, the unit (in the user's scope), as-of date, campaign id.
FigureQuery = tuple[FigureQueryForm, Unit, datetime.date | None, int | None]


class FigureQueryMixin(LoginRequiredMixin):
    def parse(self, request: HttpRequest) -> FigureQuery:
        form = FigureQueryForm(request.GET)
        if not form.is_valid():
            raise Http404
        unit = unit_get(user=request.user, pk=form.cleaned_data["unit"])
        return form, unit, form.cleaned_data["as_of"], form.cleaned_data["campaign"]


# The index's groups: the families of figures, in the order of a report (学习, 调研, 整改, 实效).
FAMILIES = (
    ("study", _("学习")),
    ("research", _("调研")),
    ("problems", _("整改")),
    ("initiatives", _("实效")),
    ("petitions", _("信访")),
    ("other", _("其他")),
)
PER_PAGE = 6  # metrics on a page
CHILDREN_SHOWN = 20  # children of a metric, largest first; the rest on request


def _family(key: str) -> str:
    prefix = key.split(".", 1)[0]
    return prefix if any(prefix == f for f, _label in FAMILIES) else "other"


class MetricOverviewView(FigureQueryMixin, View):
    """The declared metrics of a unit, one family (学习/调研/整改 …) and PER_PAGE metrics a
    page, each with its largest children: every number is a link to its records. `?metric=key`
    opens the page that holds that figure."""

    def get(self, request: HttpRequest) -> HttpResponse:
        form, unit, as_of, campaign = self.parse(request)  # the unit is in the user's scope
        by_family: dict[str, list[Metric]] = {f: [] for f, _label in FAMILIES}
        for metric in METRICS.values():
            by_family[_family(metric.key)].append(metric)
        families = [(f, label, len(by_family[f])) for f, label in FAMILIES if by_family[f]]
        wanted = METRICS.get(request.GET.get("metric", ""))  # a link to one figure: its page
        family = _family(wanted.key) if wanted else request.GET.get("family")
        if family not in by_family or not by_family[family]:
            family = families[0][0] if families else ""
        number: str | int | None = request.GET.get("page")
        if wanted:
            number = by_family[family].index(wanted) // PER_PAGE + 1
        page = Paginator(by_family.get(family, []), PER_PAGE).get_page(number)
        show_all = request.GET.get("all", "")
        unit_figures = figures_of(user=request.user, unit=unit)
        figures = [
            _figure(metric, unit_figures, as_of, campaign, show_all == metric.key)
            for metric in page
        ]
        context = {
            "unit": unit,
            "as_of": as_of,
            "campaign": campaign,
            "form": form,
            "families": families,
            "family": family,
            "page": page,
            "figures": figures,
            "breadcrumbs": unit_breadcrumbs(user=request.user, unit=unit),
        }
        return render(request, "metrics/overview.html", context)


def _figure(
    metric: Metric,
    figures: UnitFigures,
    as_of: datetime.date | None,
    campaign: int | None,
    show_all: bool,
) -> dict[str, Any]:
    rows = figures.by_child(metric, as_of=as_of, campaign=campaign)
    children = sorted((r for r in rows if not r.own and r.value), key=lambda r: -r.value)
    own = next((r for r in rows if r.own and r.value), None)
    shown = children if show_all else children[:CHILDREN_SHOWN]
    return {
        "metric": metric,
        "value": sum(r.value for r in rows),
        "children": shown,
        "own": own,
        "hidden": len(children) - len(shown),
        "with_figures": len(children),
    }


def records_page(
    request: HttpRequest,
    *,
    title: object,
    records: QuerySet[Model],
    unit: Unit,
    campaign: Model | None = None,
    as_of: datetime.date | None = None,
    **extra: Any,
) -> HttpResponse:
    """The one drill-down page of a figure (metrics/records.html), for every app: the figure's
    label as title, its unit, campaign and date, the as-of filter, the records 50 a page with
    their amount total, and their export (`?format=xlsx` unless `export_url` is given)."""
    if request.GET.get("format") == "xlsx":
        exporter = FigureRecordsExporter(title=str(title), records=records)
        return attachment(exporter.xlsx_bytes(), f"{unit.name}-{title}.xlsx", "xlsx")
    shape, records = shaped(records)
    page = page_of(request, records)
    params = request.GET.copy()
    params.pop("page", None)
    params["format"] = "xlsx"
    context = {
        "title": title,
        "unit": unit,
        "campaign": campaign,
        "as_of": as_of,
        "as_of_filter": True,
        "page": page,
        "rows": [record_row(r, shape) for r in page],
        "shape": shape,
        "amount": records_sum(records, shape.amount_field) if shape.amount_field else None,
        "export_url": f"{request.path}?{params.urlencode()}",
        "breadcrumbs": unit_breadcrumbs(user=request.user, unit=unit),
        **extra,
    }
    return render(request, "metrics/records.html", context)


class MetricRecordsView(FigureQueryMixin, View):
    """The drill-down: exactly the records a figure counts, 50 a page, in the one drill-down
    style (the dashboards' figures use the same page): the figure's label as title, its
    context, filters in words, the amount total, export."""

    def records(
        self, request: HttpRequest, key: str
    ) -> tuple[Metric, Unit, datetime.date | None, int | None, dict[str, str], QuerySet[Model]]:
        metric = METRICS.get(key)
        if metric is None:
            raise Http404
        form, unit, as_of, campaign = self.parse(request)
        try:
            dims = metric_dims(metric, request.GET)
        except ValueError:  # a related record's dimension that is no record number
            raise Http404 from None
        records = metric_records(
            metric, unit=unit, user=request.user, as_of=as_of, campaign=campaign, **dims
        )
        return metric, unit, as_of, campaign, dims, records

    def get(self, request: HttpRequest, key: str) -> HttpResponse:
        metric, unit, as_of, campaign, dims, records = self.records(request, key)
        export = reverse("metrics:records_export", args=[key])
        return records_page(
            request,
            title=metric.label,
            records=records,
            unit=unit,
            campaign=campaign_by_pk(campaign),
            as_of=as_of,
            filters=dim_labels(metric, dims, request.user),
            export_url=f"{export}?{request.GET.urlencode()}",
        )


class MetricRecordsExportView(MetricRecordsView):
    """The drill-down's records as a spreadsheet, every row."""

    def get(self, request: HttpRequest, key: str) -> HttpResponse:
        metric, unit, as_of, campaign, dims, records = self.records(request, key)
        title = str(metric.label)
        words = "".join(f"-{value}" for _label, value in dim_labels(metric, dims, request.user))
        exporter = FigureRecordsExporter(title=title, records=records)
        return attachment(exporter.xlsx_bytes(), f"{unit.name}-{title}{words}.xlsx", "xlsx")
