from django import forms
from django.utils.translation import gettext_lazy as _

from shigan.briefings.defaults import DEFAULT_TITLE
from shigan.briefings.models import BriefingTemplate
from shigan.campaigns.models import Batch
from shigan.core.edits import EditForm

__all__ = ["GenerateForm", "TemplateForm", "ChangesForm"]


class DateField(forms.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        kwargs["error_messages"] = {
            "invalid": _("日期格式应为 2023-06-07。"),
            **kwargs.get("error_messages", {}),
        }
        super().__init__(**kwargs)


class GenerateForm(forms.Form):
    as_of = DateField(label=_("截至日期"), error_messages={"required": _("请指定截至日期。")})
    batch = forms.ModelChoiceField(
        label=_("批次"), queryset=Batch.objects.none(), required=False, empty_label=_("第一批次")
    )
    template = forms.ModelChoiceField(
        label=_("模板"),
        queryset=BriefingTemplate.objects.none(),
        required=False,
        empty_label=_("默认模板"),
    )

    def __init__(self, *args, campaign, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = Batch.objects.filter(campaign=campaign).order_by("ordinal")
        self.fields["template"].queryset = templates


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("模板名称"), max_length=100)
    title = forms.CharField(label=_("简报标题"), max_length=200, initial=DEFAULT_TITLE)
    text = forms.CharField(
        label=_("模板内容"), widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"})
    )
    is_default = forms.BooleanField(label=_("设为默认模板"), required=False)


class TemplateEditForm(TemplateForm, EditForm):
    """A template's edit page: applies only what the user changed (core.edits)."""


class ChangesForm(forms.Form):
    as_of = DateField(label=_("对比截至日期"), required=False)
