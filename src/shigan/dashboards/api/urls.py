from django.urls import path

from shigan.dashboards.api import views

urlpatterns = [
    path("catalogue/", views.CatalogueApi.as_view(), name="api-dashboard-catalogue"),
    path("figures/", views.FiguresApi.as_view(), name="api-dashboard-figures"),
    path(
        "figures/<str:key>/records/",
        views.FigureRecordsApi.as_view(),
        name="api-dashboard-figure-records",
    ),
]
