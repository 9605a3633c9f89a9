"""Research forms: short, one column, for a phone. They parse; the services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shigan.campaigns.choices import AspectKind
from shigan.campaigns.models import Aspect, GuidanceGroup
from shigan.core import uploads
from shigan.core.widgets import DateInput, UploadInput
from shigan.orgs.choices import UnitKind
from shigan.research import selectors
from shigan.research.choices import AdoptionState, ResultKind, ResultState, TopicState, Verdict

__all__ = [
    "TopicFilterForm",
    "TopicForm",
    "PlanForm",
    "ReviewForm",
    "TripForm",
    "ReportForm",
    "ProblemForm",
    "ResultForm",
    "ConcludeForm",
    "PromoteForm",
    "TargetReportForm",
    "VisitForm",
]


def _today():
    return timezone.localdate()


def _aspects(campaign, kind):
    if campaign is None:
        return Aspect.objects.none()
    return Aspect.objects.filter(campaign=campaign, kind=kind).order_by("ordinal")


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.unit.name}{' · ' + obj.post if obj.post else ''}）"


class PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.unit.name}）"


class TopicFilterForm(forms.Form):
    aspect = forms.ModelChoiceField(label=_("方面"), queryset=Aspect.objects.none(), required=False)
    state = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部"))] + list(TopicState.choices), required=False
    )
    q = forms.CharField(label=_("课题名称包含"), max_length=100, required=False)

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aspect"].queryset = _aspects(campaign, AspectKind.RESEARCH)


class TopicForm(forms.Form):
    title = forms.CharField(label=_("课题名称"), max_length=200)
    aspect = forms.ModelChoiceField(label=_("方面"), queryset=Aspect.objects.none())
    lead = PersonChoice(label=_("牵头领导"), queryset=None)
    participants = PeopleChoice(label=_("参与人员"), queryset=None, required=False)
    created_on = forms.DateField(label=_("确定日期"), initial=_today, widget=DateInput())

    def __init__(self, *args, campaign=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aspect"].queryset = _aspects(campaign, AspectKind.RESEARCH)
        self.fields["lead"].queryset = people
        self.fields["participants"].queryset = people


class PlanForm(forms.Form):
    text = forms.CharField(label=_("方案内容"), widget=forms.Textarea(attrs={"rows": 6}))
    attachment = forms.FileField(
        label=_("附件"), required=False, help_text=uploads.HELP, widget=UploadInput
    )


class ReviewForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("审核意见"), choices=Verdict.choices, widget=forms.RadioSelect
    )
    comments = forms.CharField(
        label=_("具体意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("要求修改完善时必填。"),
    )


class TripForm(forms.Form):
    visited_on = forms.DateField(label=_("调研日期"), initial=_today, widget=DateInput())
    place = forms.CharField(
        label=_("调研地点"),
        max_length=100,
        help_text=_("填单位名称（如某嘎查）、12 位行政区划代码或单位编号。"),
    )
    people = PeopleChoice(label=_("调研人员"), queryset=None, required=False)
    findings = forms.CharField(
        label=_("调研发现"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people


class ReportForm(forms.Form):
    text = forms.CharField(label=_("报告内容"), widget=forms.Textarea(attrs={"rows": 6}))
    attachment = forms.FileField(
        label=_("附件"), required=False, help_text=uploads.HELP, widget=UploadInput
    )


class ProblemForm(forms.Form):
    title = forms.CharField(label=_("问题"), max_length=300)
    found_on = forms.DateField(label=_("发现日期"), initial=_today, widget=DateInput())
    aspect = forms.ModelChoiceField(
        label=_("问题方面"), queryset=Aspect.objects.none(), required=False
    )

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aspect"].queryset = _aspects(campaign, AspectKind.PROBLEM)


class ResultForm(forms.Form):
    kind = forms.ChoiceField(label=_("成果类型"), choices=ResultKind.choices)
    title = forms.CharField(label=_("成果名称"), max_length=200)
    state = forms.ChoiceField(
        label=_("采纳状态"), choices=ResultState.choices, initial=ResultState.DRAFTING
    )
    adopted_on = forms.DateField(label=_("采纳日期"), required=False, widget=DateInput())
    recorded_on = forms.DateField(label=_("登记日期"), initial=_today, widget=DateInput())


class ConcludeForm(forms.Form):
    comment = forms.CharField(label=_("结题说明"), required=False, max_length=500)


class VisitForm(forms.Form):
    group: "forms.ModelChoiceField[GuidanceGroup]" = forms.ModelChoiceField(
        label=_("指导组"), queryset=None
    )
    unit = forms.IntegerField(label=_("被指导单位"), widget=forms.Select)
    visited_on = forms.DateField(label=_("指导日期"), initial=_today, widget=DateInput())
    notes = forms.CharField(
        label=_("情况记录"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = GuidanceGroup.objects.filter(pk__in=[g.pk for g in groups])
        self.fields["unit"].widget.choices = [
            (u.pk, f"{u.name}（{g.name}）") for g in groups for u in g.units.all()
        ]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class PromoteForm(forms.Form):
    """Promote a result: the units of one level under a unit, and/or a list of units."""

    scopes = forms.CharField(
        label=_("推广范围"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("每行一个单位名称（如某旗）或 12 位行政区划代码：推广到其下的所有该级单位。"),
    )
    target_kind = forms.ChoiceField(
        label=_("推广到"),
        choices=[
            (UnitKind.VILLAGE, _("嘎查村")),
            (UnitKind.TOWNSHIP, _("苏木乡镇")),
            (UnitKind.COUNTY, _("旗县")),
        ],
        initial=UnitKind.VILLAGE,
    )
    units = forms.CharField(
        label=_("另加单位"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个单位名称或行政区划代码，可不填。"),
    )
    deadline = forms.DateField(label=_("反馈期限"), widget=DateInput())
    note = forms.CharField(
        label=_("推广要求"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def clean_scopes(self):
        return _lines(self.cleaned_data["scopes"])

    def clean_units(self):
        return _lines(self.cleaned_data["units"])

    def clean(self):
        """The named units, each found in the campaign's tree; looked up only when the rest of
        the form is valid (a missing one is an error on its field)."""
        data = super().clean()
        if self.errors:
            return data
        for field in ("scopes", "units"):
            units = []
            for line in data[field]:
                unit = selectors.place_resolve(campaign=self.campaign, text=line)
                if unit is None:
                    self.add_error(field, _("找不到单位“%(u)s”。") % {"u": line})
                units.append(unit)
            if field not in self.errors:
                data[field] = units
        return data


class TargetReportForm(forms.Form):
    state = forms.ChoiceField(
        label=_("采用情况"),
        choices=[
            (AdoptionState.ADOPTED, AdoptionState.ADOPTED.label),
            (AdoptionState.NOT_APPLICABLE, AdoptionState.NOT_APPLICABLE.label),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("反馈说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不适用时请说明理由。"),
    )
    day = forms.DateField(label=_("反馈日期"), initial=_today, widget=DateInput())
