from django.urls import URLPattern, URLResolver, include, path

from shigan.petitions import views, views_union

# One petition (`<int:pk>/`): its page and what is done with it.
petition_patterns = [
    path("", views.PetitionDetailView.as_view(), name="detail"),
    path("route/", views.RouteView.as_view(), name="route"),
    *(path(f"{name}/", view, name=name) for name, view in views.FORM_ACTIONS.items()),
    path("review/", views.ReviewRequestView.as_view(), name="review_request"),
    path("problem/", views.ProblemView.as_view(), name="problem"),
    path("attach/", views.AttachView.as_view(), name="attach"),
]

# A review of a petition's handling (`reviews/<int:pk>/`).
review_patterns = [
    path("hearing/", views.HearingView.as_view(), name="hearing"),
    path("decide/", views.DecideView.as_view(), name="decide"),
]

# A unit's petitions (`units/<int:pk>/`).
unit_patterns = [
    path("", views.UnitListView.as_view(), name="unit_list"),
    path("figures/", views.FiguresView.as_view(), name="figures"),
    path("union-figures/", views_union.UnionFiguresView.as_view(), name="union_figures"),
    path("agents/", views.AgentListView.as_view(), name="agents"),
    path("export.<str:fmt>", views.ExportView.as_view(), name="export"),
]

# The agents who take petitions in (`agents/`).
agent_patterns = [
    path("<int:pk>/retire/", views.AgentRetireView.as_view(), name="agent_retire"),
    path("<int:agent>/import/", views.ImportView.as_view(), name="import"),
]

app_name = "petitions"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.DeskView.as_view(), name="desk"),
    path("new/<int:agent>/", views.IntakeView.as_view(), name="intake"),
    path("union/new/<int:agent>/", views_union.UnionIntakeView.as_view(), name="union_intake"),
    path("template.xlsx", views.TemplateView.as_view(), name="template"),
    path("<int:pk>/", include(petition_patterns)),
    path("reviews/<int:pk>/", include(review_patterns)),
    path("attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment"),
    path("units/<int:pk>/", include(unit_patterns)),
    path("agents/", include(agent_patterns)),
]
