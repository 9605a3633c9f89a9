from django.urls import path

from shigan.problems import views, views_carryover, views_exchange

app_name = "problems"
urlpatterns = [
    path("", views.LedgerHomeView.as_view(), name="home"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("inbox/decide/", views.CloseOutDecideManyView.as_view(), name="closeout_decide_many"),
    path("units/<int:pk>/", views.LedgerView.as_view(), name="ledger"),
    path("units/<int:pk>/bulk/", views.BulkView.as_view(), name="bulk"),
    path("units/<int:pk>/new/", views.ProblemCreateView.as_view(), name="create"),
    path("units/<int:pk>/import/", views_exchange.ImportView.as_view(), name="import"),
    path("units/<int:pk>/export.<str:fmt>", views_exchange.ExportView.as_view(), name="export"),
    path("units/<int:pk>/template.xlsx", views_exchange.TemplateView.as_view(), name="template"),
    path("<int:pk>/", views.ProblemDetailView.as_view(), name="detail"),
    path("carry-over/<int:pk>/", views_carryover.CarryOverView.as_view(), name="carry_over"),
    path("<int:pk>/measures/new/", views.MeasureCreateView.as_view(), name="measure_create"),
    path("<int:pk>/progress/new/", views.ReportCreateView.as_view(), name="report_create"),
    path("<int:pk>/evidence/new/", views.EvidenceCreateView.as_view(), name="evidence_create"),
    path("<int:pk>/closeout/", views.CloseOutSubmitView.as_view(), name="closeout_submit"),
    path("<int:pk>/extension/", views.ExtensionRequestView.as_view(), name="extension_request"),
    path(
        "measures/<int:pk>/complete/",
        views.MeasureCompleteView.as_view(),
        name="measure_complete",
    ),
    path("closeouts/<int:pk>/decide/", views.CloseOutDecideView.as_view(), name="closeout_decide"),
    path(
        "extensions/<int:pk>/decide/",
        views.ExtensionDecideView.as_view(),
        name="extension_decide",
    ),
    path("evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence"),
]
