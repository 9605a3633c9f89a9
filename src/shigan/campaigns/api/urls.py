from django.urls import URLPattern, re_path
from rest_framework.routers import SimpleRouter

from shigan.campaigns.api import views

router = SimpleRouter()
router.register("", views.CampaignViewSet, basename="campaign")

# Everything else lives under one campaign: /api/campaigns/{campaign_pk}/batches/ …
nested = SimpleRouter()
nested.register("batches", views.BatchViewSet, basename="campaign-batch")
nested.register("participations", views.ParticipationViewSet, basename="campaign-participation")
nested.register("aspects", views.AspectViewSet, basename="campaign-aspect")
nested.register("groups", views.GroupViewSet, basename="campaign-group")
nested.register("visits", views.VisitViewSet, basename="campaign-visit")

urlpatterns = [
    *[
        re_path(
            r"^(?P<campaign_pk>[0-9]+)/" + str(url.pattern).removeprefix("^"),
            url.callback,
            name=url.name,
        )
        for url in nested.urls
        if isinstance(url, URLPattern)  # a SimpleRouter makes patterns only
    ],
    *router.urls,
]
