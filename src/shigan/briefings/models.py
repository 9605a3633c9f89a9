"""Briefings (简报): text made from a template and the figure catalogue at an as-of date; frozen
when issued, with each figure's value and the ids of the records behind it."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shigan.briefings.choices import BriefingState
from shigan.core.formatting import amount_exact, digits
from shigan.core.records import optional_fk
from shigan.orgs.scoping import ScopedQuerySet

__all__ = ["BriefingTemplate", "Briefing", "BriefingFigure", "BriefingTransition"]


class BriefingTemplate(models.Model):
    """A briefing's wording, kept by the campaign office: a template whose only data are the
    figures of the catalogue (and the names of the unit, batch and date)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("主题教育"),
        on_delete=models.CASCADE,
        related_name="briefing_templates",
    )
    name = models.CharField(_("名称"), max_length=100)
    title = models.CharField(_("简报标题"), max_length=200)
    text = models.TextField(_("模板内容"))
    is_default = models.BooleanField(_("默认模板"), default=False)
    updated_by = optional_fk(settings.AUTH_USER_MODEL, _("修改人"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.scoped_by("campaign__root_unit__path").as_manager()

    class Meta:
        verbose_name = _("简报模板")
        verbose_name_plural = _("简报模板")
        ordering = ["campaign", "-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="briefings_template_name")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("briefings:template_edit", args=[self.pk])


class Briefing(models.Model):
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("主题教育"),
        on_delete=models.PROTECT,
        related_name="briefings",
    )
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    batch = optional_fk("campaigns.Batch", _("批次"))
    template = optional_fk(
        BriefingTemplate,
        _("模板"),
        related_name="briefings",
        on_delete=models.SET_NULL,
    )
    as_of = models.DateField(_("截至日期"))
    title = models.CharField(_("标题"), max_length=200)
    state = models.CharField(
        _("状态"), max_length=20, choices=BriefingState.choices, default=BriefingState.DRAFT
    )
    text = models.TextField(_("正文"))
    issued_at = models.DateTimeField(_("印发时间"), null=True, blank=True)
    issued_by = optional_fk(settings.AUTH_USER_MODEL, _("印发人"))
    created_by = optional_fk(settings.AUTH_USER_MODEL, _("生成人"))
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("工作简报")
        verbose_name_plural = _("工作简报")
        ordering = ["-as_of", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("briefings:detail", args=[self.pk])

    @property
    def issued(self) -> bool:
        return self.state == BriefingState.ISSUED

    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n\n") if p.strip()]


class BriefingFigure(models.Model):
    """A figure as the briefing stated it: its value and the records behind it then."""

    briefing = models.ForeignKey(
        Briefing, verbose_name=_("简报"), on_delete=models.CASCADE, related_name="figures"
    )
    key = models.CharField(_("指标"), max_length=64)
    row = models.PositiveSmallIntegerField(_("序号"))
    label = models.CharField(_("名称"), max_length=200)
    value = models.DecimalField(_("数值"), max_digits=20, decimal_places=2)
    amount = models.BooleanField(_("金额"), default=False)
    total = models.PositiveIntegerField(_("总数"), null=True, blank=True)
    text = models.CharField(_("表述"), max_length=50)
    record_model = models.CharField(_("记录类型"), max_length=100)
    record_ids = models.JSONField(_("记录编号"), default=list)

    class Meta:
        verbose_name = _("简报数据")
        verbose_name_plural = _("简报数据")
        ordering = ["briefing", "row", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["briefing", "key"], name="briefings_figure_key")
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.text}"

    @property
    def number(self):
        """The value as counted: an int for counts, Decimal yuan for amounts."""
        return self.value if self.amount else int(self.value)

    @property
    def exact(self) -> str:
        """The exact value for a hover title (19,370,000,000.00元, 14,900, 531)."""
        return amount_exact(self.value) if self.amount else digits(self.value, grouping=True)


class BriefingTransition(models.Model):
    briefing = models.ForeignKey(
        Briefing, verbose_name=_("简报"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField(_("原状态"), max_length=20, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=BriefingState.choices)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = optional_fk(settings.AUTH_USER_MODEL, _("操作人"))

    class Meta:
        verbose_name = _("简报状态变更")
        verbose_name_plural = _("简报状态变更")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.briefing_id}: {self.from_state or '—'} → {self.to_state}"
