from django import forms
from django.utils.translation import gettext_lazy as _

__all__ = ["FigureQueryForm"]

MAX_ID = 2**63 - 1  # a database integer: a larger number is refused here, not by the database


class FigureQueryForm(forms.Form):
    unit = forms.IntegerField(
        label=_("单位"),
        min_value=1,
        max_value=MAX_ID,
        error_messages={"required": _("请指定单位。"), "invalid": _("单位编号无效。")},
    )
    as_of = forms.DateField(
        label=_("截至日期"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("日期格式应为 2023-06-07。")},
    )
    campaign = forms.IntegerField(
        label=_("主题教育"), required=False, min_value=1, max_value=MAX_ID
    )
