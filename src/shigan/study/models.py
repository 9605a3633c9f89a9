"""Study sessions (学习) and the leaders recorded as taking part in each."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shigan.core.records import Registered, optional_fk
from shigan.orgs.scoping import ScopedQuerySet
from shigan.study.choices import StudyKind

__all__ = ["StudyActivity", "StudyParticipant", "attachment_path"]


def attachment_path(instance, filename: str) -> str:
    # The stored name is never the uploaded one: a random name with the extension the
    # content was checked to be (the service sets `filename` to that).
    return f"study/{filename}"


class StudyActivity(Registered):
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    campaign = optional_fk("campaigns.Campaign", _("主题教育"), related_name="study_activities")
    kind = models.CharField(_("学习形式"), max_length=20, choices=StudyKind.choices)
    title = models.CharField(_("主题"), max_length=200)
    held_on = models.DateField(_("日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("参加人数"), default=0)
    leaders = models.ManyToManyField(
        "orgs.Person",
        verbose_name=_("参加领导"),
        through="StudyParticipant",
        related_name="study_activities",
        blank=True,
    )
    notes = models.TextField(_("备注"), blank=True)
    attachment = models.FileField(_("附件"), upload_to=attachment_path, max_length=200, blank=True)
    attachment_name = models.CharField(_("附件原文件名"), max_length=200, blank=True)
    attachment_type = models.CharField(_("附件类型"), max_length=10, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("学习活动")
        verbose_name_plural = _("学习活动")
        ordering = ["-held_on", "-pk"]
        indexes = [
            models.Index(fields=["unit", "campaign", "kind", "held_on"]),
            models.Index(fields=["campaign", "kind", "held_on"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("study:activity_detail", args=[self.pk])


class StudyParticipant(models.Model):
    """A leader (Person) who took part in a session: one row per (activity, person).

    The activity's unit, campaign, kind and day are copied here (kept in step by the services)
    so that the metrics engine can count these rows by unit, campaign, kind and date.
    """

    activity = models.ForeignKey(
        StudyActivity,
        verbose_name=_("学习活动"),
        on_delete=models.CASCADE,
        related_name="participations",
    )
    person = models.ForeignKey(
        "orgs.Person",
        verbose_name=_("参加领导"),
        on_delete=models.PROTECT,
        related_name="study_participations",
    )
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    campaign = optional_fk("campaigns.Campaign", _("主题教育"))
    kind = models.CharField(_("学习形式"), max_length=20, choices=StudyKind.choices)
    held_on = models.DateField(_("日期"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("参加学习的领导")
        verbose_name_plural = _("参加学习的领导")
        ordering = ["activity", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="study_participant_unique")
        ]
        indexes = [models.Index(fields=["campaign", "held_on", "person"])]

    def __str__(self) -> str:
        return f"{self.activity} · {self.person}"

    def get_absolute_url(self) -> str:
        return reverse("study:activity_detail", args=[self.activity_id])
