from django.urls import path

from shigan.core.routes import exchange_paths
from shigan.orgs import views, views_exchange

app_name = "orgs"
urlpatterns = [
    path("", views.UnitTreeView.as_view(), name="unit_tree"),
    path("search/", views.UnitSearchView.as_view(), name="unit_search"),
    path("<int:pk>/", views.UnitDetailView.as_view(), name="unit_detail"),
    path("<int:pk>/edit/", views.UnitEditView.as_view(), name="unit_edit"),
    path("<int:pk>/add/", views.UnitCreateView.as_view(), name="unit_create"),
    path("<int:pk>/move/", views.UnitMoveView.as_view(), name="unit_move"),
    path("<int:pk>/children/", views.UnitChildrenView.as_view(), name="unit_children"),
    path("<int:pk>/members/", views.MembershipView.as_view(), name="memberships"),
    path(
        "<int:pk>/members/<int:membership_pk>/revoke/",
        views.MembershipRevokeView.as_view(),
        name="membership_revoke",
    ),
    path("<int:pk>/people/", views.PersonListView.as_view(), name="people"),
    path("<int:pk>/people/add/", views.PersonCreateView.as_view(), name="person_create"),
    path(
        "<int:pk>/people/<int:person_pk>/edit/",
        views.PersonEditView.as_view(),
        name="person_edit",
    ),
    path(
        "<int:pk>/people/<int:person_pk>/deactivate/",
        views.PersonDeactivateView.as_view(),
        name="person_deactivate",
    ),
    path(
        "<int:pk>/people/<int:person_pk>/reactivate/",
        views.PersonReactivateView.as_view(),
        name="person_reactivate",
    ),
    *exchange_paths(
        "<int:pk>/",
        views_exchange.UnitImportView,
        views_exchange.UnitExportView,
        views_exchange.UnitTemplateView,
        name_prefix="unit_",
    ),
]
