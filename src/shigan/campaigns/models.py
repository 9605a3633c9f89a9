from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shigan.campaigns.choices import AspectKind, CampaignState, VisitPurpose
from shigan.core.records import Registered, optional_fk
from shigan.orgs.scoping import ScopedQuerySet

__all__ = ["Campaign", "Batch", "Participation", "Aspect", "GuidanceGroup", "GuidanceVisit"]


class Campaign(models.Model):
    """A time-boxed campaign run from a root unit (the campaign office's unit)."""

    name = models.CharField(_("名称"), max_length=200)
    root_unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="campaigns"
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=CampaignState.choices, default=CampaignState.PLANNING
    )
    # The campaign this one follows (e.g. 2024 党纪学习教育 after 2023 主题教育): where its
    # carried-over problems come from, and what the comparison page sets it against.
    previous = optional_fk("self", _("上一次主题教育"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.scoped_by("root_unit__path").as_manager()

    class Meta:
        verbose_name = _("主题教育")
        verbose_name_plural = _("主题教育")
        ordering = ["-starts_on", "pk"]

    def __str__(self) -> str:
        return self.name


class Batch(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("主题教育"), on_delete=models.CASCADE, related_name="batches"
    )
    name = models.CharField(_("名称"), max_length=50)
    ordinal = models.PositiveSmallIntegerField(_("批次序号"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("批次")
        verbose_name_plural = _("批次")
        ordering = ["campaign", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "ordinal"], name="campaigns_batch_ordinal")
        ]

    def __str__(self) -> str:
        return self.name


class Participation(models.Model):
    """A unit enrolled in a batch (参学单位). Enrolling a unit does not enrol its subtree."""

    batch = models.ForeignKey(
        Batch, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="participations"
    )
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("参学单位"), on_delete=models.PROTECT, related_name="+"
    )
    enrolled_on = models.DateField(_("纳入日期"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("参学单位")
        verbose_name_plural = _("参学单位")
        ordering = ["batch", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "unit"], name="campaigns_participation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.batch} · {self.unit}"


class Aspect(models.Model):
    """A campaign's category for research topics or for problems; ordered and renamable."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("主题教育"), on_delete=models.CASCADE, related_name="aspects"
    )
    kind = models.CharField(_("类别"), max_length=20, choices=AspectKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    ordinal = models.PositiveSmallIntegerField(_("序号"))

    class Meta:
        verbose_name = _("方面")
        verbose_name_plural = _("方面")
        ordering = ["campaign", "kind", "ordinal"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "kind", "name"], name="campaigns_aspect_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class GuidanceGroup(models.Model):
    """A touring guidance group (巡回指导组): its members see and review the assigned units."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("主题教育"), on_delete=models.CASCADE, related_name="groups"
    )
    name = models.CharField(_("名称"), max_length=100)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("成员"), related_name="guidance_groups", blank=True
    )
    units = models.ManyToManyField(
        "orgs.Unit", verbose_name=_("联系单位"), related_name="guidance_groups", blank=True
    )

    class Meta:
        verbose_name = _("巡回指导组")
        verbose_name_plural = _("巡回指导组")
        ordering = ["campaign", "name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="campaigns_group_name")
        ]

    def __str__(self) -> str:
        return self.name


class GuidanceVisit(Registered):
    group = models.ForeignKey(
        GuidanceGroup, verbose_name=_("指导组"), on_delete=models.PROTECT, related_name="visits"
    )
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("被指导单位"), on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField(_("指导日期"))
    purpose = models.CharField(_("事项"), max_length=20, choices=VisitPurpose.choices)
    notes = models.TextField(_("情况记录"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("指导记录")
        verbose_name_plural = _("指导记录")
        ordering = ["-visited_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.group} · {self.unit} · {self.visited_on}"
