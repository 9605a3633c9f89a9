from django import forms
from django.utils.translation import gettext_lazy as _

__all__ = ["AuditExportForm"]


class AuditExportForm(forms.Form):
    since = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
