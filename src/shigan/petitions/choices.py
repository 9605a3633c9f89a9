from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:  # a stub-only type: django-stubs-ext is not installed in production
    from django_stubs_ext import StrOrPromise

__all__ = [
    "CaseKind",
    "UnionCategory",
    "PETITION_CATEGORIES",
    "UNION_CATEGORIES",
    "categories_for",
    "AgentLevel",
    "Channel",
    "Category",
    "PetitionState",
    "ToldBy",
    "Satisfaction",
    "ReviewLevel",
    "OPEN_STATES",
    "SATISFIED",
]


class AgentLevel(models.TextChoices):
    VILLAGE = "village", _("村级（嘎查、村、社区）")
    TOWNSHIP = "township", _("乡级（苏木、乡镇、街道）")
    COUNTY = "county", _("县级（旗、县、区）")


class Channel(models.TextChoices):
    VISIT = "visit", _("来访")
    LETTER = "letter", _("来信")
    PHONE = "phone", _("来电")
    ONLINE = "online", _("网上信访")


class Category(models.TextChoices):
    """What a petition (信访) is about. A union case takes `UnionCategory` instead: the field
    holds either, and `categories_for` gives those a case of one kind may take."""

    LAND = "land", _("土地草场")
    EXPROPRIATION = "expropriation", _("征地拆迁")
    LABOUR = "labour", _("劳动和社会保障")
    ENVIRONMENT = "environment", _("生态环境")
    AGRICULTURE = "agriculture", _("农村农牧")
    CONSTRUCTION = "construction", _("城乡建设")
    LAW = "law", _("政法")
    DISCIPLINE = "discipline", _("纪检监察")
    OTHER = "other", _("其他")


class CaseKind(models.TextChoices):
    """Cases the desk takes: petitions (信访), and rights-protection cases of new-form workers
    brought to the trade union (工会维权), which share the clock, masking and routing."""

    PETITION = "petition", _("信访")
    UNION = "union", _("工会维权")


class UnionCategory(models.TextChoices):
    WAGES = "wages", _("劳动报酬")
    SOCIAL_INSURANCE = "social_insurance", _("社会保险")
    REST = "rest_leave", _("休息休假")
    SAFETY = "safety", _("职业安全")


PETITION_CATEGORIES = tuple(Category.values)
UNION_CATEGORIES = tuple(UnionCategory.values)


def categories_for(kind: str) -> list[tuple[str, "StrOrPromise"]]:
    """The (value, label) categories a case of this kind takes."""
    return list(UnionCategory.choices if kind == CaseKind.UNION else Category.choices)


class PetitionState(models.TextChoices):
    RECEIVED = "received", _("已登记")
    ROUTED = "routed", _("已转送")
    ACCEPTED = "accepted", _("已受理")
    DECLINED = "declined", _("不予受理")
    REPLIED = "replied", _("已答复")
    REVIEW_REQUESTED = "review_requested", _("复查中")
    REVIEWED = "reviewed", _("已复查")
    REREVIEW_REQUESTED = "rereview_requested", _("复核中")
    CLOSED = "closed", _("复核终结")


# States in which a body owes the petitioner something by a statutory date (the desk, the watch).
OPEN_STATES = (
    PetitionState.RECEIVED,
    PetitionState.ROUTED,
    PetitionState.ACCEPTED,
    PetitionState.REVIEW_REQUESTED,
    PetitionState.REREVIEW_REQUESTED,
)


class ToldBy(models.TextChoices):
    WRITING = "writing", _("书面答复")
    IN_PERSON = "in_person", _("当面告知")
    PHONE = "phone", _("电话告知")
    SMS = "sms", _("短信告知")
    ONLINE = "online", _("网上答复")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


SATISFIED = (Satisfaction.SATISFIED, Satisfaction.BASICALLY)


class ReviewLevel(models.TextChoices):
    REVIEW = "review", _("复查")
    REREVIEW = "rereview", _("复核")
