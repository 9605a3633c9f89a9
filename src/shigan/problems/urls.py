from django.urls import URLPattern, URLResolver, include, path

from shigan.core.routes import sheet_paths
from shigan.problems import views, views_carryover, views_exchange

# A unit's ledger (`units/<int:pk>/`).
ledger_patterns = [
    path("", views.LedgerView.as_view(), name="ledger"),
    path("bulk/", views.BulkView.as_view(), name="bulk"),
    path("new/", views.ProblemCreateView.as_view(), name="create"),
    *sheet_paths(views_exchange.ImportView, views_exchange.ExportView, views_exchange.TemplateView),
]

# One problem (`<int:pk>/`): its page and what is reported on it.
problem_patterns = [
    path("", views.ProblemDetailView.as_view(), name="detail"),
    path("measures/new/", views.MeasureCreateView.as_view(), name="measure_create"),
    path("progress/new/", views.ReportCreateView.as_view(), name="report_create"),
    path("evidence/new/", views.EvidenceCreateView.as_view(), name="evidence_create"),
    path("closeout/", views.CloseOutSubmitView.as_view(), name="closeout_submit"),
    path("extension/", views.ExtensionRequestView.as_view(), name="extension_request"),
]

app_name = "problems"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.LedgerHomeView.as_view(), name="home"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("inbox/decide/", views.CloseOutDecideManyView.as_view(), name="closeout_decide_many"),
    path("units/<int:pk>/", include(ledger_patterns)),
    path("<int:pk>/", include(problem_patterns)),
    path("carry-over/<int:pk>/", views_carryover.CarryOverView.as_view(), name="carry_over"),
    path(
        "measures/<int:pk>/complete/", views.MeasureCompleteView.as_view(), name="measure_complete"
    ),
    path("closeouts/<int:pk>/decide/", views.CloseOutDecideView.as_view(), name="closeout_decide"),
    path(
        "extensions/<int:pk>/decide/", views.ExtensionDecideView.as_view(), name="extension_decide"
    ),
    path("evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence"),
]
