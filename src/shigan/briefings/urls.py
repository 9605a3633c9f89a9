from django.urls import path

from shigan.briefings import views

app_name = "briefings"
urlpatterns = [
    path("", views.BriefingListView.as_view(), name="list"),
    path("generate/", views.BriefingGenerateView.as_view(), name="generate"),
    path("<int:pk>/", views.BriefingDetailView.as_view(), name="detail"),
    path("<int:pk>/issue/", views.BriefingIssueView.as_view(), name="issue"),
    path("<int:pk>/changes/", views.BriefingChangesView.as_view(), name="changes"),
    path("<int:pk>/briefing.docx", views.BriefingDocxView.as_view(), name="docx"),
    path("<int:pk>/briefing.html", views.BriefingHtmlView.as_view(), name="html"),
    path("templates/", views.TemplateListView.as_view(), name="templates"),
    path("templates/new/", views.TemplateEditView.as_view(), name="template_create"),
    path("templates/<int:pk>/", views.TemplateEditView.as_view(), name="template_edit"),
]
