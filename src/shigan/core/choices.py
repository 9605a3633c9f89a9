from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["HolidayKind", "CalendarSource", "JobState"]


class HolidayKind(models.TextChoices):
    """What a day listed in the working-day calendar is; unlisted days follow the weekday."""

    HOLIDAY = "holiday", _("法定节假日")
    WORKDAY = "workday", _("调休上班日")


class CalendarSource(models.TextChoices):
    PACKAGE = "package", _("chinesecalendar 导入")
    MANUAL = "manual", _("手工录入")


class JobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
