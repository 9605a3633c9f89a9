from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["MetricFact"]


class MetricFact(models.Model):
    """How much a metric changed on a day, for a unit's whole subtree.

    Every counted record adds +1 (and −1 when it stops counting) on the day it happens, to its
    own unit and to every ancestor. A subtree figure as of D is then the sum of one unit's rows
    up to D: its cost follows the number of days and children shown, not the records below.
    `dim` = "" holds the totals; other rows split the same changes by one dimension's value.
    """

    metric = models.CharField(_("指标"), max_length=64)
    campaign_id = models.BigIntegerField(_("主题教育"), default=0)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("单位"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("日期"))
    dim = models.CharField(_("维度"), max_length=32, default="", blank=True)
    value = models.CharField(_("维度值"), max_length=64, default="", blank=True)
    delta = models.BigIntegerField(_("变化量"), default=0)

    class Meta:
        verbose_name = _("指标变化")
        verbose_name_plural = _("指标变化")
        # Not unique: each write appends its changes (no row every write waits on);
        # `engine.metric_facts_compact` merges a day's rows once the day is past.
        # The deltas ride in the index (PostgreSQL): a page's figures are then read from the
        # index alone (`selectors.metric_fact_sums`), not from rows spread over the table.
        indexes = [
            models.Index(
                fields=["metric", "unit", "dim", "value", "campaign_id", "day"],
                include=["delta"],
                name="metrics_fact_cover",
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.unit_id} {self.day} {self.dim}={self.value} {self.delta:+d}"
