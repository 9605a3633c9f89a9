"""Problem ledger forms: short, one column, keyboard-first. They parse; the services decide."""

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from shigan.campaigns.models import Aspect
from shigan.core import uploads
from shigan.core.spreadsheets.forms import ImportForm
from shigan.core.widgets import DateInput, UploadInput
from shigan.orgs.models import Unit
from shigan.problems import selectors
from shigan.problems.choices import Light, ProblemSource, ProblemState, ProblemTerm
from shigan.problems.models import SpecialProgram

__all__ = [
    "LedgerFilterForm",
    "ledger_filters",
    "ProblemRecordForm",
    "MeasureForm",
    "MeasureCompleteForm",
    "ReportForm",
    "EvidenceForm",
    "CloseOutForm",
    "DecideForm",
    "ExtensionForm",
    "ExtensionDecideForm",
    "BulkForm",
]


def _today():
    return timezone.localdate()


class MultipleFileInput(UploadInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


FILES_HELP = format_lazy("{}{}", uploads.HELP, _("可一次选多个。"))


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.unit.name}{' · ' + obj.post if obj.post else ''}）"


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class AspectChoice(forms.ModelChoiceField):
    """Aspects of one or several campaigns; the campaign is named when there are several."""

    def __init__(self, *args, several=False, **kwargs):
        self.several = several
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.campaign.name} · {obj.name}" if self.several else obj.name


ALL = _("全部")


def _blank(choices):
    return [("", ALL), *choices]


class IdChoiceField(forms.TypedChoiceField):
    """A record among a few listed ones, by id (the choices are built from rows the view has
    already read: no query when the form is parsed or drawn)."""

    def __init__(self, **kwargs):
        super().__init__(coerce=int, empty_value=None, required=False, **kwargs)


class LedgerFilterForm(forms.Form):
    """The ledger's filters. Drawn by `problems_tags.filter_field`, not by widget templates:
    the ledger is the page people open most (see bench/ledger_http.py)."""

    q = forms.CharField(label=_("问题包含"), required=False, max_length=100)
    measure_q = forms.CharField(label=_("措施包含"), required=False, max_length=100)
    campaign = IdChoiceField(label=_("主题教育"))
    aspect = IdChoiceField(label=_("方面"))
    source = forms.ChoiceField(
        label=_("来源"), choices=_blank(ProblemSource.choices), required=False
    )
    state = forms.ChoiceField(label=_("状态"), choices=_blank(ProblemState.choices), required=False)
    light = forms.ChoiceField(label=_("红黄绿灯"), choices=_blank(Light.choices), required=False)
    term = forms.ChoiceField(
        label=_("整改类型"), choices=_blank(ProblemTerm.choices), required=False
    )
    deadline_from = forms.DateField(label=_("时限从"), required=False, widget=DateInput())
    deadline_to = forms.DateField(label=_("时限到"), required=False, widget=DateInput())
    special_program = IdChoiceField(label=_("专项整治"))
    own_only = forms.BooleanField(label=_("只看本单位"), required=False)

    def __init__(self, *args, campaigns, aspects, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaigns = campaigns
        self.latest = campaigns[0] if campaigns else None  # shown in the heading
        self.programs = programs
        several = len({a.campaign_id for a in aspects}) > 1
        self.fields["campaign"].choices = _blank([(c.pk, c.name) for c in campaigns])
        self.fields["aspect"].choices = _blank(
            [(a.pk, f"{a.campaign.name} · {a.name}" if several else a.name) for a in aspects]
        )
        self.fields["special_program"].choices = _blank([(p.pk, p.name) for p in programs])

    def criteria(self) -> dict:
        """The parsed filters; none when the form is unbound or invalid."""
        return self.cleaned_data if self.is_bound and self.is_valid() else {}


def ledger_filter_choices(*, user, unit) -> tuple[list, list, list]:
    """What the ledger's filters offer for a unit: the campaigns covering it (the latest
    first), their problem aspects, and the special programs the user sees."""
    campaigns = list(selectors.campaigns_for_unit(unit=unit))
    aspects = list(selectors.problem_aspects(campaigns=campaigns))
    programs = list(selectors.special_program_list(user=user, campaigns=campaigns))
    return campaigns, aspects, programs


def ledger_filters(*, user, unit, data, choices=None) -> LedgerFilterForm:
    """The ledger's filter form for a unit, offering `choices` (`ledger_filter_choices`, read
    now when not given). `criteria()` gives the parsed filters."""
    campaigns, aspects, programs = choices or ledger_filter_choices(user=user, unit=unit)
    return LedgerFilterForm(data or None, campaigns=campaigns, aspects=aspects, programs=programs)


class ProblemRecordForm(forms.Form):
    """A problem with its first measure, in the order an editor types them."""

    title = forms.CharField(
        label=_("问题"),
        max_length=300,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    measure = forms.CharField(
        label=_("整改措施"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("先填第一条措施，其余可在问题页面继续添加。"),
    )
    source = forms.ChoiceField(
        label=_("来源"), choices=ProblemSource.choices, initial=ProblemSource.SELF_INSPECTION
    )
    aspect = AspectChoice(label=_("方面"), queryset=Aspect.objects.none(), required=False)
    term = forms.ChoiceField(
        label=_("整改类型"), choices=ProblemTerm.choices, initial=ProblemTerm.TIME_BOUND
    )
    deadline = forms.DateField(label=_("整改时限"), required=False, widget=DateInput())
    deadline_workdays = forms.IntegerField(
        label=_("或：发现后几个工作日内"),
        required=False,
        min_value=1,
        max_value=500,
        help_text=_("按法定工作日历计算，节假日不计。"),
    )
    responsible = PersonChoice(label=_("责任领导"), queryset=None, required=False)
    unit = UnitChoice(label=_("责任单位"), queryset=Unit.objects.none())
    found_on = forms.DateField(label=_("发现日期"), initial=_today, widget=DateInput())
    description = forms.CharField(
        label=_("问题描述"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, units, aspects, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
        self.fields["unit"].initial = units[0].pk
        self.fields["aspect"].queryset = aspects
        self.fields["responsible"].queryset = people


class MeasureForm(forms.Form):
    text = forms.CharField(
        label=_("措施内容"), widget=forms.Textarea(attrs={"rows": 3, "autofocus": True})
    )
    owner = PersonChoice(label=_("责任人"), queryset=None, required=False)
    deadline = forms.DateField(label=_("完成时限"), required=False, widget=DateInput())
    added_on = forms.DateField(label=_("提出日期"), initial=_today, widget=DateInput())

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people


class MeasureCompleteForm(forms.Form):
    done_on = forms.DateField(label=_("完成日期"), initial=_today, widget=DateInput())


class ReportForm(forms.Form):
    text = forms.CharField(
        label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 4, "autofocus": True})
    )
    percent = forms.IntegerField(label=_("整改进度（%）"), min_value=0, max_value=100)
    reported_on = forms.DateField(label=_("报告日期"), initial=_today, widget=DateInput())
    # Ignored: declared fields leave the class (form metaclass), BaseForm.files stays.
    files = MultipleFileField(label=_("佐证材料"), help_text=FILES_HELP)  # type: ignore[assignment]


class EvidenceForm(forms.Form):
    # Ignored: declared fields leave the class (form metaclass), BaseForm.files stays.
    files = MultipleFileField(label=_("佐证材料"), required=True, help_text=FILES_HELP)  # type: ignore[assignment]


class CloseOutForm(forms.Form):
    summary = forms.CharField(
        label=_("整改完成情况"), widget=forms.Textarea(attrs={"rows": 4, "autofocus": True})
    )
    submitted_on = forms.DateField(label=_("申请日期"), initial=_today, widget=DateInput())
    files = MultipleFileField(  # type: ignore[assignment]  # field leaves the class (metaclass)
        label=_("佐证材料"),
        help_text=_("销号须有佐证材料：在此上传，或已在整改进展中上传。"),
    )
    next_checkpoint = forms.DateField(
        label=_("下一检查节点"),
        required=False,
        widget=DateInput(),
        help_text=_("长期坚持的问题填写，供上级审核时参考。"),
    )

    def __init__(self, *args, measures=(), **kwargs):
        """`measures`: the problem's unfinished measures. Each is ticked done with the request
        or given a reason (the service refuses a request that leaves one unexplained)."""
        super().__init__(*args, **kwargs)
        self.open_measures = list(measures)
        if not self.open_measures:
            return
        fields = list(self.fields.items())
        self.fields = {}
        self.fields["summary"] = dict(fields)["summary"]
        self.fields["measures"] = forms.TypedMultipleChoiceField(
            label=_("随申请标记完成的整改措施"),
            choices=[(m.pk, m.text) for m in self.open_measures],
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("未勾选的措施请在下面逐条填写未完成的原因，审核人会看到。"),
        )
        for measure in self.open_measures:
            self.fields[f"reason_{measure.pk}"] = forms.CharField(
                label=_("“%(text)s”未完成的原因") % {"text": measure.text[:30]},
                required=False,
                initial=measure.open_reason,  # as given with an earlier request
                widget=forms.TextInput(),
            )
        for name, field in fields:
            self.fields.setdefault(name, field)

    def clean(self) -> dict:
        """The cleaned data as `closeout_submit` takes it (finish, reasons by measure id)."""
        data = super().clean() or {}
        finish = data.pop("measures", [])
        reasons = {m.pk: data.pop(f"reason_{m.pk}", "") for m in self.open_measures}
        return {**data, "finish": finish, "reasons": reasons}


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核意见"),
        choices=[("accept", _("同意销号")), ("reject", _("退回重改"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("退回时必填。"),
    )
    decided_on = forms.DateField(label=_("审核日期"), initial=_today, widget=DateInput())
    next_checkpoint = forms.DateField(
        label=_("下一检查节点"),
        required=False,
        widget=DateInput(),
        help_text=_("长期坚持的问题阶段销号时填写。"),
    )


class LedgerImportForm(ImportForm):
    """The upload form of a problem ledger: how its finished rows come in."""

    closeout = forms.ChoiceField(
        label=_("“已完成”的问题"),
        choices=[
            ("request", _("作为销号申请，提交上级审核")),
            ("accept", _("按台账直接销号（已审核）")),
        ],
        initial="request",
        required=False,  # not given: close-out requests
        widget=forms.RadioSelect,
        help_text=_(
            "直接销号须您对这些问题的单位有审核权限（上级单位的领导或管理员、联系的巡回指导组），"
            "台账文件作为佐证材料；长期坚持的问题仍须逐件审核。"
        ),
    )

    def options(self) -> dict:
        return {**super().options(), "closeout": self.cleaned_data.get("closeout") or "request"}


class BulkDecideForm(DecideForm):
    """One opinion on many close-outs (long-term problems are decided one by one, as each
    needs its own next checkpoint)."""

    closeouts = forms.TypedMultipleChoiceField(
        label=_("销号申请"), coerce=int, widget=forms.MultipleHiddenInput
    )
    next_checkpoint = None  # type: ignore[assignment]  # None drops the parent form's field (Django)
    field_order = ["closeouts", "decision", "reason", "decided_on"]

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closeouts"].choices = [(pk, pk) for pk in choices]
        self.fields["closeouts"].error_messages["required"] = _("请选择要审核的销号申请。")
        self.fields["closeouts"].error_messages["invalid_choice"] = _(
            "所选的销号申请已审核或不在您的审核范围内，请刷新页面。"
        )


class ExtensionForm(forms.Form):
    new_deadline = forms.DateField(label=_("申请延至"), widget=DateInput())
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 3}))
    requested_on = forms.DateField(label=_("申请日期"), initial=_today, widget=DateInput())


class ExtensionDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审批意见"),
        choices=[("approve", _("同意延期")), ("refuse", _("不同意"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decided_on = forms.DateField(label=_("审批日期"), initial=_today, widget=DateInput())


class IdListField(forms.Field):
    """Record ids ticked in a list (checked against the user's scope by the view)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        ids = []
        for item in value or []:
            if not str(item).isdigit() or len(str(item)) > 18:
                raise forms.ValidationError(_("选择的记录无效。"), code="invalid")
            ids.append(int(item))
        if len(ids) > 1000:
            raise forms.ValidationError(_("一次最多选择 1000 条。"), code="too_many")
        return list(dict.fromkeys(ids))

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(_("请先勾选问题。"), code="required")


class BulkForm(forms.Form):
    """A bulk action on the ticked rows of the ledger (only rows the user may record on)."""

    action = forms.ChoiceField(label=_("批量操作"), choices=[("assign_program", _("纳入专项整治"))])
    program = forms.ModelChoiceField(
        label=_("专项整治"), queryset=SpecialProgram.objects.none(), required=False
    )
    ids = IdListField(label=_("问题"))
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs

    def clean(self):
        data = super().clean()
        if data.get("action") == "assign_program" and not data.get("program"):
            self.add_error("program", _("请选择专项整治。"))
        return data
