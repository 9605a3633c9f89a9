"""Working days under China's statutory holidays (工作日历).

A day is a working day when it is Monday–Friday and not a statutory holiday, or when it is a
weekend day marked as a make-up workday (调休上班日). The holidays and make-up workdays of each
year come from the `Holiday` table; only a year marked complete in `CalendarYear` is used. A
calculation that touches any other year raises `CalendarError` (code "no_calendar") naming the
year, rather than guessing from weekdays alone.

Each year is loaded once (two queries) and kept in a process-local cache, and so is a year
found missing (one query): a write whose lights reach into a year nobody entered would
otherwise ask again for every problem it touches. The calendar
services clear a year's entry when they change it; other processes see the change within
`CACHE_SECONDS`. Tests that write the tables directly call `clear_cache()`.
"""

import datetime
import threading
import time
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.core.choices import HolidayKind
from shigan.core.errors import DomainError, ErrorCode

__all__ = [
    "CalendarError",
    "is_workday",
    "add_workdays",
    "workdays_between",
    "clear_cache",
    "CACHE_SECONDS",
]

# How long another process may go on using a year it loaded before re-reading it.
CACHE_SECONDS = 300.0


class CalendarError(DomainError):
    codes = ErrorCode

    def __init__(
        self, message: str, *, code: ErrorCode, field: str | None = None, year: int | None = None
    ) -> None:
        super().__init__(message, code=code, field=field)
        self.year = year


@dataclass(frozen=True)
class _Year:
    loaded_at: float
    working: tuple[int, ...]  # ordinals of the year's working days, ascending
    working_set: frozenset[int]
    missing: bool = False  # the year is not marked complete: every use raises "no_calendar"


_cache: dict[int, _Year] = {}
_lock = threading.Lock()


def clear_cache(year: int | None = None) -> None:
    """Forget one loaded year, or all of them."""
    with _lock:
        if year is None:
            _cache.clear()
        else:
            _cache.pop(year, None)


def _as_date(d: datetime.date) -> datetime.date:
    if isinstance(d, datetime.datetime):
        return timezone.localtime(d).date() if timezone.is_aware(d) else d.date()
    if isinstance(d, datetime.date):
        return d
    raise TypeError(f"expected a date, got {type(d).__name__}")


def _missing(year: int) -> CalendarError:
    return CalendarError(
        _(
            "%(year)s 年的工作日历尚未录入，无法计算工作日。"
            "请系统管理员在“工作日历”中导入或录入该年的节假日和调休上班日。"
        )
        % {"year": year},
        code=ErrorCode.NO_CALENDAR,
        year=year,
    )


def _load(year: int) -> _Year:
    from shigan.core.models import CalendarYear, Holiday

    if not CalendarYear.objects.filter(year=year, complete=True).exists():
        return _Year(time.monotonic(), (), frozenset(), missing=True)
    off: set[int] = set()
    on: set[int] = set()
    rows = Holiday.objects.filter(
        date__gte=datetime.date(year, 1, 1), date__lte=datetime.date(year, 12, 31)
    ).values_list("date", "kind")
    for day, kind in rows:
        (on if kind == HolidayKind.WORKDAY else off).add(day.toordinal())
    first, last = datetime.date(year, 1, 1).toordinal(), datetime.date(year, 12, 31).toordinal()
    working = tuple(
        o
        for o in range(first, last + 1)
        if o in on or (o not in off and datetime.date.fromordinal(o).weekday() < 5)
    )
    return _Year(time.monotonic(), working, frozenset(working))


def _year(year: int) -> _Year:
    entry = _cache.get(year)
    if entry is None or time.monotonic() - entry.loaded_at >= CACHE_SECONDS:
        entry = _load(year)
        with _lock:
            _cache[year] = entry
    if entry.missing:
        raise _missing(year)
    return entry


def is_workday(d: datetime.date) -> bool:
    """Whether `d` is a working day."""
    d = _as_date(d)
    return d.toordinal() in _year(d.year).working_set


def add_workdays(d: datetime.date, n: int) -> datetime.date:
    """The `n`-th working day after `d` (before it when `n` is negative); `d` itself never counts.

    `add_workdays(d, 1)` is the next working day after `d`, whether or not `d` is a working day;
    `add_workdays(d, -1)` the last working day before it. `n == 0` returns `d` unchanged (its
    year must still have calendar data).
    """
    d = _as_date(d)
    year = d.year
    days = _year(year).working
    if n == 0:
        return d
    if n > 0:
        index = bisect_right(days, d.toordinal())  # first working day after d
        while index + n > len(days):
            n -= len(days) - index
            year += 1
            days, index = _year(year).working, 0
        return datetime.date.fromordinal(days[index + n - 1])
    n = -n
    index = bisect_left(days, d.toordinal())  # working days before d
    while index < n:
        n -= index
        year -= 1
        days = _year(year).working
        index = len(days)
    return datetime.date.fromordinal(days[index - n])


def workdays_between(a: datetime.date, b: datetime.date) -> int:
    """The number of working days in the half-open interval (a, b]: after `a`, up to and with `b`.

    So `workdays_between(d, add_workdays(d, n)) == n` for n ≥ 0, and a deadline counted from the
    day a task was given excludes that day. Negative when `b` is before `a`; 0 when equal.
    """
    a, b = _as_date(a), _as_date(b)
    if a == b:
        return 0
    if b < a:
        return -workdays_between(b, a)
    start, end = a.toordinal(), b.toordinal()  # count ordinals o with start < o <= end
    total = 0
    for year in range((a + datetime.timedelta(days=1)).year, b.year + 1):
        days = _year(year).working
        total += bisect_right(days, end) - bisect_right(days, start)
    return total
