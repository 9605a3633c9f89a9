from django.urls import path

from shigan.petitions import views, views_union

app_name = "petitions"
urlpatterns = [
    path("", views.DeskView.as_view(), name="desk"),
    path("new/<int:agent>/", views.IntakeView.as_view(), name="intake"),
    path("union/new/<int:agent>/", views_union.UnionIntakeView.as_view(), name="union_intake"),
    path("template.xlsx", views.TemplateView.as_view(), name="template"),
    path("<int:pk>/", views.PetitionDetailView.as_view(), name="detail"),
    path("<int:pk>/route/", views.RouteView.as_view(), name="route"),
    path("<int:pk>/accept/", views.AcceptView.as_view(), name="accept"),
    path("<int:pk>/decline/", views.DeclineView.as_view(), name="decline"),
    path("<int:pk>/objection/", views.ObjectionView.as_view(), name="objection"),
    path("<int:pk>/extend/", views.ExtendView.as_view(), name="extend"),
    path("<int:pk>/reply/", views.ReplyView.as_view(), name="reply"),
    path("<int:pk>/rate/", views.RateView.as_view(), name="rate"),
    path("<int:pk>/review/", views.ReviewRequestView.as_view(), name="review_request"),
    path("<int:pk>/problem/", views.ProblemView.as_view(), name="problem"),
    path("<int:pk>/attach/", views.AttachView.as_view(), name="attach"),
    path("reviews/<int:pk>/hearing/", views.HearingView.as_view(), name="hearing"),
    path("reviews/<int:pk>/decide/", views.DecideView.as_view(), name="decide"),
    path("attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment"),
    path("units/<int:pk>/", views.UnitListView.as_view(), name="unit_list"),
    path("units/<int:pk>/figures/", views.FiguresView.as_view(), name="figures"),
    path(
        "units/<int:pk>/union-figures/",
        views_union.UnionFiguresView.as_view(),
        name="union_figures",
    ),
    path("units/<int:pk>/agents/", views.AgentListView.as_view(), name="agents"),
    path("units/<int:pk>/export.<str:fmt>", views.ExportView.as_view(), name="export"),
    path("agents/<int:pk>/retire/", views.AgentRetireView.as_view(), name="agent_retire"),
    path("agents/<int:agent>/import/", views.ImportView.as_view(), name="import"),
]
