from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from shigan.accounts import selectors, services
from shigan.accounts.forms import LoginForm, TokenCreateForm
from shigan.accounts.requests import AuthenticatedRequest
from shigan.core.errors import DomainError
from shigan.core.pagination import page_of

__all__ = ["LoginView", "LogoutView", "TokenListView", "TokenRevokeView"]


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class TokenListView(LoginRequiredMixin, View):
    """The user's API tokens; a new token's key is shown on the answer to its creation only."""

    def get(
        self,
        request: AuthenticatedRequest,
        form: TokenCreateForm | None = None,
        new_key: str | None = None,
        status: int = 200,
    ) -> HttpResponse:
        context = {
            "form": form or TokenCreateForm(),
            "page": page_of(request, selectors.token_list(user=request.user)),
            "new_key": new_key,
        }
        return render(request, "accounts/tokens.html", context, status=status)

    def post(self, request: AuthenticatedRequest) -> HttpResponse:
        form = TokenCreateForm(request.POST)
        if form.is_valid():
            try:
                token, key = services.token_create(
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    days=form.cleaned_data["days"],
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("已创建令牌“%(name)s”。") % {"name": token.name})
                return self.get(request, new_key=key)
        return self.get(request, form=form, status=400)


class TokenRevokeView(LoginRequiredMixin, View):
    def post(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        token = selectors.token_get(user=request.user, pk=pk)
        try:
            services.token_revoke(actor=request.user, token=token)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已撤销令牌“%(name)s”。") % {"name": token.name})
        return redirect("accounts:tokens")
