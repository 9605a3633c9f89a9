from django.urls import path

from shigan.initiatives import views, views_exchange

app_name = "initiatives"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("units/<int:pk>/", views.BoardView.as_view(), name="board"),
    path("units/<int:pk>/tasks/new/", views.KeyTaskCreateView.as_view(), name="key_task_create"),
    path("units/<int:pk>/projects/", views.ProjectListView.as_view(), name="projects"),
    path("units/<int:pk>/projects/new/", views.ProjectCreateView.as_view(), name="project_create"),
    path("units/<int:pk>/livelihood/", views.LivelihoodLedgerView.as_view(), name="livelihood"),
    path(
        "units/<int:pk>/livelihood/new/",
        views.LivelihoodItemCreateView.as_view(),
        name="livelihood_item_create",
    ),
    path(
        "units/<int:pk>/livelihood/areas/new/",
        views.LivelihoodAreaCreateView.as_view(),
        name="livelihood_area_create",
    ),
    path("units/<int:pk>/import/<str:sheet>/", views_exchange.ImportView.as_view(), name="import"),
    path(
        "units/<int:pk>/export/<str:sheet>.<str:fmt>",
        views_exchange.ExportView.as_view(),
        name="export",
    ),
    path(
        "units/<int:pk>/template/<str:sheet>.xlsx",
        views_exchange.TemplateView.as_view(),
        name="template",
    ),
    path("tasks/<int:pk>/", views.KeyTaskDetailView.as_view(), name="key_task_detail"),
    path("tasks/<int:pk>/edit/", views.KeyTaskEditView.as_view(), name="key_task_edit"),
    path("tasks/<int:pk>/timetable.json", views.TimetableView.as_view(), name="timetable"),
    path(
        "tasks/<int:pk>/indicators/new/",
        views.IndicatorCreateView.as_view(),
        name="indicator_create",
    ),
    path(
        "projects/<int:pk>/indicators/report/",
        views.IndicatorReportView.as_view(),
        name="indicator_report",
    ),
    path(
        "tasks/<int:pk>/milestones/new/",
        views.MilestoneCreateView.as_view(),
        name="milestone_create",
    ),
    path(
        "tasks/<int:task>/projects/new/",
        views.ProjectCreateView.as_view(),
        name="task_project_create",
    ),
    path("tasks/<int:pk>/results/", views.LinkView.as_view(kind="result"), name="link_result"),
    path(
        "tasks/<int:pk>/results/<int:item>/remove/",
        views.UnlinkView.as_view(kind="result"),
        name="unlink_result",
    ),
    path("tasks/<int:pk>/rules/", views.LinkView.as_view(kind="rule"), name="link_rule"),
    path(
        "tasks/<int:pk>/rules/<int:item>/remove/",
        views.UnlinkView.as_view(kind="rule"),
        name="unlink_rule",
    ),
    path(
        "milestones/<int:pk>/complete/",
        views.MilestoneCompleteView.as_view(),
        name="milestone_complete",
    ),
    path("projects/<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("projects/<int:pk>/state/", views.ProjectStateView.as_view(), name="project_state"),
    path("livelihood/<int:pk>/", views.LivelihoodItemView.as_view(), name="livelihood_item"),
    path(
        "livelihood/<int:pk>/report/",
        views.LivelihoodReportView.as_view(),
        name="livelihood_report",
    ),
    path("livelihood/<int:pk>/move/", views.LivelihoodMoveView.as_view(), name="livelihood_move"),
    path(
        "livelihood/<int:pk>/points/new/",
        views.ServicePointCreateView.as_view(),
        name="service_point_create",
    ),
]
