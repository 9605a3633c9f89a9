from django.urls import URLPattern, URLResolver, include, path

from shigan.campaigns import views, views_exchange, views_start
from shigan.core.routes import sheet_paths

# A batch of participants (`<int:pk>/batches/<int:batch_pk>/`) and its spreadsheet exchange.
batch_patterns = [
    path("", views.BatchDetailView.as_view(), name="batch"),
    *sheet_paths(
        views_exchange.ParticipationImportView,
        views_exchange.ParticipationExportView,
        views_exchange.ParticipationTemplateView,
        name_prefix="participation_",
    ),
]

# The aspects a campaign looks at (`<int:pk>/aspects/`).
aspect_patterns = [
    path("new/", views.AspectCreateView.as_view(), name="aspect_create"),
    path("<int:aspect_pk>/rename/", views.AspectRenameView.as_view(), name="aspect_rename"),
    path("<int:aspect_pk>/move/", views.AspectMoveView.as_view(), name="aspect_move"),
    path("export.<str:fmt>", views_exchange.AspectExportView.as_view(), name="aspect_export"),
]

# One guiding group (`<int:pk>/groups/<int:group_pk>/`): its members and the units it guides.
group_patterns = [
    path("members/", views.GroupMemberAddView.as_view(), name="group_member_add"),
    path(
        "members/<int:user_pk>/remove/",
        views.GroupMemberRemoveView.as_view(),
        name="group_member_remove",
    ),
    path("units/", views.GroupAssignView.as_view(), name="group_assign"),
    path("units/<int:unit_pk>/remove/", views.GroupUnassignView.as_view(), name="group_unassign"),
]

# One campaign (`<int:pk>/`).
campaign_patterns: list[URLPattern | URLResolver] = [
    path("", views.CampaignDetailView.as_view(), name="detail"),
    path("next/", views_start.CampaignStartView.as_view(), name="start_next"),
    path("units/pick/", views.UnitPickerView.as_view(), name="unit_picker"),
    path("units/<int:unit_pk>/", views.WorkspaceView.as_view(), name="workspace"),
    path("batches/new/", views.BatchCreateView.as_view(), name="batch_create"),
    path("batches/<int:batch_pk>/", include(batch_patterns)),
    path(
        "participations/<int:participation_pk>/remove/",
        views.ParticipationRemoveView.as_view(),
        name="participation_remove",
    ),
    path("aspects/", include(aspect_patterns)),
    path("groups/new/", views.GroupCreateView.as_view(), name="group_create"),
    path("groups/<int:group_pk>/", include(group_patterns)),
    path("visits/", views.VisitListView.as_view(), name="visit_list"),
    path("visits/new/", views.VisitLogView.as_view(), name="visit_log"),
]

app_name = "campaigns"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.CampaignListView.as_view(), name="list"),
    path("new/", views.CampaignCreateView.as_view(), name="create"),
    path("<int:pk>/", include(campaign_patterns)),
]
