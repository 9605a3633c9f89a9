"""Pages of issue 16's login controls: the second factor (enrolment, verification, recovery
codes), changing one's password, the system administrator's accounts page and the security
administrator's roles-and-policies page. Each view parses and calls one service."""

from base64 import b32encode, b64encode
from typing import Any
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from shigan.accounts import selectors, services
from shigan.accounts import views as base_views
from shigan.accounts.errors import AccountError, ErrorCode
from shigan.accounts.forms import (
    PasswordChangeForm,
    SecondFactorForm,
    SystemRoleForm,
    UserCreateForm,
)
from shigan.accounts.gate import STEP_PAGES, owed_step, second_factor_passed
from shigan.accounts.requests import AuthenticatedRequest
from shigan.accounts.second_factor import (
    has_second_factor,
    recovery_codes_left,
    recovery_codes_regenerate,
    second_factor_enrol,
    second_factor_required,
    second_factor_reset,
    second_factor_verify,
    totp_pending,
)
from shigan.core.errors import DomainError
from shigan.core.pagination import page_of

__all__ = [
    "LoginView",
    "SecondFactorView",
    "SecondFactorVerifyView",
    "PasswordChangeView",
    "UserAdminView",
    "UserActionView",
    "SecurityAdminView",
    "SecurityActionView",
]


def _next(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse(settings.LOGIN_REDIRECT_URL)


def _form_error(form: forms.BaseForm, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


class LoginView(base_views.LoginView):
    """The password page; a user who owes the second factor (marked at login by the
    receiver, as for every backend) is sent straight on to it."""

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        step = owed_step(self.request)
        if not step:
            return response
        page = reverse(STEP_PAGES[step])
        return redirect(f"{page}?{urlencode({'next': self.get_success_url()})}")


def _qr_data_url(url: str) -> str:
    """The QR code as an SVG data: URL for an <img> (the CSP allows data: images only)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return "data:image/svg+xml;base64," + b64encode(image.to_string()).decode()


def _secret(device: Any) -> str:  # a django-otp TOTPDevice (no types)
    text = b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


class SecondFactorView(LoginRequiredMixin, View):
    """Enrol a TOTP app (QR code and secret), or, once enrolled, see how many recovery codes
    are left and make new ones. Recovery codes are shown on the answer that makes them only."""

    template = "accounts/second_factor.html"

    def _owes_verification(self, request: AuthenticatedRequest) -> bool:
        # Someone with a device who has not passed it may not enrol a new one instead.
        # is_verified: django-otp's middleware puts it on the user
        return has_second_factor(request.user) and not request.user.is_verified()  # type: ignore[attr-defined]

    def get(
        self, request: AuthenticatedRequest, form: forms.BaseForm | None = None, status: int = 200
    ) -> HttpResponse:
        if self._owes_verification(request):
            return redirect(f"{reverse('accounts:second_factor_verify')}?{request.GET.urlencode()}")
        user, context = request.user, dict[str, Any](next=_next(request))
        if has_second_factor(user):
            context |= {"enrolled": True, "codes_left": recovery_codes_left(user)}
        else:
            device = totp_pending(user)
            context |= {
                "form": form or SecondFactorForm(),
                "qr": _qr_data_url(device.config_url),
                "secret": _secret(device),
                "required": second_factor_required(user),
            }
        return render(request, self.template, context, status=status)

    def post(self, request: AuthenticatedRequest) -> HttpResponse:
        if self._owes_verification(request):
            raise Http404
        if request.POST.get("action") == "regenerate":
            try:
                codes = recovery_codes_regenerate(actor=request.user)
            except DomainError as error:
                messages.error(request, error.message)
                return redirect("accounts:second_factor")
            return self._codes(request, codes)
        form = SecondFactorForm(request.POST)
        if form.is_valid():
            device = totp_pending(request.user)
            try:
                codes = second_factor_enrol(
                    actor=request.user, device=device, token=form.cleaned_data["token"]
                )
            except DomainError as error:
                _form_error(form, error)
            else:
                django_otp.login(request, device)
                second_factor_passed(request)
                return self._codes(request, codes)
        return self.get(request, form=form, status=400)

    def _codes(self, request: AuthenticatedRequest, codes: list[str]) -> HttpResponse:
        context = {"codes": codes, "next": _next(request)}
        return render(request, "accounts/recovery_codes.html", context)


class SecondFactorVerifyView(LoginRequiredMixin, View):
    template = "accounts/second_factor_verify.html"

    def get(
        self, request: AuthenticatedRequest, form: forms.BaseForm | None = None, status: int = 200
    ) -> HttpResponse:
        if not has_second_factor(request.user):
            return redirect(f"{reverse('accounts:second_factor')}?{request.GET.urlencode()}")
        context = {"form": form or SecondFactorForm(), "next": _next(request)}
        return render(request, self.template, context, status=status)

    def post(self, request: AuthenticatedRequest) -> HttpResponse:
        form = SecondFactorForm(request.POST)
        if form.is_valid():
            device = second_factor_verify(user=request.user, token=form.cleaned_data["token"])
            if device is not None:
                django_otp.login(request, device)
                second_factor_passed(request)
                return redirect(_next(request))
            form.add_error("token", _("动态口令不正确或已用过，请稍候再试。"))
        return self.get(request, form=form, status=400)


class PasswordChangeView(LoginRequiredMixin, View):
    template = "accounts/password_change.html"

    def get(
        self, request: AuthenticatedRequest, form: forms.BaseForm | None = None, status: int = 200
    ) -> HttpResponse:
        context = {"form": form or PasswordChangeForm(), "next": _next(request)}
        return render(request, self.template, context, status=status)

    def post(self, request: AuthenticatedRequest) -> HttpResponse:
        form = PasswordChangeForm(request.POST)
        if form.is_valid():
            try:
                services.user_change_password(
                    actor=request.user,
                    old_password=form.cleaned_data["old_password"],
                    new_password=form.cleaned_data["new_password"],
                    session=request.session,
                )
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("密码已修改。"))
                return redirect(_next(request))
        return self.get(request, form=form, status=400)


class UserAdminView(LoginRequiredMixin, View):
    """The system administrator's accounts: create, deactivate, reset a password."""

    def get(
        self, request: AuthenticatedRequest, form: forms.BaseForm | None = None, status: int = 200
    ) -> HttpResponse:
        users = selectors.account_list(user=request.user, power="accounts")
        context = {"page": page_of(request, users), "form": form or UserCreateForm()}
        return render(request, "accounts/users.html", context, status=status)

    def post(self, request: AuthenticatedRequest) -> HttpResponse:
        selectors.account_list(user=request.user, power="accounts")  # 404 for anyone else
        form = UserCreateForm(request.POST)
        if form.is_valid():
            try:
                user = services.user_create(actor=request.user, **form.cleaned_data)
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("已创建账号“%(name)s”。") % {"name": user.username})
                return redirect("accounts:users")
        return self.get(request, form=form, status=400)


class UserActionView(LoginRequiredMixin, View):
    def post(self, request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
        user = selectors.account_get(user=request.user, power="accounts", pk=pk)
        try:
            if action == "deactivate":
                services.user_set_active(actor=request.user, user=user, active=False)
            elif action == "reactivate":
                services.user_set_active(actor=request.user, user=user, active=True)
            elif action == "password":
                services.user_reset_password(
                    actor=request.user, user=user, password=request.POST.get("password", "")
                )
            else:
                raise Http404
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已保存。"))
        return redirect("accounts:users")


class SecurityAdminView(LoginRequiredMixin, View):
    """The security administrator's page: system roles, second factors, the policies."""

    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        users = selectors.account_list(user=request.user, power="security")
        policies = {
            "password_days": settings.SHIGAN_PASSWORD_MAX_AGE_DAYS,
            "max_sessions": settings.SHIGAN_MAX_SESSIONS,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "address_limit": settings.SHIGAN_LOGIN_ADDRESS_LIMIT,
            "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        }
        context = {
            "page": page_of(request, users),
            "role_form": SystemRoleForm(),
            "policies": policies,
        }
        return render(request, "accounts/security.html", context)


class SecurityActionView(LoginRequiredMixin, View):
    def post(self, request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
        user = selectors.account_get(user=request.user, power="security", pk=pk)
        try:
            if action == "role":
                form = SystemRoleForm(request.POST)
                if not form.is_valid():
                    raise AccountError(_("系统角色无效。"), code=ErrorCode.INVALID_ROLE)
                services.user_set_system_role(
                    actor=request.user, user=user, system_role=form.cleaned_data["system_role"]
                )
            elif action == "second-factor-reset":
                second_factor_reset(actor=request.user, user=user)
            elif action == "unlock":
                services.login_unlock(actor=request.user, username=user.username)
            else:
                raise Http404
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已保存。"))
        return redirect("accounts:security")
