"""Petition forms: short, one column, for a phone. They parse; the services decide."""

from typing import TYPE_CHECKING, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shigan.core import uploads
from shigan.core.deadlines import Light
from shigan.core.widgets import DateInput, UploadInput
from shigan.petitions.choices import (
    CaseKind,
    Category,
    Channel,
    PetitionState,
    Satisfaction,
    ToldBy,
    UnionCategory,
    categories_for,
)

if TYPE_CHECKING:
    from shigan.campaigns.models import Campaign

__all__ = [
    "IntakeForm",
    "RouteForm",
    "AcceptForm",
    "DeclineForm",
    "ObjectionForm",
    "ExtendForm",
    "ReplyForm",
    "RateForm",
    "ReviewRequestForm",
    "HearingForm",
    "DecideForm",
    "ProblemForm",
    "AttachmentForm",
    "AgentForm",
    "PetitionFilterForm",
    "AsOfForm",
]


def _today():
    return timezone.localdate()


def _day(label, required=True):
    return forms.DateField(
        label=label, required=required, initial=_today if required else None, widget=DateInput()
    )


def _text(label, rows=4, required=True):
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


_PERSONAL = forms.TextInput(attrs={"autocomplete": "off"})


class IntakeForm(forms.Form):
    received_on = _day(_("登记日期"))
    channel = forms.ChoiceField(label=_("信访形式"), choices=Channel.choices)
    # The petitioner's data: no autofill (it would offer the agent's own name and number, and
    # keep the petitioner's on the agent's phone); the number on the phone's dial pad.
    name = forms.CharField(label=_("信访人姓名"), max_length=50, widget=_PERSONAL)
    id_number = forms.CharField(
        label=_("身份证号"), max_length=18, required=False, widget=_PERSONAL
    )
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(label=_("住址"), max_length=200, required=False, widget=_PERSONAL)
    title = forms.CharField(
        label=_("事由"), max_length=100, help_text=_("一句话概括，不写个人信息。")
    )
    request = _text(_("诉求"))
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    first_time = forms.BooleanField(label=_("初信初访"), required=False, initial=True)
    attachment = forms.FileField(
        label=_("信访材料"),
        required=False,
        help_text=_("PDF、图片、Word、Excel、OFD 或文本，加密保存。"),
        widget=UploadInput,
    )
    confirm_duplicate = forms.BooleanField(
        label=_("确认不是重复件（或有新的事实和理由）"), required=False
    )

    def __init__(self, *args, kind: str = CaseKind.PETITION, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        cast(forms.ChoiceField, self.fields["category"]).choices = categories_for(kind)
        if kind == CaseKind.UNION:
            # The same form, in the union desk's words (a new-form worker, their employer).
            self.fields["channel"].label = _("反映方式")
            self.fields["name"].label = _("劳动者姓名")
            self.fields["request"].label = _("维权诉求")
            self.fields["first_time"].label = _("首次反映")
            self.fields["attachment"].label = _("维权材料")

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "kind": self.kind,
            "received_on": d["received_on"],
            "channel": d["channel"],
            "title": d["title"],
            "request": d["request"],
            "category": d["category"],
            "first_time": d["first_time"],
            "petitioners": [
                {
                    "name": d["name"],
                    "id_number": d["id_number"],
                    "phone": d["phone"],
                    "address": d["address"],
                }
            ],
            "attachments": [d["attachment"]] if d.get("attachment") else [],
            "confirm_duplicate": d["confirm_duplicate"],
        }


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class RouteForm(forms.Form):
    to_unit = UnitChoice(label=_("转送至"), queryset=None)
    day = _day(_("转送日期"))
    note = _text(_("说明"), rows=2, required=False)

    def __init__(self, *args, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = targets


class AcceptForm(forms.Form):
    legend = _("受理")
    success = _("已受理，并已书面告知信访人。")

    accepted_on = _day(_("受理日期"))
    notified_on = forms.DateField(
        label=_("书面告知日期"),
        required=False,
        widget=DateInput(),
        help_text=_("不填则为受理当日。"),
    )
    note = _text(_("说明"), rows=2, required=False)


class DeclineForm(forms.Form):
    legend = _("不予受理")
    success = _("已决定不予受理，并已书面告知信访人。")

    day = _day(_("决定日期"))
    reason = _text(_("不予受理的理由"), rows=3)
    notified_on = forms.DateField(label=_("书面告知日期"), required=False, widget=DateInput())


class ObjectionForm(forms.Form):
    legend = _("登记异议")
    success = _("已登记异议。")

    raised_on = _day(_("提出异议日期"))
    text = _text(_("异议内容"), rows=3)


class ExtendForm(forms.Form):
    legend = _("延长办理期限")
    success = _("已延长办理期限。")

    days = forms.IntegerField(label=_("延长天数"), min_value=1, max_value=30)
    reason = _text(_("延期理由"), rows=3)
    approved_on = _day(_("批准日期"))
    told_on = _day(_("告知信访人日期"))


class ReplyForm(forms.Form):
    legend = _("答复")
    success = _("已答复。")

    text = _text(_("答复意见"), rows=5)
    replied_on = _day(_("答复日期"))
    told_by = forms.ChoiceField(label=_("告知方式"), choices=ToldBy.choices)
    told_on = forms.DateField(
        label=_("送达日期"), required=False, widget=DateInput(), help_text=_("不填则为答复当日。")
    )


class RateForm(forms.Form):
    legend = _("登记满意度")
    success = _("已登记满意度。")

    satisfaction = forms.ChoiceField(
        label=_("满意度"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    rated_on = _day(_("评价日期"))


class ReviewRequestForm(forms.Form):
    requested_on = _day(_("请求日期"))
    text = _text(_("请求理由"), rows=3, required=False)


class HearingForm(forms.Form):
    started_on = _day(_("听证开始日期"))
    ended_on = _day(_("听证结束日期"))


class DecideForm(forms.Form):
    opinion = _text(_("意见"), rows=5)
    decided_on = _day(_("意见日期"))
    told_on = forms.DateField(label=_("送达日期"), required=False, widget=DateInput())


class ProblemForm(forms.Form):
    title = forms.CharField(label=_("问题"), max_length=300)
    found_on = _day(_("发现日期"))
    campaign: "forms.ModelChoiceField[Campaign]" = forms.ModelChoiceField(
        label=_("主题教育"), queryset=None, required=False, empty_label=_("（不属于主题教育）")
    )

    def __init__(self, *args, campaigns=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("信访材料"), help_text=uploads.HELP, widget=UploadInput)


class AgentForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    appointed_on = _day(_("任职日期"))


class PetitionFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部"))] + list(PetitionState.choices), required=False
    )
    first_time = forms.TypedChoiceField(
        label=_("初信初访"),
        choices=[("", _("全部")), ("1", _("是")), ("0", _("否"))],
        coerce=lambda v: v == "1",
        empty_value=None,
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("案件类型"), choices=[("", _("全部"))] + list(CaseKind.choices), required=False
    )
    category = forms.ChoiceField(
        label=_("类别"),
        choices=[("", _("全部"))] + list(Category.choices + UnionCategory.choices),
        required=False,
    )
    channel = forms.ChoiceField(
        label=_("信访形式"), choices=[("", _("全部"))] + list(Channel.choices), required=False
    )
    light = forms.ChoiceField(
        label=_("红黄绿灯"), choices=[("", _("全部"))] + list(Light.choices), required=False
    )
    q = forms.CharField(label=_("事由包含"), max_length=100, required=False)


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=_("截至日期"), required=False, widget=DateInput())
