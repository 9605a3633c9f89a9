from django.urls import URLPattern, URLResolver, include, path

from shigan.study import views

# A unit's study activities and leaders (`units/<int:pk>/`).
unit_patterns = [
    path("", views.UnitStudyListView.as_view(), name="unit_list"),
    path("new/", views.ActivityCreateView.as_view(), name="activity_create"),
    path("people/", views.LeaderPickerView.as_view(), name="leader_picker"),
    path("leaders/", views.LeadersView.as_view(), name="leaders"),
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
    path("export.xlsx", views.UnitStudyExportView.as_view(), name="export"),
    path("template.xlsx", views.UnitStudyTemplateView.as_view(), name="template"),
    path("import/", views.UnitStudyImportView.as_view(), name="import"),
]

# One activity (`<int:pk>/`).
activity_patterns = [
    path("", views.ActivityDetailView.as_view(), name="activity_detail"),
    path("edit/", views.ActivityEditView.as_view(), name="activity_edit"),
    path("delete/", views.ActivityDeleteView.as_view(), name="activity_delete"),
    path("attachment/", views.AttachmentView.as_view(), name="attachment"),
    path("leaders/add/", views.ParticipantAddView.as_view(), name="participant_add"),
    path(
        "leaders/<int:person_pk>/remove/",
        views.ParticipantRemoveView.as_view(),
        name="participant_remove",
    ),
]

app_name = "study"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.IndexView.as_view(), name="index"),
    path("units/<int:pk>/", include(unit_patterns)),
    path("<int:pk>/", include(activity_patterns)),
]
