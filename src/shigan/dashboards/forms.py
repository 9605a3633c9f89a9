from django import forms
from django.utils.translation import gettext_lazy as _

__all__ = ["DashboardForm", "RecordsQueryForm"]


class DashboardForm(forms.Form):
    """The dashboard's filters: campaign, batch, as-of date (all optional)."""

    campaign = forms.IntegerField(label=_("主题教育"), required=False, min_value=1)
    batch = forms.IntegerField(label=_("批次"), required=False, min_value=1)
    as_of = forms.DateField(
        label=_("截至日期"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("日期格式应为 2023-06-07。")},
    )


class RecordsQueryForm(DashboardForm):
    """A drill-down's query: the dashboard's filters plus the unit."""

    unit = forms.IntegerField(
        label=_("单位"),
        error_messages={"required": _("请指定单位。"), "invalid": _("单位编号无效。")},
    )
    aspect = forms.IntegerField(label=_("方面"), required=False, min_value=1)
    own = forms.BooleanField(label=_("仅本级"), required=False)
    value = forms.CharField(label=_("取值"), required=False, max_length=64)
