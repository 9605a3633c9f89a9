from django.contrib.auth import views as auth_views

from shigan.accounts.forms import LoginForm

__all__ = ["LoginView", "LogoutView"]


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass
