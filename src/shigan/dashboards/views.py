"""The dashboard of a unit and campaign, its chart data, and the drill-downs the metrics pages
cannot give (batch figures, a unit's own records, distinct people and units, chart slices).
Each view parses the query, calls selectors, renders."""

from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from shigan.accounts.system import system_actor
from shigan.campaigns.choices import AspectKind
from shigan.campaigns.models import Aspect, Batch
from shigan.core.views import no_scope
from shigan.dashboards import selectors
from shigan.dashboards.figures import CATALOGUE, Query
from shigan.dashboards.forms import RecordsQueryForm
from shigan.metrics.exports import FigureRecordsExporter
from shigan.metrics.registry import METRICS
from shigan.metrics.tables import shaped
from shigan.metrics.views import records_page
from shigan.orgs.selectors import unit_breadcrumbs, unit_get, unit_scope_roots
from shigan.orgs.views_exchange import attachment
from shigan.research.selectors import campaign_for_unit

__all__ = [
    "DashboardHomeView",
    "DashboardView",
    "ChartDataView",
    "FigureRecordsView",
    "FigureExportView",
    "MetricRecordsView",
    "ChartRecordsView",
    "OverdueView",
]

PAGE_SIZE = 50


class QueryMixin(LoginRequiredMixin):
    """Parses unit, campaign, batch and as-of date into a `Query` (404 outside the scope)."""

    form_class = RecordsQueryForm

    def parse(self, request, unit_pk=None) -> tuple[Query, dict]:
        data = request.GET.copy()
        if unit_pk is not None:
            data["unit"] = unit_pk
        form = self.form_class(data)
        if not form.is_valid():
            raise Http404
        cleaned = form.cleaned_data
        unit = unit_get(user=request.user, pk=cleaned["unit"] if unit_pk is None else unit_pk)
        campaign = campaign_for_unit(user=request.user, unit=unit, pk=cleaned["campaign"])
        if campaign is None:
            raise Http404
        # The campaign's batches, read once: the one asked for (404 if not of the campaign),
        # else the first (`dashboard_query`); the dashboard lists them all.
        self.batches = list(Batch.objects.filter(campaign=campaign).order_by("ordinal"))
        batch = None
        if cleaned["batch"]:
            batch = next((b for b in self.batches if b.pk == cleaned["batch"]), None)
            if batch is None:
                raise Http404
        query = selectors.dashboard_query(
            campaign=campaign,
            unit=unit,
            batch=batch or (self.batches[0] if self.batches else None),
            as_of=cleaned["as_of"],
            user=request.user,
        )
        self.form = form
        return query, {**cleaned, "batch_chosen": batch is not None}


def _params(q: Query, batch_chosen: bool) -> str:
    params: dict[str, int | str] = {"unit": q.unit.pk, "campaign": q.campaign.pk}
    if batch_chosen and q.batch is not None:
        params["batch"] = q.batch.pk
    if q.as_of:
        params["as_of"] = q.as_of.isoformat()
    return urlencode(params)


class DashboardHomeView(LoginRequiredMixin, View):
    """The dashboard of the top unit of the user's scope."""

    def get(self, request):
        root = unit_scope_roots(user=request.user).order_by("path").first()
        if root is None:
            return no_scope(request, _("工作看板"))
        return redirect("dashboards:unit", root.pk)


class DashboardView(QueryMixin, View):
    def get(self, request, pk):
        q, cleaned = self.parse(request, unit_pk=pk)
        use_batch = cleaned["batch_chosen"]
        # The unit is checked (`parse`): its whole subtree is read as the system, whose reads
        # skip the scope filter and the unit check (speed), not as the user.
        system = Query(q.campaign, q.unit, q.batch, q.as_of, user=system_actor("工作看板"))
        columns, rows = selectors.child_table(system, use_batch=use_batch)
        table = _child_table_context(request, system, columns, rows, use_batch)
        overdue, overdue_count = selectors.overdue_listed(system, use_batch=use_batch)
        params = _params(q, use_batch)
        context = {
            "q": q,
            "unit": q.unit,
            "campaign": q.campaign,
            "batch": q.batch,
            "batch_chosen": use_batch,
            "batches": self.batches,
            "as_of": q.as_of,
            "pillars": selectors.pillar_figures(system),
            "columns": columns,
            **table,
            "overdue": overdue,
            "overdue_count": overdue_count,
            "overdue_url": f"{reverse('dashboards:overdue')}?{params}",
            "chart_params": params,
            "trend_note": selectors.trend_note(),
            "breadcrumbs": unit_breadcrumbs(user=request.user, unit=q.unit),
        }
        return render(request, "dashboards/dashboard.html", context)


def _child_table_context(request, q: Query, columns, rows, use_batch: bool) -> dict:
    """The by-child table sorted by the column asked for, its total row, and its first
    CHILD_ROWS_SHOWN children unless all are asked for (`children=all`)."""
    sort = request.GET.get("sort", "")
    rows = selectors.child_table_sorted(columns, rows, sort)
    children = len(rows) - 1
    show_all = request.GET.get("children") == "all"

    def url(**changes):
        params = request.GET.copy()
        for name, value in changes.items():
            params.pop(name, None)
            if value:
                params[name] = value
        return f"?{params.urlencode()}#by-child"

    return {
        "rows": rows
        if show_all or children <= selectors.CHILD_ROWS_SHOWN
        else [*rows[: selectors.CHILD_ROWS_SHOWN], rows[-1]],
        "total_row": selectors.child_table_total(q, columns, rows, use_batch=use_batch),
        "sort": sort,
        "sort_links": [(c, url(sort=c.key)) for c in columns],
        "tree_order_url": url(sort=""),
        "children_count": children,
        "children_hidden": 0 if show_all else max(0, children - selectors.CHILD_ROWS_SHOWN),
        "all_children_url": url(children="all"),
    }


class ChartDataView(QueryMixin, View):
    """The JSON a chart draws: problems by aspect or by state, or the trend."""

    def get(self, request, pk, name):
        q, cleaned = self.parse(request, unit_pk=pk)
        system = Query(q.campaign, q.unit, q.batch, q.as_of, user=system_actor("工作看板图表"))
        if name == "trend":
            data = selectors.chart_trend(system)
        elif name in selectors.CHART_DIMS:
            data = {"rows": selectors.chart_by_dim(system, name, use_batch=cleaned["batch_chosen"])}
        else:
            raise Http404
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def _records_page(request, *, title, records, q, extra=None):
    """The one drill-down page (`metrics.views.records_page`) with the dashboard's context."""
    return records_page(
        request, title=title, records=records, unit=q.unit, campaign=q.campaign,
        as_of=q.as_of, batch=q.batch, **(extra or {}),
    )  # fmt: skip


class FigureRecordsView(QueryMixin, View):
    """Exactly the records behind one figure of the catalogue; by aspect where it has one."""

    def figure(self, request, key):
        entry = CATALOGUE.get(key)
        if entry is None:
            raise Http404
        q, cleaned = self.parse(request)
        figure = entry.evaluate(q)
        records, aspect = figure.records, None
        if cleaned["aspect"] and shaped(records)[0].has_aspect:
            aspect = get_object_or_404(Aspect, campaign=q.campaign, pk=cleaned["aspect"])
            records = records.filter(aspect=aspect)
        return entry, q, figure, records, aspect

    def get(self, request, key):
        entry, q, figure, records, aspect = self.figure(request, key)
        shape = shaped(records)[0]
        aspects = []
        if shape.has_aspect:
            aspects = Aspect.objects.filter(campaign=q.campaign, kind=_aspect_kind(records))
        export = reverse("dashboards:figure_export", args=[entry.key])
        extra = {
            "figure": figure,
            "entry": entry,
            "aspects": aspects,
            "aspect": aspect,
            "export_url": f"{export}?{request.GET.urlencode()}",
            "batch_shown": q.batch if entry.batched else None,
            "quantity": figure if entry.measure else None,
        }
        return _records_page(request, title=entry.label, records=records, q=q, extra=extra)


def _aspect_kind(records) -> str:
    model = records.model._meta.label_lower
    return AspectKind.RESEARCH if model == "research.researchtopic" else AspectKind.PROBLEM


class FigureExportView(FigureRecordsView):
    def get(self, request, key):
        entry, q, figure, records, aspect = self.figure(request, key)
        title = str(entry.label)
        exporter = FigureRecordsExporter(title=title, records=records)
        name = f"{q.unit.name}-{title}" + (f"-{aspect.name}" if aspect else "")
        return attachment(exporter.xlsx_bytes(), f"{name}.xlsx", "xlsx")


class MetricRecordsView(QueryMixin, View):
    """A cell of the by-child table: a metric's records of the batch's units under a unit, or
    of the unit itself only (`own=1`)."""

    def get(self, request, key):
        if key not in METRICS:
            raise Http404
        q, cleaned = self.parse(request)
        records = selectors.metric_cell_records(
            key, q, unit=q.unit, batch=cleaned["batch_chosen"], own=cleaned["own"]
        )
        title = METRICS[key].label
        extra = {
            "note": _("仅本级") if cleaned["own"] else "",
            "batch_shown": q.batch if cleaned["batch_chosen"] else None,
        }
        return _records_page(request, title=title, records=records, q=q, extra=extra)


class ChartRecordsView(QueryMixin, View):
    """The problems behind one bar or slice of a chart."""

    def get(self, request, dim):
        if dim not in selectors.CHART_DIMS:
            raise Http404
        q, cleaned = self.parse(request)
        records = selectors.chart_records(
            q, dim, cleaned["value"], use_batch=cleaned["batch_chosen"]
        )
        label = _("问题按方面") if dim == "aspect" else _("问题按状态")
        name = selectors.chart_value_name(q, dim, cleaned["value"])
        title = f"{label} · {name}" if name else label  # the chart's title and the bar's name
        extra = {"batch_shown": q.batch if cleaned["batch_chosen"] else None}
        return _records_page(request, title=title, records=records, q=q, extra=extra)


class OverdueView(QueryMixin, View):
    def get(self, request):
        q, cleaned = self.parse(request)
        records = selectors.overdue_problems(q, use_batch=cleaned["batch_chosen"])
        extra = {"batch_shown": q.batch if cleaned["batch_chosen"] else None}
        title = _("逾期未完成整改（红灯）")
        return _records_page(request, title=title, records=records, q=q, extra=extra)
