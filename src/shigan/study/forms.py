"""Forms parse; the services decide."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shigan.core import uploads
from shigan.core.edits import EditForm
from shigan.core.spreadsheets.forms import ImportForm
from shigan.core.widgets import DateInput, UploadInput
from shigan.orgs.models import Person
from shigan.study.choices import StudyKind

__all__ = ["StudyActivityForm", "StudyFilterForm", "StudyImportForm"]


class StudyActivityForm(EditForm):
    """Short enough for a phone: kind, title, date, head count, leaders; the rest optional."""

    kind = forms.ChoiceField(label=gettext_lazy("学习形式"), choices=StudyKind.choices)
    title = forms.CharField(label=gettext_lazy("主题"), max_length=200)
    held_on = forms.DateField(label=gettext_lazy("日期"), widget=DateInput)
    participants = forms.IntegerField(label=gettext_lazy("参加人数"), min_value=0, required=False)
    leaders = forms.ModelMultipleChoiceField(
        label=gettext_lazy("参加领导"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    ends_on = forms.DateField(
        label=gettext_lazy("结束日期"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy("多日的读书班填写。"),
    )
    notes = forms.CharField(
        label=gettext_lazy("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    attachment = forms.FileField(
        label=gettext_lazy("附件"),
        required=False,
        help_text=uploads.HELP,
        widget=UploadInput,
    )

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leaders"].queryset = people if people is not None else Person.objects.none()

    def ticked_leader_ids(self) -> list[int]:
        """The leaders ticked: as posted, or, before a post, the initial ones."""
        return [int(v) for v in (self["leaders"].value() or []) if str(v).isdigit()]


class StudyFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("学习形式"),
        choices=[("", gettext_lazy("全部"))] + list(StudyKind.choices),
        required=False,
    )
    held_from = forms.DateField(label=gettext_lazy("起始日期"), required=False, widget=DateInput)
    held_to = forms.DateField(label=gettext_lazy("截止日期"), required=False, widget=DateInput)
    subtree = forms.TypedChoiceField(
        label=gettext_lazy("范围"),
        choices=[("1", gettext_lazy("本单位及下级")), ("0", gettext_lazy("仅本单位"))],
        coerce=lambda v: v == "1",
        required=False,
        # The stubs allow only str | None; Django takes any value of the coerced type.
        empty_value=True,  # type: ignore[arg-type]
    )

    def clean(self):
        data = super().clean()
        if data.get("held_from") and data.get("held_to") and data["held_to"] < data["held_from"]:
            raise forms.ValidationError(_("截止日期不能早于起始日期。"))
        return data


class StudyImportForm(ImportForm):
    pass
