"""The working-day calendar pages, for the system administrator only (anyone else gets 404)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from shigan.core import services
from shigan.core.choices import HolidayKind
from shigan.core.errors import DomainError
from shigan.core.generic import apply_domain_error
from shigan.core.models import CalendarYear, Holiday

__all__ = [
    "HolidayForm",
    "CalendarView",
    "CalendarYearView",
    "CalendarYearSeedView",
    "CalendarYearCompleteView",
    "HolidayDeleteView",
]

WEEKDAYS = [
    gettext_lazy("周一"),
    gettext_lazy("周二"),
    gettext_lazy("周三"),
    gettext_lazy("周四"),
    gettext_lazy("周五"),
    gettext_lazy("周六"),
    gettext_lazy("周日"),
]


class HolidayForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"), choices=HolidayKind.choices, initial=HolidayKind.HOLIDAY
    )
    name = forms.CharField(
        label=gettext_lazy("名称"),
        max_length=services.NAME_MAX_LENGTH,
        help_text=gettext_lazy("如：国庆节。调休上班日填所属节日的名称。"),
    )


class SystemAdminMixin(LoginRequiredMixin):
    """Signed-in users who are not the system administrator do not see these pages at all."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not services.can_manage_calendar(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


def _check_year(year: int) -> int:
    if not services.MIN_YEAR <= year <= services.MAX_YEAR:
        raise Http404
    return year


class CalendarView(SystemAdminMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return redirect("core:calendar_year", year=timezone.localdate().year)


class CalendarYearView(SystemAdminMixin, View):
    def get(
        self,
        request: HttpRequest,
        year: int,
        form: HolidayForm | None = None,
        status: int = 200,
    ) -> HttpResponse:
        year = _check_year(year)
        days = [
            (day, WEEKDAYS[day.date.weekday()])
            for day in Holiday.objects.filter(date__year=year).order_by("date")
        ]
        calendar_year = CalendarYear.objects.filter(year=year).first()
        package_years = services.package_years()
        context = {
            "year": year,
            "calendar_year": calendar_year,
            "days": days,
            "holiday_count": sum(1 for d, _w in days if d.kind == HolidayKind.HOLIDAY),
            "workday_count": sum(1 for d, _w in days if d.kind == HolidayKind.WORKDAY),
            "years": CalendarYear.objects.order_by("-year"),
            "in_package": year in package_years,
            "package_first": package_years[0],
            "package_last": package_years[-1],
            "form": form or HolidayForm(),
        }
        return render(request, "core/calendar.html", context, status=status)

    def post(self, request: HttpRequest, year: int) -> HttpResponse:
        year = _check_year(year)
        form = HolidayForm(request.POST)
        if form.is_valid():
            try:
                holiday = services.holiday_set(actor=request.user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("已保存：%(day)s。") % {"day": holiday})
                return redirect("core:calendar_year", year=holiday.date.year)
        return self.get(request, year, form=form, status=400)


class CalendarYearSeedView(SystemAdminMixin, View):
    def post(self, request: HttpRequest, year: int) -> HttpResponse:
        year = _check_year(year)
        try:
            services.calendar_year_seed(actor=request.user, year=year)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("已从 chinesecalendar 导入 %(year)s 年的工作日历。") % {"year": year}
            )
        return redirect("core:calendar_year", year=year)


class CalendarYearCompleteView(SystemAdminMixin, View):
    def post(self, request: HttpRequest, year: int) -> HttpResponse:
        year = _check_year(year)
        try:
            services.calendar_year_mark_complete(actor=request.user, year=year)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(year)s 年的工作日历已标记为完整，可以用于计算工作日。") % {"year": year},
            )
        return redirect("core:calendar_year", year=year)


class HolidayDeleteView(SystemAdminMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        holiday = get_object_or_404(Holiday, pk=pk)
        year = holiday.date.year
        try:
            services.holiday_delete(actor=request.user, holiday=holiday)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已删除：%(day)s。") % {"day": holiday})
        return redirect("core:calendar_year", year=year)
