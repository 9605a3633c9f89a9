from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "shigan.campaigns"
    label = "campaigns"
    verbose_name = _("主题教育")

    def ready(self):
        # Imported here: they read the models, loaded only now.
        from shigan.campaigns.models import Aspect, Campaign, GuidanceGroup
        from shigan.campaigns.scoping import GUIDANCE_ACTIONS, guidance_units
        from shigan.campaigns.selectors import campaign_named
        from shigan.core.versions import versions_follow
        from shigan.metrics.registry import register_campaign_lookup
        from shigan.orgs.scoping import register_scope_provider

        register_scope_provider(GUIDANCE_ACTIONS, guidance_units)
        # Cached pages (the problem ledger) show campaigns and aspects; groups give scope.
        for model in (Campaign, Aspect, GuidanceGroup):
            versions_follow(model, "campaigns")
        # A figure's drill-down names its campaign (metrics keeps only its id).
        register_campaign_lookup(campaign_named)
