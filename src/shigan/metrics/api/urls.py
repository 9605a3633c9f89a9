from django.urls import path

from shigan.metrics.api import views

urlpatterns = [
    path("metrics/", views.MetricListApi.as_view(), name="api-metric-list"),
    path("metrics/<str:key>/value/", views.MetricValueApi.as_view(), name="api-metric-value"),
    path(
        "metrics/<str:key>/by-child/", views.MetricByChildApi.as_view(), name="api-metric-by-child"
    ),
    path("metrics/<str:key>/by/<str:dim>/", views.MetricByApi.as_view(), name="api-metric-by"),
    path("metrics/<str:key>/records/", views.MetricRecordsApi.as_view(), name="api-metric-records"),
]
