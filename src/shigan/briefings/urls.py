from django.urls import URLPattern, URLResolver, include, path

from shigan.briefings import views

# One briefing (`<int:pk>/`): its page, its issue, and its documents.
briefing_patterns = [
    path("", views.BriefingDetailView.as_view(), name="detail"),
    path("issue/", views.BriefingIssueView.as_view(), name="issue"),
    path("changes/", views.BriefingChangesView.as_view(), name="changes"),
    path("briefing.docx", views.BriefingDocxView.as_view(), name="docx"),
    path("briefing.html", views.BriefingHtmlView.as_view(), name="html"),
]

# The templates briefings are generated from (`templates/`).
template_patterns = [
    path("", views.TemplateListView.as_view(), name="templates"),
    path("new/", views.TemplateEditView.as_view(), name="template_create"),
    path("<int:pk>/", views.TemplateEditView.as_view(), name="template_edit"),
]

app_name = "briefings"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.BriefingListView.as_view(), name="list"),
    path("generate/", views.BriefingGenerateView.as_view(), name="generate"),
    path("<int:pk>/", include(briefing_patterns)),
    path("templates/", include(template_patterns)),
]
