from django.urls import URLPattern, URLResolver, include, path

from shigan.core import views_calendar, views_jobs

# One year of the working calendar (`calendar/<int:year>/`).
year_patterns = [
    path("", views_calendar.CalendarYearView.as_view(), name="calendar_year"),
    path("seed/", views_calendar.CalendarYearSeedView.as_view(), name="calendar_year_seed"),
    path(
        "complete/",
        views_calendar.CalendarYearCompleteView.as_view(),
        name="calendar_year_complete",
    ),
]

# The working calendar (`calendar/`).
calendar_patterns: list[URLPattern | URLResolver] = [
    path("", views_calendar.CalendarView.as_view(), name="calendar"),
    path("<int:year>/", include(year_patterns)),
    path(
        "days/<int:pk>/delete/",
        views_calendar.HolidayDeleteView.as_view(),
        name="calendar_holiday_delete",
    ),
]

# The background jobs (`jobs/`).
job_patterns = [
    path("", views_jobs.JobListView.as_view(), name="job_list"),
    path("<int:pk>/", views_jobs.JobDetailView.as_view(), name="job_detail"),
    path("<int:pk>/result/", views_jobs.JobResultView.as_view(), name="job_result"),
    path("<int:pk>/confirm/", views_jobs.JobConfirmView.as_view(), name="job_confirm"),
]

# The home page (`core:home`, `orgs.views_home.HomeView`) starts from the user's units, which
# core knows nothing of: the root URLconf adds it to this namespace.
app_name = "core"
urlpatterns: list[URLPattern | URLResolver] = [
    path("calendar/", include(calendar_patterns)),
    path("jobs/", include(job_patterns)),
]
