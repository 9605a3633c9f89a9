from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from shigan.accounts.models import User
from shigan.accounts.selectors import active_user_by_username
from shigan.core.edits import EditForm
from shigan.orgs.choices import PersonRank, Role, UnitKind
from shigan.orgs.models import Unit

__all__ = ["UnitForm", "UnitCreateForm", "UnitMoveForm", "MembershipGrantForm", "PersonForm"]


class UnitForm(EditForm):
    name = forms.CharField(label=_("名称"), max_length=100)
    short_name = forms.CharField(label=_("简称"), max_length=50, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=UnitKind.choices)
    active = forms.BooleanField(label=_("有效"), required=False, initial=True)


class UnitCreateForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    short_name = forms.CharField(label=_("简称"), max_length=50, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=UnitKind.choices, initial=UnitKind.DEPARTMENT)


class UnitMoveForm(forms.Form):
    new_parent = forms.IntegerField(
        label=_("新上级单位编号"),
        help_text=_("在上方搜索框中查找单位，填写其编号。"),
        error_messages={
            "invalid": _("请填写单位编号（数字）。"),
            "required": _("请选择新上级单位。"),
        },
    )

    def __init__(self, *args: Any, scope: QuerySet[Unit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope if scope is not None else Unit.objects.none()

    def clean_new_parent(self) -> Unit:
        unit = self.scope.filter(pk=self.cleaned_data["new_parent"]).first()
        if unit is None:
            raise forms.ValidationError(_("找不到该单位，或您无权把单位移到它之下。"))
        return unit


class MembershipGrantForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        user = active_user_by_username(username)
        if user is None:
            raise forms.ValidationError(
                _("没有用户名为“%(name)s”的有效账号。") % {"name": username}
            )
        return user


class PersonForm(EditForm):
    """A person of the roster; the service checks the rules (the phone's form among them)."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    post = forms.CharField(label=_("职务"), max_length=100, required=False)
    rank = forms.ChoiceField(label=_("职级"), choices=PersonRank.choices, initial=PersonRank.OTHER)
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        required=False,
        help_text=_("手机号，或带区号的固定电话，如 0479-8234567。"),
    )
