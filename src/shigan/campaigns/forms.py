from django import forms
from django.utils.translation import gettext_lazy as _

from shigan.accounts.selectors import active_user_by_username
from shigan.campaigns.choices import AspectKind, VisitPurpose
from shigan.campaigns.models import GuidanceGroup

__all__ = [
    "CampaignForm",
    "CampaignStartForm",
    "BatchForm",
    "AspectForm",
    "AspectRenameForm",
    "GroupForm",
    "MemberForm",
    "UnitsForm",
    "EnrolForm",
    "VisitForm",
    "VisitFilterForm",
]

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=200)
    root_unit = forms.IntegerField(
        label=_("牵头单位编号"),
        help_text=_("在上方搜索框中查找单位，填写其编号。"),
        error_messages={"invalid": _("请填写单位编号（数字）。")},
    )
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期"), required=False, widget=DATE)

    def __init__(self, *args, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope

    def clean_root_unit(self):
        unit = self.scope.filter(pk=self.cleaned_data["root_unit"]).first()
        if unit is None:
            raise forms.ValidationError(_("找不到该单位，或您不是该单位的管理员。"))
        return unit


class BatchForm(forms.Form):
    name = forms.CharField(label=_("批次名称"), max_length=50)
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期"), required=False, widget=DATE)


class AspectForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=AspectKind.choices, widget=forms.HiddenInput)
    name = forms.CharField(label=_("方面名称"), max_length=100)


class AspectRenameForm(forms.Form):
    name = forms.CharField(label=_("方面名称"), max_length=100)


class GroupForm(forms.Form):
    name = forms.CharField(label=_("指导组名称"), max_length=100)


class MemberForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = active_user_by_username(username)
        if user is None:
            raise forms.ValidationError(
                _("没有用户名为“%(name)s”的有效账号。") % {"name": username}
            )
        return user


class UnitsForm(forms.Form):
    """Units picked with the unit search (checkboxes named `units`)."""

    units = forms.TypedMultipleChoiceField(
        label=_("单位"), coerce=int, error_messages={"required": _("请先搜索并勾选单位。")}
    )

    def __init__(self, *args, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        data = args[0] if args else kwargs.get("data")
        picked = data.getlist("units") if data is not None and hasattr(data, "getlist") else []
        self.fields["units"].choices = [(v, v) for v in picked]

    def clean_units(self):
        pks = self.cleaned_data["units"]
        units = list(self.scope.filter(pk__in=pks).order_by("path"))
        if len(units) != len(set(pks)):
            raise forms.ValidationError(_("有单位不存在，或不在本次主题教育的范围内。"))
        return units


class EnrolForm(UnitsForm):
    include_subtree = forms.BooleanField(label=_("同时纳入全部下级单位"), required=False)
    enrolled_on = forms.DateField(label=_("纳入日期"), widget=DATE)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class VisitForm(forms.Form):
    group: "forms.ModelChoiceField[GuidanceGroup]" = forms.ModelChoiceField(
        label=_("指导组"), queryset=None, empty_label=None
    )
    unit = forms.IntegerField(widget=forms.HiddenInput)
    visited_on = forms.DateField(label=_("指导日期"), widget=DATE)
    purpose = forms.ChoiceField(label=_("事项"), choices=VisitPurpose.choices)
    notes = forms.CharField(label=_("情况记录"), required=False, widget=forms.Textarea({"rows": 4}))

    def __init__(self, *args, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups


class VisitFilterForm(forms.Form):
    group: "forms.ModelChoiceField[GuidanceGroup]" = forms.ModelChoiceField(
        label=_("指导组"), queryset=None, required=False, empty_label=_("全部")
    )
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    purpose = forms.ChoiceField(
        label=_("事项"), choices=[("", _("全部")), *VisitPurpose.choices], required=False
    )
    date_from = forms.DateField(label=_("起"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("止"), required=False, widget=DATE)

    def __init__(self, *args, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups


class CampaignStartForm(CampaignForm):
    """A campaign that follows another: the campaign form, plus what to do with the aspects."""

    COPY, ANEW = "copy", "anew"

    aspects = forms.ChoiceField(
        label=_("方面"),
        choices=[(COPY, _("沿用上一次主题教育的方面")), (ANEW, _("重新设置方面"))],
        initial=COPY,
        widget=forms.RadioSelect,
    )
