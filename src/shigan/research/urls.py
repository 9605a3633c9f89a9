from django.urls import path

from shigan.core.routes import exchange_paths
from shigan.research import views, views_exchange, views_figures, views_promotion

app_name = "research"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("inbox/visit/", views.VisitLogView.as_view(), name="visit_log"),
    path("figures/", views_figures.FiguresView.as_view(), name="figures"),
    path(
        "figures/batch/<str:key>/", views_figures.BatchRecordsView.as_view(), name="batch_records"
    ),
    path("figures/revised/", views_figures.RevisedUnitsView.as_view(), name="revised_units"),
    path("units/<int:pk>/", views.TopicListView.as_view(), name="unit_list"),
    path("units/<int:pk>/new/", views.TopicCreateView.as_view(), name="topic_create"),
    *exchange_paths(
        "units/<int:pk>/",
        views_exchange.ImportView,
        views_exchange.ExportView,
        views_exchange.TemplateView,
    ),
    path("topics/<int:pk>/", views.TopicDetailView.as_view(), name="topic_detail"),
    path("topics/<int:pk>/plan/", views.PlanSubmitView.as_view(), name="plan_submit"),
    path("topics/<int:pk>/trips/new/", views.TripCreateView.as_view(), name="trip_create"),
    path("topics/<int:pk>/report/", views.ReportSubmitView.as_view(), name="report_submit"),
    path("topics/<int:pk>/conclude/", views.ConcludeView.as_view(), name="conclude"),
    path("topics/<int:pk>/problems/new/", views.ProblemCreateView.as_view(), name="problem_create"),
    path("topics/<int:pk>/results/new/", views.ResultCreateView.as_view(), name="result_create"),
    path("plans/<int:pk>/review/", views.PlanReviewView.as_view(), name="plan_review"),
    path("results/<int:pk>/adopt/", views.ResultAdoptView.as_view(), name="result_adopt"),
    path("results/<int:pk>/promote/", views_promotion.PromoteView.as_view(), name="promote"),
    path("promotions/", views_promotion.PromotionListView.as_view(), name="promotion_list"),
    path(
        "promotions/<int:pk>/",
        views_promotion.PromotionDetailView.as_view(),
        name="promotion_detail",
    ),
    path(
        "promotions/targets/<int:pk>/report/",
        views_promotion.TargetReportView.as_view(),
        name="target_report",
    ),
]
