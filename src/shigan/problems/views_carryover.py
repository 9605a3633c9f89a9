"""The carry-over page (转入问题): the office of a campaign chooses, from the campaign before it,
the open and long-term problems that go on, a page at a time or a whole subtree at once."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Count
from django.db.models.functions import Substr
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from shigan.campaigns.models import Campaign
from shigan.campaigns.selectors import campaign_get, campaign_is_office
from shigan.core.errors import DomainError
from shigan.core.pagination import page_of
from shigan.orgs.models import Unit
from shigan.problems.carryover import carry_over_candidates, problems_carry_over
from shigan.problems.forms_carryover import CarryOverForm
from shigan.problems.models import Problem

__all__ = ["CarryOverView"]

TEMPLATE = "problems/carry_over.html"


def _sources(user, campaign: Campaign):
    """The earlier campaigns the user sees: where problems can come from."""
    return Campaign.objects.restrict(user, "view").filter(starts_on__lt=campaign.starts_on)


def _by_child(candidates, unit: Unit) -> list[tuple[Unit, int]]:
    """Candidates per child of `unit` (its subtree), to narrow the list down."""
    width = len(unit.path) + Unit.steplen
    counts = dict(
        candidates.order_by()
        .annotate(child=Substr("unit__path", 1, width, output_field=CharField()))
        .exclude(unit=unit)
        .values("child")
        .annotate(n=Count("pk"))
        .values_list("child", "n")
    )
    children = Unit.objects.filter(path__in=list(counts)).order_by("path")
    return [(child, counts[child.path]) for child in children]


class CarryOverView(LoginRequiredMixin, View):
    def _setup(self, request, pk):
        campaign = campaign_get(user=request.user, pk=pk)
        if not campaign_is_office(user=request.user, campaign=campaign):
            raise PermissionDenied(_("只有活动办管理员可以转入问题。"))
        params = request.GET if request.method == "GET" else request.POST
        sources = _sources(request.user, campaign)
        source = sources.filter(pk=params.get("source") or campaign.previous_id or 0).first()
        source = source or sources.first()
        try:
            unit_pk = int(params.get("unit") or campaign.root_unit_id)
        except ValueError:
            raise Http404 from None
        unit = (
            Unit.objects.restrict(request.user, "view")
            .subtree_of(campaign.root_unit)
            .filter(pk=unit_pk)
            .first()
        )
        if unit is None:
            raise Http404
        return campaign, sources, source, unit

    def _candidates(self, request, campaign, source, unit):
        if source is None:
            return Problem.objects.none()
        return carry_over_candidates(user=request.user, campaign=campaign, source=source, unit=unit)

    def _render(self, request, campaign, sources, source, unit, form=None, status=200):
        candidates = self._candidates(request, campaign, source, unit)
        page = page_of(request, candidates)
        initial = {"day": max(timezone.localdate(), campaign.starts_on)}
        context = {
            "campaign": campaign,
            "sources": sources,
            "source": source,
            "unit": unit,
            "page": page,
            "total": page.paginator.count,
            "children": _by_child(candidates, unit) if source else [],
            "form": form or CarryOverForm(initial=initial),
            "aspects": {a.name for a in campaign.aspects.all()},
        }
        return render(request, TEMPLATE, context, status=status)

    def get(self, request, pk):
        return self._render(request, *self._setup(request, pk))

    def post(self, request, pk):
        campaign, sources, source, unit = self._setup(request, pk)
        candidates = self._candidates(request, campaign, source, unit)
        ids = [v for v in request.POST.getlist("problems") if v.isdigit()]
        form = CarryOverForm(request.POST, choices=[int(v) for v in ids])
        if form.is_valid():
            data = form.cleaned_data
            chosen = candidates
            if not data["everything"]:
                chosen = candidates.filter(pk__in=data["problems"])
            try:
                carried = problems_carry_over(
                    actor=request.user,
                    problems=list(chosen),
                    campaign=campaign,
                    day=data["day"],
                    deadline=data["deadline"],
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("已转入 %(n)d 个问题。") % {"n": len(carried)})
                url = reverse("problems:carry_over", args=[campaign.pk])
                return redirect(f"{url}?source={source.pk}&unit={unit.pk}")
        return self._render(request, campaign, sources, source, unit, form, status=400)
