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

# The apps whose pages stand under `<app>/` and whose API stands under `api/<app>/`.
_PAGE_APPS = [
    "audit", "metrics", "research", "problems", "initiatives", "study", "campaigns", "petitions",
    "notifications", "dashboards", "briefings",
]  # fmt: skip
_API_APPS = [
    "research", "problems", "initiatives", "campaigns", "petitions", "study", "dashboards",
    "briefings",
]  # fmt: skip

urlpatterns = [
    path("", include((core_patterns, core_urls.app_name))),
    path("accounts/", include("shigan.accounts.urls")),
    path("login/", include("shigan.accounts.external.urls")),  # LDAP needs none: OIDC, CAS
    path("units/", include("shigan.orgs.urls")),
    *(path(f"{app}/", include(f"shigan.{app}.urls")) for app in _PAGE_APPS),
    path("i18n/setlang/", set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("api/", include("shigan.core.api_urls")),
    path("api/", include("shigan.accounts.api.urls")),
    path("api/", include("shigan.orgs.api.urls")),
    path("api/", include("shigan.metrics.api.urls")),
    *(path(f"api/{app}/", include(f"shigan.{app}.api.urls")) for app in _API_APPS),
]

handler400 = "shigan.core.views.error_400"
handler404 = "shigan.core.views.error_404"
handler403 = "shigan.core.views.error_403"
handler500 = "shigan.core.views.error_500"
