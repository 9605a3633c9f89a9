from django.urls import path

from shigan.core import views_calendar, views_jobs

# The home page (`core:home`, `orgs.views_home.HomeView`) starts from the user's units, which
# core knows nothing of: the root URLconf adds it to this namespace.
app_name = "core"
urlpatterns = [
    path("calendar/", views_calendar.CalendarView.as_view(), name="calendar"),
    path("calendar/<int:year>/", views_calendar.CalendarYearView.as_view(), name="calendar_year"),
    path(
        "calendar/<int:year>/seed/",
        views_calendar.CalendarYearSeedView.as_view(),
        name="calendar_year_seed",
    ),
    path(
        "calendar/<int:year>/complete/",
        views_calendar.CalendarYearCompleteView.as_view(),
        name="calendar_year_complete",
    ),
    path(
        "calendar/days/<int:pk>/delete/",
        views_calendar.HolidayDeleteView.as_view(),
        name="calendar_holiday_delete",
    ),
    path("jobs/", views_jobs.JobListView.as_view(), name="job_list"),
    path("jobs/<int:pk>/", views_jobs.JobDetailView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/result/", views_jobs.JobResultView.as_view(), name="job_result"),
    path("jobs/<int:pk>/confirm/", views_jobs.JobConfirmView.as_view(), name="job_confirm"),
]
