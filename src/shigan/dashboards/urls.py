from django.urls import path

from shigan.dashboards import views, views_compare

app_name = "dashboards"
urlpatterns = [
    path("", views.DashboardHomeView.as_view(), name="home"),
    path("units/<int:pk>/", views.DashboardView.as_view(), name="unit"),
    path("units/<int:pk>/charts/<str:name>.json", views.ChartDataView.as_view(), name="chart"),
    path("figures/<str:key>/records/", views.FigureRecordsView.as_view(), name="figure_records"),
    path("figures/<str:key>/records.xlsx", views.FigureExportView.as_view(), name="figure_export"),
    path("metrics/<str:key>/records/", views.MetricRecordsView.as_view(), name="metric_records"),
    path("charts/<str:dim>/records/", views.ChartRecordsView.as_view(), name="chart_records"),
    path("overdue/", views.OverdueView.as_view(), name="overdue"),
    path("compare/", views_compare.CompareView.as_view(), name="compare"),
]
