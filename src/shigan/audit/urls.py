from django.urls import path

from shigan.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.AuditListView.as_view(), name="entry_list"),
    path("export/", views.AuditExportView.as_view(), name="export"),
]
