from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from shigan.core import urls as core_urls
from shigan.orgs.views_home import HomeView

# core's pages, and the home page: it lists the user's units, so it is orgs' view, named in core's
# namespace (`core:home`) where every page links to it.
core_patterns = [path("", HomeView.as_view(), name="home"), *core_urls.urlpatterns]

urlpatterns = [
    path("", include((core_patterns, core_urls.app_name))),
    path("accounts/", include("shigan.accounts.urls")),
    path("login/", include("shigan.accounts.external.urls")),  # LDAP needs none: OIDC, CAS
    path("units/", include("shigan.orgs.urls")),
    path("audit/", include("shigan.audit.urls")),
    path("metrics/", include("shigan.metrics.urls")),
    path("research/", include("shigan.research.urls")),
    path("problems/", include("shigan.problems.urls")),
    path("initiatives/", include("shigan.initiatives.urls")),
    path("study/", include("shigan.study.urls")),
    path("campaigns/", include("shigan.campaigns.urls")),
    path("petitions/", include("shigan.petitions.urls")),
    path("notifications/", include("shigan.notifications.urls")),
    path("dashboards/", include("shigan.dashboards.urls")),
    path("briefings/", include("shigan.briefings.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("api/", include("shigan.core.api_urls")),
    path("api/", include("shigan.accounts.api.urls")),
    path("api/", include("shigan.orgs.api.urls")),
    path("api/", include("shigan.metrics.api.urls")),
    path("api/research/", include("shigan.research.api.urls")),
    path("api/problems/", include("shigan.problems.api.urls")),
    path("api/initiatives/", include("shigan.initiatives.api.urls")),
    path("api/campaigns/", include("shigan.campaigns.api.urls")),
    path("api/petitions/", include("shigan.petitions.api.urls")),
    path("api/study/", include("shigan.study.api.urls")),
    path("api/dashboards/", include("shigan.dashboards.api.urls")),
    path("api/briefings/", include("shigan.briefings.api.urls")),
]

handler404 = "shigan.core.views.error_404"
handler403 = "shigan.core.views.error_403"
