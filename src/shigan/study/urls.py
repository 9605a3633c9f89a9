from django.urls import path

from shigan.study import views

app_name = "study"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("units/<int:pk>/", views.UnitStudyListView.as_view(), name="unit_list"),
    path("units/<int:pk>/new/", views.ActivityCreateView.as_view(), name="activity_create"),
    path("units/<int:pk>/people/", views.LeaderPickerView.as_view(), name="leader_picker"),
    path("units/<int:pk>/leaders/", views.LeadersView.as_view(), name="leaders"),
    path("units/<int:pk>/coverage/", views.CoverageView.as_view(), name="coverage"),
    path("units/<int:pk>/export.xlsx", views.UnitStudyExportView.as_view(), name="export"),
    path("units/<int:pk>/template.xlsx", views.UnitStudyTemplateView.as_view(), name="template"),
    path("units/<int:pk>/import/", views.UnitStudyImportView.as_view(), name="import"),
    path("<int:pk>/", views.ActivityDetailView.as_view(), name="activity_detail"),
    path("<int:pk>/edit/", views.ActivityEditView.as_view(), name="activity_edit"),
    path("<int:pk>/delete/", views.ActivityDeleteView.as_view(), name="activity_delete"),
    path("<int:pk>/attachment/", views.AttachmentView.as_view(), name="attachment"),
    path("<int:pk>/leaders/add/", views.ParticipantAddView.as_view(), name="participant_add"),
    path(
        "<int:pk>/leaders/<int:person_pk>/remove/",
        views.ParticipantRemoveView.as_view(),
        name="participant_remove",
    ),
]
