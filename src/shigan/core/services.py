"""Writes on the working-day calendar. Each runs in one transaction with its audit entry.

Only the system administrator (三员分立: system_role "system_admin") or the system itself
(`accounts.system_actor`: CLI, loaders) may change the calendar.
"""

import datetime

import chinese_calendar
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils.translation import gettext as _

from shigan.core.actors import is_system_actor, require_actor
from shigan.core.auditing import audit_record
from shigan.core.calendar import CalendarError, clear_cache
from shigan.core.choices import CalendarSource, HolidayKind
from shigan.core.errors import ErrorCode
from shigan.core.models import CalendarYear, Holiday

__all__ = [
    "can_manage_calendar",
    "package_years",
    "holiday_set",
    "holiday_delete",
    "calendar_year_seed",
    "calendar_year_mark_complete",
]

MIN_YEAR, MAX_YEAR = 1949, 2100
SYSTEM_ADMIN = "system_admin"  # accounts.choices.SystemRole.SYSTEM_ADMIN
NAME_MAX_LENGTH = Holiday._meta.get_field("name").max_length or 0  # a CharField's: never None

# chinese_calendar's own Chinese names are short forms; the calendar shows the usual ones.
_PACKAGE_NAMES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}


def can_manage_calendar(user: AbstractBaseUser | AnonymousUser) -> bool:
    require_actor(user)
    if is_system_actor(user):
        return True
    # The account's system role (accounts.choices.SystemRole, a floor above core): only the
    # system administrator, not a superuser (三员分立).
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "system_role", "") == SYSTEM_ADMIN
    )


def _require(actor: AbstractBaseUser | AnonymousUser) -> None:
    if not can_manage_calendar(actor):
        raise CalendarError(_("只有系统管理员可以维护工作日历。"), code=ErrorCode.FORBIDDEN)


def _check_year(year: int, field: str = "year") -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise CalendarError(
            _("年份应在 %(min)s 至 %(max)s 之间。") % {"min": MIN_YEAR, "max": MAX_YEAR},
            code=ErrorCode.INVALID_YEAR,
            field=field,
        )


def package_years() -> range:
    """The years the installed chinesecalendar package has data for (2004–2026 in 1.11)."""
    years = [d.year for d in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


def _changed(year: int) -> None:
    """Drop the cached year now and again once committed, so no reader keeps the old days."""
    clear_cache(year)
    transaction.on_commit(lambda: clear_cache(year))


def _holiday_snapshot(holiday: Holiday) -> dict[str, object]:
    return {"date": holiday.date, "kind": holiday.kind, "name": holiday.name}


def _year_snapshot(calendar_year: CalendarYear) -> dict[str, object]:
    days = Holiday.objects.filter(date__year=calendar_year.year)
    return {
        "year": calendar_year.year,
        "complete": calendar_year.complete,
        "source": calendar_year.source,
        "holidays": days.filter(kind=HolidayKind.HOLIDAY).count(),
        "workdays": days.filter(kind=HolidayKind.WORKDAY).count(),
    }


def _locked_year(year: int) -> CalendarYear:
    CalendarYear.objects.get_or_create(year=year)
    return CalendarYear.objects.select_for_update().get(year=year)


@transaction.atomic
def holiday_set(
    *, actor: AbstractBaseUser | AnonymousUser, date: datetime.date, kind: str, name: str
) -> Holiday:
    """Mark `date` as a statutory holiday or a make-up workday, replacing what was there.

    A year first touched here is recorded as hand-entered and incomplete: it is not used for
    calculations until `calendar_year_mark_complete`.
    """
    _require(actor)
    if not isinstance(date, datetime.date) or isinstance(date, datetime.datetime):
        raise CalendarError(_("请填写日期。"), code=ErrorCode.DATE_REQUIRED, field="date")
    _check_year(date.year, field="date")
    if kind not in HolidayKind.values:
        raise CalendarError(_("类型无效。"), code=ErrorCode.INVALID_KIND, field="kind")
    if kind == HolidayKind.WORKDAY and date.weekday() < 5:
        raise CalendarError(
            _("%(date)s 是周一至周五，本来就是工作日，不必标记为调休上班日。")
            % {"date": date.isoformat()},
            code=ErrorCode.WORKDAY_NOT_WEEKEND,
            field="kind",
        )
    name = (name or "").strip()
    if not name:
        raise CalendarError(
            _("请填写名称，如“国庆节”。"), code=ErrorCode.NAME_REQUIRED, field="name"
        )
    if len(name) > NAME_MAX_LENGTH:
        raise CalendarError(
            _("名称不能超过 %(n)s 个字。") % {"n": NAME_MAX_LENGTH},
            code=ErrorCode.NAME_TOO_LONG,
            field="name",
        )
    _locked_year(date.year)
    holiday = Holiday.objects.select_for_update().filter(date=date).first()
    before = _holiday_snapshot(holiday) if holiday else None
    if holiday is None:
        holiday = Holiday.objects.create(date=date, kind=kind, name=name)
    else:
        holiday.kind, holiday.name = kind, name
        holiday.save(update_fields=["kind", "name"])
    audit_record(
        actor=actor,
        action="core.holiday.set",
        target=holiday,
        before=before,
        after=_holiday_snapshot(holiday),
    )
    _changed(date.year)
    return holiday


@transaction.atomic
def holiday_delete(*, actor: AbstractBaseUser | AnonymousUser, holiday: Holiday) -> None:
    """Remove a day from the calendar: it goes back to following the weekday."""
    _require(actor)
    holiday = Holiday.objects.select_for_update().get(pk=holiday.pk)
    year = holiday.date.year
    _locked_year(year)
    audit_record(
        actor=actor,
        action="core.holiday.deleted",
        target=holiday,
        before=_holiday_snapshot(holiday),
    )
    holiday.delete()
    _changed(year)


def _package_days(year: int) -> dict[datetime.date, tuple[str, str]]:
    days: dict[datetime.date, tuple[str, str]] = {}
    for source, kind in (
        (chinese_calendar.holidays, HolidayKind.HOLIDAY),
        (chinese_calendar.workdays, HolidayKind.WORKDAY),
    ):
        for day, english in source.items():
            if day.year == year:
                chinese = chinese_calendar.Holiday(english).chinese
                days[day] = (kind, _PACKAGE_NAMES.get(chinese, chinese)[:NAME_MAX_LENGTH])
    return days


@transaction.atomic
def calendar_year_seed(*, actor: AbstractBaseUser | AnonymousUser, year: int) -> CalendarYear:
    """Load a year's holidays and make-up workdays from chinesecalendar and mark it complete.

    The year's days are made to match the package exactly: days it lacks are removed, so
    hand edits to that year are replaced.
    """
    _require(actor)
    _check_year(year)
    years = package_years()
    if year not in years:
        raise CalendarError(
            _(
                "chinesecalendar 中没有 %(year)s 年的节假日安排（只有 %(first)s—%(last)s 年）。"
                "请按国务院办公厅公布的通知，在“工作日历”页面手工录入该年的节假日和调休上班日，"
                "再标记为完整。"
            )
            % {"year": year, "first": years[0], "last": years[-1]},
            code=ErrorCode.NO_PACKAGE_DATA,
            field="year",
        )
    calendar_year = _locked_year(year)
    before = _year_snapshot(calendar_year)
    wanted = _package_days(year)
    existing = {h.date: h for h in Holiday.objects.select_for_update().filter(date__year=year)}
    updated = 0
    stale = [h.pk for d, h in existing.items() if d not in wanted]
    deleted = Holiday.objects.filter(pk__in=stale).delete()[0] if stale else 0
    to_create = []
    for day, (kind, name) in sorted(wanted.items()):
        holiday = existing.get(day)
        if holiday is None:
            to_create.append(Holiday(date=day, kind=kind, name=name))
        elif (holiday.kind, holiday.name) != (kind, name):
            holiday.kind, holiday.name = kind, name
            holiday.save(update_fields=["kind", "name"])
            updated += 1
    Holiday.objects.bulk_create(to_create)
    calendar_year.complete, calendar_year.source = True, CalendarSource.PACKAGE
    calendar_year.save(update_fields=["complete", "source", "updated_at"])
    after = _year_snapshot(calendar_year) | {
        "created": len(to_create),
        "updated": updated,
        "deleted": deleted,
    }
    audit_record(
        actor=actor,
        action="core.calendar.seeded",
        target=calendar_year,
        before=before,
        after=after,
    )
    _changed(year)
    return calendar_year


@transaction.atomic
def calendar_year_mark_complete(
    *, actor: AbstractBaseUser | AnonymousUser, year: int
) -> CalendarYear:
    """Declare a hand-entered year complete, so calculations may use it."""
    _require(actor)
    _check_year(year)
    calendar_year = CalendarYear.objects.select_for_update().filter(year=year).first()
    if calendar_year is not None and calendar_year.complete:
        raise CalendarError(
            _("%(year)s 年的工作日历已经是完整的。") % {"year": year},
            code=ErrorCode.ALREADY_COMPLETE,
            field="year",
        )
    has_holidays = Holiday.objects.filter(date__year=year, kind=HolidayKind.HOLIDAY).exists()
    if calendar_year is None or not has_holidays:
        raise CalendarError(
            _("%(year)s 年还没有录入任何法定节假日，不能标记为完整。请先录入该年的节假日安排。")
            % {"year": year},
            code=ErrorCode.EMPTY_YEAR,
            field="year",
        )
    before = _year_snapshot(calendar_year)
    calendar_year.complete = True
    calendar_year.save(update_fields=["complete", "updated_at"])
    audit_record(
        actor=actor,
        action="core.calendar.completed",
        target=calendar_year,
        before=before,
        after=_year_snapshot(calendar_year),
    )
    _changed(year)
    return calendar_year
