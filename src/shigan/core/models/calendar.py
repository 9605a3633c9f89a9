"""The working-day calendar (工作日历): statutory holidays and make-up workdays, year by year."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from shigan.core.choices import CalendarSource, HolidayKind

__all__ = ["Holiday", "CalendarYear"]


class Holiday(models.Model):
    """A day that breaks the weekday rule: a holiday off, or a weekend day worked (调休)."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=HolidayKind.choices)
    name = models.CharField(_("名称"), max_length=50)

    class Meta:
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}（{self.get_kind_display()}）"


class CalendarYear(models.Model):
    """A year whose holidays have been entered. Only a complete year may be computed on."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    complete = models.BooleanField(_("数据完整"), default=False)
    source = models.CharField(
        _("来源"), max_length=10, choices=CalendarSource.choices, default=CalendarSource.MANUAL
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("工作日历年份")
        verbose_name_plural = _("工作日历年份")
        ordering = ["year"]

    def __str__(self) -> str:
        return _("%(year)s 年工作日历") % {"year": self.year}
