from django.urls import path

from shigan.core.routes import exchange_paths
from shigan.initiatives.views import exchange, key_tasks, livelihood, projects

app_name = "initiatives"
urlpatterns = [
    path("", key_tasks.HomeView.as_view(), name="home"),
    path("units/<int:pk>/", key_tasks.BoardView.as_view(), name="board"),
    path(
        "units/<int:pk>/tasks/new/", key_tasks.KeyTaskCreateView.as_view(), name="key_task_create"
    ),
    path("units/<int:pk>/projects/", projects.ProjectListView.as_view(), name="projects"),
    path(
        "units/<int:pk>/projects/new/", projects.ProjectCreateView.as_view(), name="project_create"
    ),
    path(
        "units/<int:pk>/livelihood/", livelihood.LivelihoodLedgerView.as_view(), name="livelihood"
    ),
    path(
        "units/<int:pk>/livelihood/new/",
        livelihood.LivelihoodItemCreateView.as_view(),
        name="livelihood_item_create",
    ),
    path(
        "units/<int:pk>/livelihood/areas/new/",
        livelihood.LivelihoodAreaCreateView.as_view(),
        name="livelihood_area_create",
    ),
    *exchange_paths(
        "units/<int:pk>/", exchange.ImportView, exchange.ExportView, exchange.TemplateView
    ),
    path("tasks/<int:pk>/", key_tasks.KeyTaskDetailView.as_view(), name="key_task_detail"),
    path("tasks/<int:pk>/edit/", key_tasks.KeyTaskEditView.as_view(), name="key_task_edit"),
    path("tasks/<int:pk>/timetable.json", key_tasks.TimetableView.as_view(), name="timetable"),
    path(
        "tasks/<int:pk>/indicators/new/",
        key_tasks.IndicatorCreateView.as_view(),
        name="indicator_create",
    ),
    path(
        "projects/<int:pk>/indicators/report/",
        projects.IndicatorReportView.as_view(),
        name="indicator_report",
    ),
    path(
        "tasks/<int:pk>/milestones/new/",
        key_tasks.MilestoneCreateView.as_view(),
        name="milestone_create",
    ),
    path(
        "tasks/<int:task>/projects/new/",
        projects.ProjectCreateView.as_view(),
        name="task_project_create",
    ),
    path("tasks/<int:pk>/results/", key_tasks.LinkView.as_view(kind="result"), name="link_result"),
    path(
        "tasks/<int:pk>/results/<int:item>/remove/",
        key_tasks.UnlinkView.as_view(kind="result"),
        name="unlink_result",
    ),
    path("tasks/<int:pk>/rules/", key_tasks.LinkView.as_view(kind="rule"), name="link_rule"),
    path(
        "tasks/<int:pk>/rules/<int:item>/remove/",
        key_tasks.UnlinkView.as_view(kind="rule"),
        name="unlink_rule",
    ),
    path(
        "milestones/<int:pk>/complete/",
        key_tasks.MilestoneCompleteView.as_view(),
        name="milestone_complete",
    ),
    path("projects/<int:pk>/", projects.ProjectDetailView.as_view(), name="project_detail"),
    path("projects/<int:pk>/state/", projects.ProjectStateView.as_view(), name="project_state"),
    path("livelihood/<int:pk>/", livelihood.LivelihoodItemView.as_view(), name="livelihood_item"),
    path(
        "livelihood/<int:pk>/report/",
        livelihood.LivelihoodReportView.as_view(),
        name="livelihood_report",
    ),
    path(
        "livelihood/<int:pk>/move/", livelihood.LivelihoodMoveView.as_view(), name="livelihood_move"
    ),
    path(
        "livelihood/<int:pk>/points/new/",
        livelihood.ServicePointCreateView.as_view(),
        name="service_point_create",
    ),
]
