"""The petition agency (信访代办制): agents at village, township and county units; petitions
they take in and carry to the body that must answer them; the hand-overs, the reply, reviews.

Who sees a petition: everyone with "view" on the unit where it was received or on the body now
handling it (their subtrees). Who sees its petitioners unmasked is narrower — see `access.py`.
Petitioners' name, ID number, phone and address are stored only as Fernet tokens (`crypto.py`).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shigan.core.deadlines import Light
from shigan.core.records import optional_fk, user_fk
from shigan.core.search import TextIndex
from shigan.core.transitions import Transition, record_fk, to_state_field
from shigan.orgs.scoping import ALL, ScopedQuerySet, subtree_q, user_scope_paths
from shigan.petitions.choices import (
    AgentLevel,
    CaseKind,
    Category,
    Channel,
    PetitionState,
    ReviewLevel,
    Satisfaction,
    ToldBy,
    UnionCategory,
)
from shigan.petitions.storage import attachment_storage

__all__ = [
    "Agent",
    "Petition",
    "Petitioner",
    "PetitionTransition",
    "PetitionExtension",
    "PetitionReview",
    "PetitionAttachment",
]


class PetitionScopedQuerySet(ScopedQuerySet):
    """Scoped by two units: where the petition was received and who handles it now."""

    petition_prefix = ""

    @classmethod
    def through(cls, prefix: str) -> type["PetitionScopedQuerySet"]:
        return type("PetitionScopedQuerySet", (cls,), {"petition_prefix": prefix})

    def restrict(self, user, action: str = "view"):
        paths = user_scope_paths(user, action)
        if paths is ALL:
            return self
        if not paths:
            return self.none()
        p = self.petition_prefix
        return self.filter(
            subtree_q(paths, f"{p}unit__path") | subtree_q(paths, f"{p}handling_unit__path")
        )


class Agent(models.Model):
    """A petition agent (代办员): a user who takes petitions in at a village, township or
    county unit and carries them to the body that must answer."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.PROTECT,
        related_name="petition_agent_posts",
    )
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="agents"
    )
    level = models.CharField(_("层级"), max_length=20, choices=AgentLevel.choices)
    active = models.BooleanField(_("在岗"), default=True)
    appointed_on = models.DateField(_("任职日期"))
    appointed_by = user_fk(_("任命人"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("代办员")
        verbose_name_plural = _("代办员")
        ordering = ["unit__path", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="petitions_agent_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user.display_name}（{self.unit.name}）"


# Indexed search (core/search.py; built by migration 0003). The 事由 only: the request may hold
# personal details.
PETITION_SEARCH = TextIndex("petitions_petition", "title")


class Petition(models.Model):
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("受理登记单位"),
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    number = models.CharField(_("编号"), max_length=30, unique=True, null=True, blank=True)
    received_on = models.DateField(_("登记日期"), db_index=True)
    channel = models.CharField(_("信访形式"), max_length=20, choices=Channel.choices)
    title = models.CharField(_("事由"), max_length=100)
    request = models.TextField(_("诉求"))
    kind = models.CharField(
        _("案件类型"),
        max_length=20,
        choices=CaseKind.choices,
        default=CaseKind.PETITION,
        db_index=True,
    )
    category = models.CharField(
        _("类别"), max_length=20, choices=Category.choices + UnionCategory.choices
    )
    first_time = models.BooleanField(_("初信初访"), default=True)
    intake_agent = optional_fk(Agent, _("登记代办员"), related_name="petitions_taken")
    handling_unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("办理单位"),
        on_delete=models.PROTECT,
        related_name="petitions_handled",
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=PetitionState.choices, default=PetitionState.RECEIVED
    )
    routed_on = models.DateField(_("转送日期"), null=True, blank=True)
    handed_on = models.DateField(_("办理单位收到日期"))
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    declined_on = models.DateField(_("不予受理日期"), null=True, blank=True)
    notified_on = models.DateField(_("书面告知日期"), null=True, blank=True)
    objection_on = models.DateField(_("提出异议日期"), null=True, blank=True)
    objection_text = models.TextField(_("异议内容"), blank=True)
    reply_text = models.TextField(_("答复意见"), blank=True)
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)
    told_by = models.CharField(_("告知方式"), max_length=20, choices=ToldBy.choices, blank=True)
    told_on = models.DateField(_("送达日期"), null=True, blank=True)
    answered_by = optional_fk("orgs.Unit", _("答复单位"))
    resolved_locally = models.BooleanField(_("就地化解"), default=False)
    replied_on_time = models.BooleanField(_("按期答复"), null=True, blank=True)
    satisfaction = models.CharField(
        _("满意度"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    rated_on = models.DateField(_("评价日期"), null=True, blank=True)
    due_on = models.DateField(_("当前办理期限"), null=True, blank=True, db_index=True)
    light = models.CharField(_("红黄绿灯"), max_length=10, choices=Light.choices, blank=True)
    light_on = models.DateField(_("亮灯日期"), null=True, blank=True)
    problems = models.ManyToManyField(
        "problems.Problem", verbose_name=_("转入问题清单"), related_name="petitions", blank=True
    )
    created_by = user_fk(_("登记人"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = PetitionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("信访件")
        verbose_name_plural = _("信访件")
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["handling_unit", "state"]),
            models.Index(fields=["state", "due_on"]),
        ]

    def __str__(self) -> str:
        # Never personal data: this is what drill-downs and the audit trail show.
        return f"〔{self.number or self.pk}〕{self.title}"

    def get_absolute_url(self) -> str:
        return reverse("petitions:detail", args=[self.pk])


class Petitioner(models.Model):
    """One petitioner of a petition (a joint letter has several). Only tokens are stored."""

    petition = models.ForeignKey(
        Petition, verbose_name=_("信访件"), on_delete=models.CASCADE, related_name="petitioners"
    )
    ordinal = models.PositiveSmallIntegerField(_("序号"), default=1)
    name_enc = models.TextField(_("姓名（密文）"))
    id_number_enc = models.TextField(_("身份证号（密文）"), blank=True)
    phone_enc = models.TextField(_("联系电话（密文）"), blank=True)
    address_enc = models.TextField(_("住址（密文）"), blank=True)
    person_hash = models.CharField(_("身份摘要"), max_length=64, db_index=True)

    objects = PetitionScopedQuerySet.through("petition__").as_manager()

    class Meta:
        verbose_name = _("信访人")
        verbose_name_plural = _("信访人")
        ordering = ["petition", "ordinal"]

    def __str__(self) -> str:
        return f"{self.petition} · {self.ordinal}"


class PetitionTransition(Transition):
    """A state change or a hand-over (from_unit → to_unit): who, when, to whom, note."""

    petition = record_fk(Petition, _("信访件"))
    to_state = to_state_field(PetitionState)
    state_choices = PetitionState
    record_field = "petition"
    from_unit = optional_fk("orgs.Unit", _("移交单位"))
    to_unit = optional_fk("orgs.Unit", _("接收单位"))

    objects = PetitionScopedQuerySet.through("petition__").as_manager()

    class Meta(Transition.Meta):
        verbose_name = _("信访件办理记录")
        verbose_name_plural = _("信访件办理记录")
        indexes = [models.Index(fields=["petition", "day"])]


class PetitionExtension(models.Model):
    """The one extension of the handling period (≤ 30 days), approved by the body's head, with
    the reason sent to the petitioner (Art. 34)."""

    petition = models.OneToOneField(
        Petition, verbose_name=_("信访件"), on_delete=models.CASCADE, related_name="extension"
    )
    days = models.PositiveSmallIntegerField(_("延长天数"))
    reason = models.TextField(_("延期理由"))
    approved_by = user_fk(_("批准人"))
    approved_on = models.DateField(_("批准日期"))
    told_on = models.DateField(_("告知信访人日期"))

    objects = PetitionScopedQuerySet.through("petition__").as_manager()

    class Meta:
        verbose_name = _("延期办理")
        verbose_name_plural = _("延期办理")

    def __str__(self) -> str:
        return f"{self.petition} · +{self.days}"


class PetitionReview(models.Model):
    """A review (复查) or re-review (复核) by the body above the one that answered."""

    petition = models.ForeignKey(
        Petition, verbose_name=_("信访件"), on_delete=models.CASCADE, related_name="reviews"
    )
    level = models.CharField(_("类别"), max_length=20, choices=ReviewLevel.choices)
    body = models.ForeignKey(
        "orgs.Unit", verbose_name=_("复查复核机关"), on_delete=models.PROTECT, related_name="+"
    )
    requested_on = models.DateField(_("请求日期"))
    request_text = models.TextField(_("请求理由"), blank=True)
    requested_by = user_fk(_("登记人"), null=True, blank=True)
    hearing_started_on = models.DateField(_("听证开始日期"), null=True, blank=True)
    hearing_ended_on = models.DateField(_("听证结束日期"), null=True, blank=True)
    decided_on = models.DateField(_("意见日期"), null=True, blank=True)
    opinion = models.TextField(_("复查复核意见"), blank=True)
    told_on = models.DateField(_("送达日期"), null=True, blank=True)
    decided_by = user_fk(_("办理人"), null=True, blank=True)

    objects = PetitionScopedQuerySet.through("petition__").as_manager()

    class Meta:
        verbose_name = _("复查复核")
        verbose_name_plural = _("复查复核")
        ordering = ["petition", "requested_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "level"], name="petitions_review_level")
        ]

    def __str__(self) -> str:
        return f"{self.petition} · {self.get_level_display()}"


class PetitionAttachment(models.Model):
    """A file handed in with the petition, stored encrypted outside the web root."""

    petition = models.ForeignKey(
        Petition, verbose_name=_("信访件"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(
        _("文件"), storage=attachment_storage, upload_to="%Y/%m/", max_length=255
    )
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = user_fk(_("上传人"), null=True, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = PetitionScopedQuerySet.through("petition__").as_manager()

    class Meta:
        verbose_name = _("信访材料")
        verbose_name_plural = _("信访材料")
        ordering = ["petition", "pk"]

    def __str__(self) -> str:
        return self.original_name
