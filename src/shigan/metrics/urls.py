from django.urls import path

from shigan.metrics import views

app_name = "metrics"
urlpatterns = [
    path("", views.MetricOverviewView.as_view(), name="overview"),
    path("<str:key>/records/", views.MetricRecordsView.as_view(), name="records"),
    path("<str:key>/records.xlsx", views.MetricRecordsExportView.as_view(), name="records_export"),
]
