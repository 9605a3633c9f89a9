"""The traffic light (红黄绿灯) every ledger with deadlines shows: problems, milestones, petitions.

Computed on working days from the statutory calendar, never on calendar days: a deadline just
after the National Day week is nearer than the calendar says.
"""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from shigan.core.calendar import workdays_between

__all__ = ["Light", "traffic_light", "expected_percent", "DEFAULT_WARN_WORKDAYS"]

DEFAULT_WARN_WORKDAYS = 5


class Light(models.TextChoices):
    GREEN = "green", _("绿灯")
    YELLOW = "yellow", _("黄灯")
    RED = "red", _("红灯")


def expected_percent(
    *, started_on: datetime.date, deadline: datetime.date, today: datetime.date
) -> int:
    """How far along an item should be today if it moves evenly over its working days."""
    total = workdays_between(started_on, deadline)
    if total <= 0:
        return 100
    elapsed = min(max(workdays_between(started_on, today), 0), total)
    return elapsed * 100 // total


def traffic_light(
    *,
    deadline: datetime.date | None,
    today: datetime.date,
    progress_percent: int = 0,
    started_on: datetime.date | None = None,
    warn_workdays: int = DEFAULT_WARN_WORKDAYS,
) -> Light:
    """Red when overdue; yellow when the deadline is within `warn_workdays` working days and the
    progress lags what an even pace would have reached (any progress short of 100 % lags when
    the start is unknown); green otherwise, and for items with no deadline.

    Callers ask only about unfinished items: a finished one has no light.
    """
    if deadline is None:
        return Light.GREEN
    if today > deadline:
        return Light.RED
    if workdays_between(today, deadline) > warn_workdays:
        return Light.GREEN
    if started_on is None:
        expected = 100
    else:
        expected = expected_percent(started_on=started_on, deadline=deadline, today=today)
    return Light.YELLOW if progress_percent < expected else Light.GREEN
