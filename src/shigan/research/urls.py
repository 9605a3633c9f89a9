from django.urls import URLPattern, URLResolver, include, path

from shigan.core.routes import exchange_paths
from shigan.research import views, views_exchange, views_figures, views_promotion

# The figures across units (`figures/`).
figure_patterns = [
    path("", views_figures.FiguresView.as_view(), name="figures"),
    path("batch/<str:key>/", views_figures.BatchRecordsView.as_view(), name="batch_records"),
    path("revised/", views_figures.RevisedUnitsView.as_view(), name="revised_units"),
]

# A unit's topics (`units/<int:pk>/`) and their spreadsheet exchange.
unit_patterns = [
    path("", views.TopicListView.as_view(), name="unit_list"),
    path("new/", views.TopicCreateView.as_view(), name="topic_create"),
    *exchange_paths(
        views_exchange.ImportView, views_exchange.ExportView, views_exchange.TemplateView
    ),
]

# One topic (`topics/<int:pk>/`), from plan to conclusion.
topic_patterns = [
    path("", views.TopicDetailView.as_view(), name="topic_detail"),
    path("plan/", views.PlanSubmitView.as_view(), name="plan_submit"),
    path("trips/new/", views.TripCreateView.as_view(), name="trip_create"),
    path("report/", views.ReportSubmitView.as_view(), name="report_submit"),
    path("conclude/", views.ConcludeView.as_view(), name="conclude"),
    path("problems/new/", views.ProblemCreateView.as_view(), name="problem_create"),
    path("results/new/", views.ResultCreateView.as_view(), name="result_create"),
]

# One result (`results/<int:pk>/`).
result_patterns = [
    path("adopt/", views.ResultAdoptView.as_view(), name="result_adopt"),
    path("promote/", views_promotion.PromoteView.as_view(), name="promote"),
]

# The promotions of adopted results (`promotions/`).
promotion_patterns = [
    path("", views_promotion.PromotionListView.as_view(), name="promotion_list"),
    path("<int:pk>/", views_promotion.PromotionDetailView.as_view(), name="promotion_detail"),
    path(
        "targets/<int:pk>/report/",
        views_promotion.TargetReportView.as_view(),
        name="target_report",
    ),
]

app_name = "research"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.IndexView.as_view(), name="index"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("inbox/visit/", views.VisitLogView.as_view(), name="visit_log"),
    path("figures/", include(figure_patterns)),
    path("units/<int:pk>/", include(unit_patterns)),
    path("topics/<int:pk>/", include(topic_patterns)),
    path("plans/<int:pk>/review/", views.PlanReviewView.as_view(), name="plan_review"),
    # Attachments leave through these pages only, after the scope check.
    path("plans/<int:pk>/attachment/", views.PlanAttachmentView.as_view(), name="plan_attachment"),
    path(
        "topics/<int:pk>/report/attachment/",
        views.ReportAttachmentView.as_view(),
        name="report_attachment",
    ),
    path("results/<int:pk>/", include(result_patterns)),
    path("promotions/", include(promotion_patterns)),
]
