from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shigan.accounts.choices import SystemRole
from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry
from shigan.core import calendar, services
from shigan.core.calendar import CalendarError, add_workdays, is_workday, workdays_between
from shigan.core.choices import CalendarSource, HolidayKind
from shigan.core.errors import DomainError
from shigan.core.models import CalendarYear, Holiday

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    # The cache is per process and outlives each test's rolled-back transaction.
    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture
def seeded():
    """Seed the given years from chinesecalendar (seeding is per year, so only what is needed)."""

    def seed(*years):
        for year in years:
            services.calendar_year_seed(actor=system_actor("test"), year=year)

    return seed


@pytest.fixture
def sysadmin(make_user):
    return make_user(system_role=SystemRole.SYSTEM_ADMIN)


def audit_count(action: str = "") -> int:
    qs = AuditEntry.objects.all()
    return (qs.filter(action=action) if action else qs).count()


# --- calculations ------------------------------------------------------------------------------


def test_national_day_2023_make_up_weekend(seeded):
    seeded(2023)
    # Sep 29 (Mid-autumn) to Oct 6 off; Sat Oct 7 and Sun Oct 8 are make-up workdays.
    assert add_workdays(date(2023, 9, 28), 1) == date(2023, 10, 7)
    assert add_workdays(date(2023, 9, 28), 2) == date(2023, 10, 8)
    assert add_workdays(date(2023, 9, 28), 3) == date(2023, 10, 9)
    assert add_workdays(date(2023, 10, 7), -1) == date(2023, 9, 28)
    assert add_workdays(date(2023, 10, 3), -1) == date(2023, 9, 28)
    assert all(not is_workday(date(2023, 9, 29) + timedelta(days=i)) for i in range(8))
    assert is_workday(date(2023, 10, 7)) and is_workday(date(2023, 10, 8))
    assert not is_workday(date(2023, 10, 14))  # an ordinary Saturday
    assert workdays_between(date(2023, 9, 28), date(2023, 10, 8)) == 2
    assert workdays_between(date(2023, 10, 8), date(2023, 9, 28)) == -2


def test_add_zero_and_the_half_open_convention(seeded):
    seeded(2023)
    saturday = date(2023, 10, 14)
    assert add_workdays(saturday, 0) == saturday
    assert add_workdays(saturday, 1) == date(2023, 10, 16)
    assert add_workdays(saturday, -1) == date(2023, 10, 13)
    assert workdays_between(saturday, saturday) == 0
    # (a, b]: a is not counted, b is.
    assert workdays_between(date(2023, 10, 16), date(2023, 10, 17)) == 1
    assert workdays_between(date(2023, 10, 13), date(2023, 10, 16)) == 1


def test_datetime_is_read_as_its_local_date(seeded):
    seeded(2023)
    assert is_workday(datetime(2023, 10, 7, 9, 30))


def test_calculations_agree_with_chinese_calendar_over_a_year_boundary(seeded):
    seeded(2023, 2024)
    start = date(2023, 12, 1)
    for offset in range(1, 60):
        got = add_workdays(start, offset)
        assert workdays_between(start, got) == offset
        assert chinese_calendar.is_workday(got)
        assert add_workdays(got, -offset) == start or not is_workday(start)
    day = date(2023, 1, 1)
    while day.year < 2025:
        assert is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)
    expected = len(chinese_calendar.get_workdays(date(2023, 1, 2), date(2024, 12, 31)))
    assert workdays_between(date(2023, 1, 1), date(2024, 12, 31)) == expected


def test_a_year_without_data_raises_naming_the_year(seeded):
    with pytest.raises(CalendarError) as exc:
        is_workday(date(2023, 5, 4))
    assert exc.value.code == "no_calendar" and "2023" in exc.value.message
    seeded(2023)
    # Stepping past the end of 2023 needs 2024, which has no data: no guessing from weekdays.
    with pytest.raises(CalendarError) as exc:
        add_workdays(date(2023, 12, 28), 5)
    assert exc.value.code == "no_calendar" and "2024" in exc.value.message
    with pytest.raises(CalendarError) as exc:
        workdays_between(date(2023, 6, 1), date(2024, 1, 5))
    assert "2024" in exc.value.message
    with pytest.raises(CalendarError) as exc:
        add_workdays(date(2023, 1, 3), -5)
    assert "2022" in exc.value.message


def test_a_year_being_entered_by_hand_is_not_used_until_complete(sysadmin):
    services.holiday_set(actor=sysadmin, date=date(2027, 1, 1), kind="holiday", name="元旦")
    assert CalendarYear.objects.get(year=2027).complete is False
    with pytest.raises(CalendarError) as exc:
        is_workday(date(2027, 1, 1))
    assert exc.value.code == "no_calendar" and "2027" in exc.value.message


def test_hand_entered_2027_works_after_marking_complete(sysadmin):
    services.holiday_set(actor=sysadmin, date=date(2027, 10, 1), kind="holiday", name="国庆节")
    services.holiday_set(actor=sysadmin, date=date(2027, 9, 26), kind="workday", name="国庆节")
    services.calendar_year_mark_complete(actor=sysadmin, year=2027)
    assert not is_workday(date(2027, 10, 1))  # a Friday off
    assert is_workday(date(2027, 9, 26))  # a Sunday worked
    assert not is_workday(date(2027, 10, 2))  # an ordinary Saturday
    assert add_workdays(date(2027, 9, 30), 1) == date(2027, 10, 4)
    assert add_workdays(date(2027, 9, 24), 1) == date(2027, 9, 26)


def test_the_cache_follows_changes_made_through_the_services(seeded, sysadmin):
    seeded(2023)
    with CaptureQueriesContext(connection) as loading:
        assert is_workday(date(2023, 10, 9))
    with CaptureQueriesContext(connection) as cached:
        for offset in range(200):
            is_workday(date(2023, 1, 1) + timedelta(days=offset))
        add_workdays(date(2023, 1, 1), 150)
        workdays_between(date(2023, 1, 1), date(2023, 12, 31))
    assert len(loading) == 2 and len(cached) == 0
    services.holiday_set(actor=sysadmin, date=date(2023, 10, 9), kind="holiday", name="特别假日")
    assert not is_workday(date(2023, 10, 9))
    services.holiday_delete(actor=sysadmin, holiday=Holiday.objects.get(date=date(2023, 10, 9)))
    assert is_workday(date(2023, 10, 9))


def test_a_missing_year_is_asked_for_once_and_entering_it_is_seen(seeded):
    with CaptureQueriesContext(connection) as asked:
        for _ in range(3):
            with pytest.raises(CalendarError):
                is_workday(date(2023, 5, 4))
    assert len(asked) == 1
    seeded(2023)  # the service forgets the cached miss
    assert is_workday(date(2023, 5, 4))


# --- services ----------------------------------------------------------------------------------


def test_seed_loads_the_year_and_writes_one_audit_entry():
    before = audit_count()
    year = services.calendar_year_seed(actor=system_actor("test"), year=2023)
    assert audit_count() == before + 1
    entry = AuditEntry.objects.get(action="core.calendar.seeded", target_id=str(year.pk))
    assert entry.after["holidays"] == len([d for d in chinese_calendar.holidays if d.year == 2023])
    assert entry.after["workdays"] == len([d for d in chinese_calendar.workdays if d.year == 2023])
    assert year.complete and year.source == CalendarSource.PACKAGE
    oct7 = Holiday.objects.get(date=date(2023, 10, 7))
    assert (oct7.kind, oct7.name) == (HolidayKind.WORKDAY, "国庆节")
    assert Holiday.objects.get(date=date(2023, 4, 5)).name == "清明节"


def test_reseeding_replaces_hand_edits_with_the_package(sysadmin):
    services.calendar_year_seed(actor=system_actor("test"), year=2023)
    services.holiday_set(actor=sysadmin, date=date(2023, 11, 1), kind="holiday", name="错误")
    services.holiday_set(actor=sysadmin, date=date(2023, 10, 1), kind="holiday", name="改名")
    count = Holiday.objects.filter(date__year=2023).count()
    services.calendar_year_seed(actor=sysadmin, year=2023)
    assert Holiday.objects.filter(date__year=2023).count() == count - 1
    assert Holiday.objects.get(date=date(2023, 10, 1)).name == "国庆节"
    entry = AuditEntry.objects.filter(action="core.calendar.seeded").latest("seq")
    assert (entry.after["deleted"], entry.after["updated"], entry.after["created"]) == (1, 1, 0)


def test_seed_of_a_year_the_package_lacks_says_to_enter_it_by_hand():
    before = audit_count()
    with pytest.raises(CalendarError) as exc:
        services.calendar_year_seed(actor=system_actor("test"), year=2027)
    assert exc.value.code == "no_package_data"
    assert "2027" in exc.value.message and "手工录入" in exc.value.message
    assert audit_count() == before and not CalendarYear.objects.filter(year=2027).exists()


@pytest.mark.parametrize(
    "call",
    [
        lambda actor: services.holiday_set(
            actor=actor, date=date(2027, 10, 1), kind="holiday", name="国庆节"
        ),
        lambda actor: services.calendar_year_seed(actor=actor, year=2023),
    ],
)
def test_each_service_writes_exactly_one_audit_entry(call, sysadmin):
    before = audit_count()
    call(sysadmin)
    assert audit_count() == before + 1
    assert AuditEntry.objects.latest("seq").actor == sysadmin


def test_set_update_delete_and_complete_each_write_one_audit_entry(sysadmin):
    day = date(2027, 10, 1)
    services.holiday_set(actor=sysadmin, date=day, kind="holiday", name="国庆")
    before = audit_count()
    holiday = services.holiday_set(actor=sysadmin, date=day, kind="holiday", name="国庆节")
    assert audit_count() == before + 1
    entry = AuditEntry.objects.latest("seq")
    assert entry.action == "core.holiday.set"
    assert entry.before["name"] == "国庆" and entry.after["name"] == "国庆节"
    assert Holiday.objects.filter(date=day).count() == 1

    services.calendar_year_mark_complete(actor=sysadmin, year=2027)
    assert audit_count() == before + 2
    assert AuditEntry.objects.latest("seq").action == "core.calendar.completed"

    services.holiday_delete(actor=sysadmin, holiday=holiday)
    assert audit_count() == before + 3
    entry = AuditEntry.objects.latest("seq")
    assert entry.action == "core.holiday.deleted" and entry.before["date"] == "2027-10-01"
    assert not Holiday.objects.filter(date=day).exists()


@pytest.mark.parametrize(
    "system_role", [SystemRole.NONE, SystemRole.SECURITY_ADMIN, SystemRole.AUDITOR]
)
def test_only_the_system_admin_may_change_the_calendar(make_user, system_role):
    user = make_user(system_role=system_role)
    holiday = Holiday.objects.create(date=date(2027, 1, 1), kind="holiday", name="元旦")
    before = audit_count(), Holiday.objects.count()
    calls = [
        lambda: services.holiday_set(
            actor=user, date=date(2027, 10, 1), kind="holiday", name="国庆节"
        ),
        lambda: services.holiday_delete(actor=user, holiday=holiday),
        lambda: services.calendar_year_seed(actor=user, year=2023),
        lambda: services.calendar_year_mark_complete(actor=user, year=2027),
    ]
    for call in calls:
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.code == "forbidden"
    assert (audit_count(), Holiday.objects.count()) == before


def test_superuser_without_the_system_admin_role_is_refused(make_user):
    user = make_user()
    user.is_superuser = True  # 三员分立: being a superuser is not being the system administrator
    with pytest.raises(DomainError) as exc:
        services.calendar_year_seed(actor=user, year=2023)
    assert exc.value.code == "forbidden"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"date": date(2027, 10, 4), "kind": "workday", "name": "国庆节"}, "workday_not_weekend"),
        ({"date": date(2027, 10, 1), "kind": "day_off", "name": "国庆节"}, "invalid_kind"),
        ({"date": date(2027, 10, 1), "kind": "holiday", "name": "  "}, "name_required"),
        ({"date": date(1900, 10, 1), "kind": "holiday", "name": "国庆节"}, "invalid_year"),
    ],
)
def test_holiday_set_refuses_bad_input_and_writes_nothing(sysadmin, kwargs, code):
    before = audit_count(), Holiday.objects.count(), CalendarYear.objects.count()
    with pytest.raises(DomainError) as exc:
        services.holiday_set(actor=sysadmin, **kwargs)
    assert exc.value.code == code
    assert (audit_count(), Holiday.objects.count(), CalendarYear.objects.count()) == before


def test_mark_complete_needs_holidays_and_only_once(sysadmin):
    with pytest.raises(DomainError) as exc:
        services.calendar_year_mark_complete(actor=sysadmin, year=2027)
    assert exc.value.code == "empty_year" and "2027" in exc.value.message
    services.holiday_set(actor=sysadmin, date=date(2027, 1, 1), kind="holiday", name="元旦")
    services.calendar_year_mark_complete(actor=sysadmin, year=2027)
    with pytest.raises(DomainError) as exc:
        services.calendar_year_mark_complete(actor=sysadmin, year=2027)
    assert exc.value.code == "already_complete"


# --- command -----------------------------------------------------------------------------------


def test_seed_command_seeds_a_range_and_skips_complete_years(capsys):
    call_command("calendar", "seed", "--from", "2023", "--to", "2024")
    out = capsys.readouterr().out
    assert "2023 年：法定节假日 28 天，调休上班日 7 天" in out and "导入 2 年" in out
    assert set(CalendarYear.objects.values_list("year", flat=True)) == {2023, 2024}
    call_command("calendar", "seed", "--from", "2023", "--to", "2023")
    assert "跳过" in capsys.readouterr().out
    call_command("calendar", "status")
    assert "2024 年：完整" in capsys.readouterr().out


def test_seed_command_refuses_a_year_the_package_lacks():
    with pytest.raises(CommandError, match="2027"):
        call_command("calendar", "seed", "--from", "2027", "--to", "2027")


# --- pages -------------------------------------------------------------------------------------


def test_calendar_pages_are_404_for_a_normal_user(client, make_user):
    Holiday.objects.create(date=date(2027, 1, 1), kind="holiday", name="元旦")
    client.force_login(make_user(system_role=SystemRole.SECURITY_ADMIN))
    assert client.get(reverse("core:calendar")).status_code == 404
    assert client.get(reverse("core:calendar_year", args=[2023])).status_code == 404
    holiday = Holiday.objects.get()
    posts = [
        (reverse("core:calendar_year", args=[2027]), {"date": "2027-10-01", "kind": "holiday"}),
        (reverse("core:calendar_year_seed", args=[2023]), {}),
        (reverse("core:calendar_year_complete", args=[2027]), {}),
        (reverse("core:calendar_holiday_delete", args=[holiday.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404
    assert Holiday.objects.count() == 1 and not CalendarYear.objects.exists()
    assert "工作日历" not in client.get(reverse("core:home")).content.decode()


def test_calendar_page_requires_login(client):
    response = client.get(reverse("core:calendar_year", args=[2023]))
    assert response.status_code == 302 and "login" in response.url


def test_system_admin_seeds_adds_deletes_and_completes_through_the_page(client, sysadmin):
    client.force_login(sysadmin)
    assert "工作日历" in client.get(reverse("core:home")).content.decode()
    assert client.get(reverse("core:calendar")).status_code == 302

    page = reverse("core:calendar_year", args=[2023])
    assert client.post(reverse("core:calendar_year_seed", args=[2023])).status_code == 302
    body = client.get(page).content.decode()
    assert "2023-10-07" in body and "调休上班日" in body and "数据完整" in body
    assert "data-confirm=" in body  # asks first (static/shigan/shigan.js)

    url = reverse("core:calendar_year", args=[2027])
    response = client.post(url, {"date": "2027-10-01", "kind": "holiday", "name": "国庆节"})
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert "2027-10-01" in body and "录入中" in body and "手工录入" in body
    assert client.post(reverse("core:calendar_year_complete", args=[2027])).status_code == 302
    assert CalendarYear.objects.get(year=2027).complete
    assert not is_workday(date(2027, 10, 1))

    holiday = Holiday.objects.get(date=date(2027, 10, 1))
    delete = reverse("core:calendar_holiday_delete", args=[holiday.pk])
    assert client.post(delete).status_code == 302
    assert not Holiday.objects.filter(pk=holiday.pk).exists()
    assert is_workday(date(2027, 10, 1))


def test_bad_day_through_the_page_names_the_field_and_changes_nothing(client, sysadmin):
    client.force_login(sysadmin)
    before = audit_count(), Holiday.objects.count()
    url = reverse("core:calendar_year", args=[2027])
    response = client.post(url, {"date": "2027-10-04", "kind": "workday", "name": "国庆节"})
    assert response.status_code == 400
    assert "类型：" in response.content.decode() and "周一至周五" in response.content.decode()
    response = client.post(url, {"date": "", "kind": "holiday", "name": "国庆节"})
    assert response.status_code == 400 and "日期：" in response.content.decode()
    assert (audit_count(), Holiday.objects.count()) == before


def test_seeding_a_year_the_package_lacks_shows_the_hint(client, sysadmin):
    client.force_login(sysadmin)
    response = client.post(reverse("core:calendar_year_seed", args=[2027]), follow=True)
    body = response.content.decode()
    assert "手工录入" in body and not CalendarYear.objects.exists()


def test_core_names_the_system_administrator_role_as_accounts_does():
    # core stands below accounts: it names the role by its value, which must stay the same.
    assert services.SYSTEM_ADMIN == SystemRole.SYSTEM_ADMIN
