"""The problem ledger. This is the minimal model the metrics engine needs; the rectification
issue grows it (aspect, campaign, measures, deadlines, evidence …)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shigan.orgs.scoping import ScopedQuerySet
from shigan.problems.choices import MeasureState, ProblemSource, ProblemState

__all__ = ["Problem", "ProblemTransition", "Measure"]


class Problem(models.Model):
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="problems"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("主题教育"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    aspect = models.ForeignKey(
        "campaigns.Aspect",
        verbose_name=_("方面"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    research_topic = models.ForeignKey(
        "research.ResearchTopic",
        verbose_name=_("调研课题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    source = models.CharField(_("来源"), max_length=30, choices=ProblemSource.choices)
    title = models.CharField(_("问题"), max_length=300)
    found_on = models.DateField(_("发现日期"))
    state = models.CharField(
        _("状态"), max_length=20, choices=ProblemState.choices, default=ProblemState.OPEN
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        ordering = ["-found_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class ProblemTransition(models.Model):
    """One state change; the first row (from "") records how the problem entered the ledger."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField(_("原状态"), max_length=20, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=ProblemState.choices)
    day = models.DateField(_("日期"), db_index=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    comment = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("问题状态变更")
        verbose_name_plural = _("问题状态变更")
        ordering = ["day", "pk"]
        indexes = [models.Index(fields=["problem", "day"])]

    def __str__(self) -> str:
        return f"{self.problem_id}: {self.from_state or '—'} → {self.to_state}"


class Measure(models.Model):
    """One rectification measure (整改措施) of a problem; a problem has many. Minimal for now:
    the rectification issue adds progress, evidence and deadline watching."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="measures"
    )
    text = models.TextField(_("措施内容"))
    owner = models.ForeignKey(
        "orgs.Person",
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=MeasureState.choices, default=MeasureState.PLANNED
    )
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    added_on = models.DateField(_("提出日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.scoped_by("problem__unit__path").as_manager()

    class Meta:
        verbose_name = _("整改措施")
        verbose_name_plural = _("整改措施")
        ordering = ["problem", "added_on", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def unit(self):
        """The unit responsible: the problem's."""
        return self.problem.unit
