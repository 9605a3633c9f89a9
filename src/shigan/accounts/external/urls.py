"""Routes of the external logins, included at /login/ by shigan.urls (names as the libraries
expect them: mozilla-django-oidc reverses "oidc_authentication_callback")."""

from django.urls import path

from shigan.accounts.external import cas, oidc

urlpatterns = [
    path("oidc/", oidc.OidcStartView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", oidc.OidcCallbackView.as_view(), name="oidc_authentication_callback"),
    path("cas/", cas.CasLoginView.as_view(), name="cas_login"),
]
