from django.urls import URLPattern, URLResolver, include, path

from shigan.core.routes import exchange_paths
from shigan.initiatives.views import exchange, key_tasks, livelihood, projects

# A unit's livelihood ledger (`units/<int:pk>/livelihood/`): its items, in areas.
ledger_patterns = [
    path("", livelihood.LivelihoodLedgerView.as_view(), name="livelihood"),
    path("new/", livelihood.LivelihoodItemCreateView.as_view(), name="livelihood_item_create"),
    path(
        "areas/new/", livelihood.LivelihoodAreaCreateView.as_view(), name="livelihood_area_create"
    ),
]

# A unit's board (`units/<int:pk>/`): its key tasks, projects and livelihood ledger, and their
# spreadsheet exchange.
unit_patterns: list[URLPattern | URLResolver] = [
    path("", key_tasks.BoardView.as_view(), name="board"),
    path("tasks/new/", key_tasks.KeyTaskCreateView.as_view(), name="key_task_create"),
    path("projects/", projects.ProjectListView.as_view(), name="projects"),
    path("projects/new/", projects.ProjectCreateView.as_view(), name="project_create"),
    path("livelihood/", include(ledger_patterns)),
    *exchange_paths(exchange.ImportView, exchange.ExportView, exchange.TemplateView),
]

# One key task (`tasks/<int:pk>/`): its indicators, milestones, and the results and rules it
# links to.
task_patterns = [
    path("", key_tasks.KeyTaskDetailView.as_view(), name="key_task_detail"),
    path("edit/", key_tasks.KeyTaskEditView.as_view(), name="key_task_edit"),
    path("timetable.json", key_tasks.TimetableView.as_view(), name="timetable"),
    path("task-book/", key_tasks.TaskBookView.as_view(), name="task_book"),
    path("indicators/new/", key_tasks.IndicatorCreateView.as_view(), name="indicator_create"),
    path("milestones/new/", key_tasks.MilestoneCreateView.as_view(), name="milestone_create"),
    path("results/", key_tasks.LinkView.as_view(kind="result"), name="link_result"),
    path(
        "results/<int:item>/remove/",
        key_tasks.UnlinkView.as_view(kind="result"),
        name="unlink_result",
    ),
    path("rules/", key_tasks.LinkView.as_view(kind="rule"), name="link_rule"),
    path("rules/<int:item>/remove/", key_tasks.UnlinkView.as_view(kind="rule"), name="unlink_rule"),
]

# One project (`projects/<int:pk>/`).
project_patterns = [
    path("", projects.ProjectDetailView.as_view(), name="project_detail"),
    path("state/", projects.ProjectStateView.as_view(), name="project_state"),
    path("indicators/report/", projects.IndicatorReportView.as_view(), name="indicator_report"),
]

# One livelihood item (`livelihood/<int:pk>/`) and its service points.
livelihood_patterns = [
    path("", livelihood.LivelihoodItemView.as_view(), name="livelihood_item"),
    path("report/", livelihood.LivelihoodReportView.as_view(), name="livelihood_report"),
    path("move/", livelihood.LivelihoodMoveView.as_view(), name="livelihood_move"),
    path("points/new/", livelihood.ServicePointCreateView.as_view(), name="service_point_create"),
]

app_name = "initiatives"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", key_tasks.HomeView.as_view(), name="home"),
    path("units/<int:pk>/", include(unit_patterns)),
    path("tasks/<int:pk>/", include(task_patterns)),
    path(
        "tasks/<int:task>/projects/new/",
        projects.ProjectCreateView.as_view(),
        name="task_project_create",
    ),
    path(
        "milestones/<int:pk>/complete/",
        key_tasks.MilestoneCompleteView.as_view(),
        name="milestone_complete",
    ),
    path(
        "milestones/<int:pk>/evidence/",
        key_tasks.MilestoneEvidenceView.as_view(),
        name="milestone_evidence",
    ),
    path("projects/<int:pk>/", include(project_patterns)),
    path("livelihood/<int:pk>/", include(livelihood_patterns)),
]
