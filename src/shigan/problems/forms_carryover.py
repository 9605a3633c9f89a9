"""The carry-over page's form: which problems go, on which day, with which new deadline."""

from django import forms
from django.utils.translation import gettext_lazy as _

__all__ = ["CarryOverForm"]

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CarryOverForm(forms.Form):
    problems = forms.TypedMultipleChoiceField(
        label=_("转入的问题"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    everything = forms.BooleanField(label=_("转入本单位及下级的全部候选问题"), required=False)
    day = forms.DateField(label=_("转入日期"), widget=DATE, input_formats=["%Y-%m-%d"])
    deadline = forms.DateField(
        label=_("新的整改时限"),
        required=False,
        widget=DATE,
        input_formats=["%Y-%m-%d"],
        help_text=_("不填写则沿用原整改时限；长期坚持的问题为下一检查节点。"),
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Any id on the page's list may be posted; the service checks each again.
        self.fields["problems"].choices = [(pk, pk) for pk in choices]

    def clean(self):
        data = super().clean()
        if not data.get("problems") and not data.get("everything"):
            raise forms.ValidationError(_("请至少选择一个问题。"))
        return data
