"""Starting the campaign that follows another (接续开展): its aspects copied or set anew, then
on to carrying the open and long-term problems over (a page of the problem ledger)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from shigan.campaigns import services
from shigan.campaigns.forms import CampaignStartForm
from shigan.campaigns.views import CampaignMixin
from shigan.core.errors import DomainError
from shigan.core.generic import apply_domain_error
from shigan.orgs.models import Unit

__all__ = ["CampaignStartView"]

TEMPLATE = "campaigns/campaign_start.html"


class CampaignStartView(CampaignMixin, View):
    office = True

    def _form(self, previous, data=None):
        initial = {"root_unit": previous.root_unit_id}
        scope = Unit.objects.restrict(self.request.user, "change")
        return CampaignStartForm(data, initial=initial, scope=scope)

    def _render(self, request, previous, form, status=200):
        return render(request, TEMPLATE, {"previous": previous, "form": form}, status=status)

    def get(self, request, pk):
        previous = self.get_campaign()
        return self._render(request, previous, self._form(previous))

    def post(self, request, pk):
        previous = self.get_campaign()
        form = self._form(previous, request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            copy = data.pop("aspects") == CampaignStartForm.COPY
            try:
                campaign = services.campaign_start(
                    actor=request.user, previous=previous, copy_aspects=copy, **data
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("已开展新的主题教育，请选择需要转入的问题。"))
                return redirect("problems:carry_over", pk=campaign.pk)
        return self._render(request, previous, form, status=400)
