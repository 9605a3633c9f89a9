"""Forms of the delivery pages: short, one column. They parse; the services decide."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shigan.core import uploads
from shigan.core.edits import EditForm
from shigan.core.spreadsheets.values import CellError
from shigan.core.widgets import DateInput, UploadInput
from shigan.initiatives.amounts import parse_amount
from shigan.initiatives.choices import (
    FundSource,
    KeyTaskArea,
    ProjectKind,
    ProjectState,
)
from shigan.initiatives.measures import MEASURE_CHOICES
from shigan.initiatives.models import Indicator, KeyTask, LivelihoodArea

__all__ = [
    "AmountField",
    "BoardFilterForm",
    "KeyTaskForm",
    "MilestoneForm",
    "MilestoneCompleteForm",
    "ProjectForm",
    "ProjectFilterForm",
    "ProjectStateForm",
    "LinkForm",
    "LivelihoodAreaForm",
    "LivelihoodItemForm",
    "LivelihoodMoveForm",
    "LivelihoodReportForm",
    "IndicatorForm",
    "IndicatorReportForm",
    "ServicePointForm",
]


def _today():
    return timezone.localdate()


class AmountField(forms.Field):
    """An amount typed as people write it: 193.7亿元, 1937000万元, 19,370,000,000; a bare
    number is in yuan. Cleans to an exact Decimal."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 40})

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("单位为元；也可直接写“193.7亿元”“1937000万元”。"))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return "" if value is None else str(value)

    def to_python(self, value):
        text = value.strip() if isinstance(value, str) else value
        if text in (None, ""):
            return None
        try:
            return parse_amount(text)
        except CellError as error:
            raise ValidationError(error.message, code="invalid_amount") from None


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.unit.name}{' · ' + obj.post if obj.post else ''}）"


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class BoardFilterForm(forms.Form):
    on = forms.DateField(
        label=_("截至日期"), required=False, widget=DateInput(), input_formats=["%Y-%m-%d"]
    )


class KeyTaskForm(forms.Form):
    title = forms.CharField(label=_("任务名称"), max_length=200)
    area = forms.ChoiceField(label=_("任务领域"), choices=KeyTaskArea.choices)
    goal = forms.CharField(
        label=_("目标"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner_unit = UnitChoice(label=_("牵头单位"), queryset=None, required=False)
    owner_leader = PersonChoice(label=_("责任领导"), queryset=None, required=False)
    starts_on = forms.DateField(label=_("开始日期"), initial=_today, widget=DateInput())
    roadmap = forms.CharField(
        label=_("路线图"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每个步骤一行，按先后顺序。"),
    )
    task_book_text = forms.CharField(
        label=_("任务书"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    task_book_file = forms.FileField(
        label=_("任务书附件"), required=False, help_text=uploads.HELP, widget=UploadInput
    )

    def __init__(self, *args, units=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = units
        self.fields["owner_leader"].queryset = people


class KeyTaskEditForm(KeyTaskForm, EditForm):
    """A key task's edit page: applies only what the user changed (core.edits)."""


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("节点名称"), max_length=200)
    due_on = forms.DateField(
        label=_("完成时限"),
        required=False,
        widget=DateInput(),
        help_text=_("须为工作日；不填为“时限未定”。"),
    )
    weight = forms.IntegerField(
        label=_("权重"),
        min_value=1,
        max_value=1000,
        initial=1,
        help_text=_("各节点在进度中的比重，默认等权。"),
    )


class MilestoneCompleteForm(forms.Form):
    done_on = forms.DateField(label=_("完成日期"), initial=_today, widget=DateInput())
    note = forms.CharField(
        label=_("完成情况"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(
        label=_("佐证材料"), required=False, help_text=uploads.HELP, widget=UploadInput
    )


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("项目名称"), max_length=200)
    unit = UnitChoice(label=_("实施单位"), queryset=None)
    key_task: "forms.ModelChoiceField[KeyTask]" = forms.ModelChoiceField(
        label=_("重点任务"), queryset=None, required=False
    )
    area = forms.ChoiceField(
        label=_("任务领域"),
        choices=[("", "—")] + list(KeyTaskArea.choices),
        required=False,
        help_text=_("选了重点任务的，领域随重点任务。"),
    )
    kind = forms.ChoiceField(label=_("项目类型"), choices=ProjectKind.choices)
    fund_source = forms.ChoiceField(
        label=_("资金来源"), choices=FundSource.choices, initial=FundSource.OTHER
    )
    funds_allocated = AmountField(label=_("安排资金"))
    funds_disbursed = AmountField(label=_("已拨付资金"), required=False)
    approved_on = forms.DateField(label=_("立项日期"), initial=_today, widget=DateInput())
    started_on = forms.DateField(label=_("开工日期"), required=False, widget=DateInput())
    finished_on = forms.DateField(label=_("完工日期"), required=False, widget=DateInput())

    def __init__(self, *args, units=None, key_tasks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["key_task"].queryset = key_tasks


class ProjectEditForm(ProjectForm, EditForm):
    """A project's edit form: applies only what the user changed (core.edits)."""


class ProjectFilterForm(forms.Form):
    area = forms.ChoiceField(
        label=_("任务领域"), choices=[("", _("全部"))] + list(KeyTaskArea.choices), required=False
    )
    kind = forms.ChoiceField(
        label=_("项目类型"), choices=[("", _("全部"))] + list(ProjectKind.choices), required=False
    )
    state = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部"))] + list(ProjectState.choices), required=False
    )


class ProjectStateForm(forms.Form):
    state = forms.ChoiceField(label=_("状态"), choices=ProjectState.choices)
    day = forms.DateField(label=_("日期"), initial=_today, widget=DateInput())
    comment = forms.CharField(label=_("说明"), required=False, max_length=500)


class LinkForm(forms.Form):
    """Pick a research result or a rule that serves the key task."""

    item: "forms.ModelChoiceField[Model]" = forms.ModelChoiceField(label=_("关联"), queryset=None)

    def __init__(self, *args, choices=None, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = choices
        if label:
            self.fields["item"].label = label


class LivelihoodAreaForm(forms.Form):
    name = forms.CharField(label=_("民生领域名称"), max_length=50)


class LivelihoodItemForm(forms.Form):
    title = forms.CharField(label=_("项目名称"), max_length=200)
    area = forms.ModelChoiceField(label=_("民生领域"), queryset=LivelihoodArea.objects.none())
    unit = UnitChoice(label=_("责任单位"), queryset=None)
    target = forms.CharField(
        label=_("目标任务"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateField(label=_("完成时限"), required=False, widget=DateInput())
    listed_on = forms.DateField(label=_("列入日期"), initial=_today, widget=DateInput())

    def __init__(self, *args, campaign=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = LivelihoodArea.objects.filter(campaign=campaign)
        self.fields["unit"].queryset = units


class LivelihoodMoveForm(forms.Form):
    number = forms.IntegerField(label=_("新序号"), min_value=1)


class LivelihoodReportForm(forms.Form):
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 3}))
    percent = forms.IntegerField(label=_("进度（%）"), min_value=0, max_value=100)
    reported_on = forms.DateField(label=_("报告日期"), initial=_today, widget=DateInput())


class IndicatorForm(forms.Form):
    """An indicator a key task declares; the target is text the service reads ("5.31万千瓦")."""

    name = forms.CharField(label=_("指标名称"), max_length=100)
    measure = forms.ChoiceField(label=_("计量单位"), choices=MEASURE_CHOICES)
    target = forms.CharField(
        label=_("目标值"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("按计量单位填写；也可写明单位，如“5.31万千瓦”“53.1兆瓦”。"),
    )


class IndicatorReportForm(forms.Form):
    """A value a project reports for one of its key task's indicators."""

    indicator: "forms.ModelChoiceField[Indicator]" = forms.ModelChoiceField(
        label=_("指标"), queryset=None
    )
    value = forms.CharField(
        label=_("新增数值"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("本次新增的数量，按指标的计量单位；也可写明单位，如“5.31万千瓦”“53.1兆瓦”。"),
    )
    reported_on = forms.DateField(label=_("报告日期"), initial=_today, widget=DateInput())
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, indicators=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators


class ServicePointForm(forms.Form):
    name = forms.CharField(label=_("网点名称"), max_length=200)
    unit = UnitChoice(label=_("所在单位"), queryset=None)
    partner = forms.CharField(
        label=_("合作机构"),
        required=False,
        max_length=200,
        help_text=_("如合作银行的支行名称。"),
    )
    opened_on = forms.DateField(label=_("开通日期"), initial=_today, widget=DateInput())
    services = forms.CharField(
        label=_("服务事项"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每项一行。"),
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
