from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from shigan.accounts.choices import SystemRole
from shigan.accounts.passwords import password_help

# Computed when shown, in the request's language, from the settings of the moment.
_password_help = lazy(password_help, str)

__all__ = [
    "LoginForm",
    "TokenCreateForm",
    "SecondFactorForm",
    "PasswordChangeForm",
    "UserCreateForm",
    "SystemRoleForm",
]


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("用户名"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("用户名或密码不正确。连续失败 5 次后账号将被锁定 30 分钟。"),
        "inactive": _("该账号已停用。"),
    }


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("令牌名称"),
        max_length=100,
        help_text=_("写明用途，例如“数据同步脚本”。"),
    )
    # The range is the service's (settings.SHIGAN_API_TOKEN_DAYS at most): it names the limit.
    days = forms.IntegerField(
        label=_("有效期（天）"),
        required=False,
        help_text=_("不填则为系统允许的最长有效期；到期后令牌失效，需另建新令牌。"),
    )


class SecondFactorForm(forms.Form):
    token = forms.CharField(
        label=_("动态口令"),
        max_length=16,
        help_text=_("验证器 App 中的 6 位数字；手机丢失时可输入一个恢复码。"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("原密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("新密码"),
        strip=False,
        help_text=_password_help(history=True),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("再次输入新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}  # Form.clean gives cleaned_data, never None here
        if data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新密码不一致。"))
        return data


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=100, required=False)
    password = forms.CharField(
        label=_("初始密码"),
        strip=False,
        help_text=format_lazy(
            "{} {}", _password_help(history=False), _("用户首次登录后须修改初始密码。")
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class SystemRoleForm(forms.Form):
    system_role = forms.ChoiceField(label=_("系统角色"), choices=SystemRole.choices, required=False)
