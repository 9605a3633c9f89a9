from django.urls import path

from shigan.accounts import views, views_security

app_name = "accounts"
urlpatterns = [
    path("login/", views_security.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("tokens/", views.TokenListView.as_view(), name="tokens"),
    path("tokens/<int:pk>/revoke/", views.TokenRevokeView.as_view(), name="token_revoke"),
    path("second-factor/", views_security.SecondFactorView.as_view(), name="second_factor"),
    path(
        "second-factor/verify/",
        views_security.SecondFactorVerifyView.as_view(),
        name="second_factor_verify",
    ),
    path("password/", views_security.PasswordChangeView.as_view(), name="password_change"),
    path("users/", views_security.UserAdminView.as_view(), name="users"),
    path(
        "users/<int:pk>/<slug:action>/",
        views_security.UserActionView.as_view(),
        name="user_action",
    ),
    path("security/", views_security.SecurityAdminView.as_view(), name="security"),
    path(
        "security/<int:pk>/<slug:action>/",
        views_security.SecurityActionView.as_view(),
        name="security_action",
    ),
]
