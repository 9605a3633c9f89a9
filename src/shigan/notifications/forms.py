from django import forms
from django.utils.translation import gettext_lazy as _

__all__ = ["ContactForm"]


class ContactForm(forms.Form):
    """Where the user is reached. The page shows only masks of what is stored: a field left
    blank keeps its value; "清除" removes it. The service checks the values."""

    wecom_userid = forms.CharField(label=_("企业微信账号"), required=False, max_length=64)
    clear_wecom_userid = forms.BooleanField(label=_("清除"), required=False)
    dingtalk_userid = forms.CharField(label=_("钉钉账号"), required=False, max_length=64)
    clear_dingtalk_userid = forms.BooleanField(label=_("清除"), required=False)
    mobile = forms.CharField(label=_("手机号码"), required=False, max_length=20)
    clear_mobile = forms.BooleanField(label=_("清除"), required=False)

    FIELDS = ("wecom_userid", "dingtalk_userid", "mobile")

    def changes(self) -> dict:
        """The service's arguments: None keeps, "" clears, a value sets."""
        out = {}
        for name in self.FIELDS:
            if self.cleaned_data.get(f"clear_{name}"):
                out[name] = ""
            elif self.cleaned_data.get(name, "").strip():
                out[name] = self.cleaned_data[name].strip()
        return out
