from django.urls import path

from shigan.campaigns import views, views_exchange, views_start

app_name = "campaigns"
urlpatterns = [
    path("", views.CampaignListView.as_view(), name="list"),
    path("new/", views.CampaignCreateView.as_view(), name="create"),
    path("<int:pk>/", views.CampaignDetailView.as_view(), name="detail"),
    path("<int:pk>/next/", views_start.CampaignStartView.as_view(), name="start_next"),
    path("<int:pk>/units/pick/", views.UnitPickerView.as_view(), name="unit_picker"),
    path("<int:pk>/units/<int:unit_pk>/", views.WorkspaceView.as_view(), name="workspace"),
    path("<int:pk>/batches/new/", views.BatchCreateView.as_view(), name="batch_create"),
    path("<int:pk>/batches/<int:batch_pk>/", views.BatchDetailView.as_view(), name="batch"),
    path(
        "<int:pk>/batches/<int:batch_pk>/import/",
        views_exchange.ParticipationImportView.as_view(),
        name="participation_import",
    ),
    path(
        "<int:pk>/batches/<int:batch_pk>/export.<str:fmt>",
        views_exchange.ParticipationExportView.as_view(),
        name="participation_export",
    ),
    path(
        "<int:pk>/batches/<int:batch_pk>/template.xlsx",
        views_exchange.ParticipationTemplateView.as_view(),
        name="participation_template",
    ),
    path(
        "<int:pk>/participations/<int:participation_pk>/remove/",
        views.ParticipationRemoveView.as_view(),
        name="participation_remove",
    ),
    path("<int:pk>/aspects/new/", views.AspectCreateView.as_view(), name="aspect_create"),
    path(
        "<int:pk>/aspects/<int:aspect_pk>/rename/",
        views.AspectRenameView.as_view(),
        name="aspect_rename",
    ),
    path(
        "<int:pk>/aspects/<int:aspect_pk>/move/", views.AspectMoveView.as_view(), name="aspect_move"
    ),
    path(
        "<int:pk>/aspects/export.<str:fmt>",
        views_exchange.AspectExportView.as_view(),
        name="aspect_export",
    ),
    path("<int:pk>/groups/new/", views.GroupCreateView.as_view(), name="group_create"),
    path(
        "<int:pk>/groups/<int:group_pk>/members/",
        views.GroupMemberAddView.as_view(),
        name="group_member_add",
    ),
    path(
        "<int:pk>/groups/<int:group_pk>/members/<int:user_pk>/remove/",
        views.GroupMemberRemoveView.as_view(),
        name="group_member_remove",
    ),
    path(
        "<int:pk>/groups/<int:group_pk>/units/",
        views.GroupAssignView.as_view(),
        name="group_assign",
    ),
    path(
        "<int:pk>/groups/<int:group_pk>/units/<int:unit_pk>/remove/",
        views.GroupUnassignView.as_view(),
        name="group_unassign",
    ),
    path("<int:pk>/visits/", views.VisitListView.as_view(), name="visit_list"),
    path("<int:pk>/visits/new/", views.VisitLogView.as_view(), name="visit_log"),
]
