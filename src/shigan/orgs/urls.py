from django.urls import URLPattern, URLResolver, include, path

from shigan.core.routes import exchange_paths
from shigan.orgs import views, views_exchange

# One person of a unit's (`<int:pk>/people/<int:person_pk>/`).
person_patterns = [
    path("edit/", views.PersonEditView.as_view(), name="person_edit"),
    path("deactivate/", views.PersonDeactivateView.as_view(), name="person_deactivate"),
    path("reactivate/", views.PersonReactivateView.as_view(), name="person_reactivate"),
]

# A unit's people (`<int:pk>/people/`).
people_patterns: list[URLPattern | URLResolver] = [
    path("", views.PersonListView.as_view(), name="people"),
    path("add/", views.PersonCreateView.as_view(), name="person_create"),
    path("<int:person_pk>/", include(person_patterns)),
]

# One unit (`<int:pk>/`): its place in the tree, its members and people, and its spreadsheet
# exchange.
unit_patterns: list[URLPattern | URLResolver] = [
    path("", views.UnitDetailView.as_view(), name="unit_detail"),
    path("edit/", views.UnitEditView.as_view(), name="unit_edit"),
    path("add/", views.UnitCreateView.as_view(), name="unit_create"),
    path("move/", views.UnitMoveView.as_view(), name="unit_move"),
    path("children/", views.UnitChildrenView.as_view(), name="unit_children"),
    path("members/", views.MembershipView.as_view(), name="memberships"),
    path(
        "members/<int:membership_pk>/revoke/",
        views.MembershipRevokeView.as_view(),
        name="membership_revoke",
    ),
    path("people/", include(people_patterns)),
    *exchange_paths(
        views_exchange.UnitImportView,
        views_exchange.UnitExportView,
        views_exchange.UnitTemplateView,
        name_prefix="unit_",
    ),
]

app_name = "orgs"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.UnitTreeView.as_view(), name="unit_tree"),
    path("search/", views.UnitSearchView.as_view(), name="unit_search"),
    path("<int:pk>/", include(unit_patterns)),
]
