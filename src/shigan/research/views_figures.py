"""The article's research figures (FIGURES rows 7–15) for a unit and campaign, each a link to
the records behind it; and the drill-downs the metrics pages cannot give (batch, distinct units).
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext
from django.views import View

from shigan.campaigns.models import Batch
from shigan.metrics.forms import FigureQueryForm
from shigan.metrics.registry import METRICS
from shigan.metrics.selectors import figures_of
from shigan.metrics.views import records_page
from shigan.orgs.selectors import unit_breadcrumbs, unit_get
from shigan.research import selectors

__all__ = ["FiguresView", "BatchRecordsView", "RevisedUnitsView"]

BATCH_METRICS = (
    "research.topics",
    "research.trips",
    "problems.research",
    "problems.research_measures",
)


class FigureMixin(LoginRequiredMixin):
    def parse(self, request):
        form = FigureQueryForm(request.GET)
        if not form.is_valid():
            raise Http404
        unit = unit_get(user=request.user, pk=form.cleaned_data["unit"])
        campaign = selectors.campaign_for_unit(
            user=request.user, unit=unit, pk=form.cleaned_data["campaign"]
        )
        if campaign is None:
            raise Http404
        return unit, campaign, form.cleaned_data["as_of"]

    def batch(self, request, campaign):
        batches = Batch.objects.filter(campaign=campaign)
        pk = request.GET.get("batch")
        if pk:
            return get_object_or_404(batches, pk=pk if str(pk).isdigit() else 0)
        return batches.order_by("ordinal").first()


class FiguresView(FigureMixin, View):
    def get(self, request):
        unit, campaign, as_of = self.parse(request)
        batch = self.batch(request, campaign)
        user = request.user
        unit_figures = figures_of(user=user, unit=unit)
        figures = {
            "aspects": selectors.research_aspects(campaign=campaign).value,
            "revised": selectors.units_with_revised_plans(
                campaign=campaign, unit=unit, user=user, as_of=as_of
            ).value,
        }
        for key in (
            "research.topics_provincial",
            "research.trips_provincial",
            "research.guidance_visits",
            "research.promotion_targets",
            "research.promotion_adopted",
        ):
            figures[key.split(".")[1]] = unit_figures.value(key, campaign=campaign, as_of=as_of)
        batch_figures = []
        if batch is not None:
            for key in BATCH_METRICS:
                figure = selectors.batch_records(
                    key, batch=batch, unit=unit, user=user, as_of=as_of
                )
                batch_figures.append((METRICS[key], figure.value))
        context = {
            "unit": unit,
            "campaign": campaign,
            "as_of": as_of,
            "batch": batch,
            "figures": figures,
            "batch_figures": batch_figures,
            "aspects": selectors.research_aspects(campaign=campaign).records,
            "breadcrumbs": unit_breadcrumbs(user=user, unit=unit),
        }
        return render(request, "research/figures.html", context)


class BatchRecordsView(FigureMixin, View):
    def get(self, request, key):
        if key not in BATCH_METRICS:
            raise Http404
        unit, campaign, as_of = self.parse(request)
        batch = self.batch(request, campaign)
        if batch is None:
            raise Http404
        figure = selectors.batch_records(
            key, batch=batch, unit=unit, user=request.user, as_of=as_of
        )
        return records_page(
            request, title=METRICS[key].label, records=figure.records, unit=unit,
            campaign=campaign, as_of=as_of, batch_shown=batch,
        )  # fmt: skip


class RevisedUnitsView(FigureMixin, View):
    """FIGURES row 15: the units whose plans a guidance group sent back for revision."""

    def get(self, request):
        unit, campaign, as_of = self.parse(request)
        figure = selectors.units_with_revised_plans(
            campaign=campaign, unit=unit, user=request.user, as_of=as_of
        )
        return records_page(
            request, title=_label(), records=figure.records, unit=unit, campaign=campaign,
            as_of=as_of,
        )  # fmt: skip


def _label():
    return gettext("帮助修改完善调研方案的单位数")
