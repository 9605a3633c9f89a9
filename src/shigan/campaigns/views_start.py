"""Starting the campaign that follows another (接续开展): its aspects copied or set anew, then
on to carrying the open and long-term problems over (a page of the problem ledger)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy

from shigan.campaigns import services
from shigan.campaigns.forms import CampaignStartForm
from shigan.campaigns.views import CampaignMixin
from shigan.core.generic import ObjectActionView
from shigan.orgs.models import Unit

__all__ = ["CampaignStartView"]


class CampaignStartView(CampaignMixin, ObjectActionView):
    office = True
    template_name = "campaigns/campaign_start.html"
    success = gettext_lazy("已开展新的主题教育，请选择需要转入的问题。")

    def get_object(self, **kwargs):
        return self.get_campaign()

    def get_form(self, obj, data=None, files=None):
        initial = {"root_unit": obj.root_unit_id}
        scope = Unit.objects.restrict(self.request.user, "change")
        return CampaignStartForm(data, initial=initial, scope=scope)

    def get_back(self, obj) -> str:
        return reverse("campaigns:detail", args=[obj.pk])

    def get_extra_context(self, obj) -> dict:
        return {"previous": obj}

    def perform(self, obj, data):
        data = dict(data)
        copy = data.pop("aspects") == CampaignStartForm.COPY
        campaign = services.campaign_start(
            actor=self.request.user, previous=obj, copy_aspects=copy, **data
        )
        return reverse("problems:carry_over", args=[campaign.pk])
