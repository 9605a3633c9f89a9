"""Reads on the unit tree; every one starts from `Unit.objects.restrict(user, action)`."""

from django.db.models import IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Length, Substr
from django.shortcuts import get_object_or_404

from shigan.accounts.models import User
from shigan.orgs.choices import Role
from shigan.orgs.models import Membership, Person, Unit
from shigan.orgs.scoping import ALL, Viewer, subtree_q, user_scope_paths

__all__ = [
    "unit_get",
    "unit_scope_roots",
    "unit_children",
    "unit_child_list",
    "unit_search",
    "unit_breadcrumbs",
    "membership_list",
    "membership_scoped_list",
    "person_list",
    "person_scoped_list",
    "person_get",
    "person_choices",
    "with_parent_pk",
    "user_is_unit_admin",
    "user_holds_unit_roles",
    "CHILDREN_PAGE",
]

CHILDREN_PAGE = 200


def unit_get(*, user: Viewer, pk: int | str, action: str = "view") -> Unit:
    """The unit if `user` may `action` on it; 404 otherwise (never reveal it exists)."""
    return get_object_or_404(Unit.objects.restrict(user, action), pk=pk)


def unit_scope_roots(*, user: Viewer) -> QuerySet[Unit]:
    """The top units of the user's scope: where the tree browser starts."""
    paths = user_scope_paths(user, "view")
    if paths is ALL:
        return Unit.objects.get_root_nodes()
    return Unit.objects.filter(path__in=paths)


def unit_children(
    *, user: Viewer, unit: Unit, offset: int = 0, limit: int = CHILDREN_PAGE
) -> tuple[list[Unit], bool]:
    """One page of a unit's children, the unit itself being in scope, and whether more follow."""
    children = list(
        Unit.objects.get_children(unit)
        .restrict(user, "view")
        .only("pk", "name", "short_name", "kind", "numchild", "path", "depth", "division_code")[
            offset : offset + limit + 1
        ]
    )
    return children[:limit], len(children) > limit


def unit_search(
    *, user: Viewer, query: str, limit: int = 20, under: Unit | None = None
) -> list[Unit]:
    """Units in scope whose name contains `query`, or whose pinyin initials start with it.

    With `under`, only that unit's subtree (the unit included) is searched.
    """
    query = (query or "").strip()
    if not query:
        return []
    condition = Q(name__contains=query) | Q(short_name__contains=query)
    if query.isascii() and query.isalpha():
        condition |= Q(initials__startswith=query.lower()) | Q(
            initials_alt__startswith=query.lower()
        )
    units = Unit.objects.restrict(user, "view")
    if under is not None:
        units = units.subtree_of(under)
    return list(units.filter(condition, active=True).order_by("depth", "path")[:limit])


def unit_child_list(*, user: Viewer, unit: Unit) -> QuerySet[Unit]:
    """All the children of `unit` the user may see, as a queryset (the API pages it by path)."""
    return Unit.objects.get_children(unit).restrict(user, "view")


def membership_scoped_list(*, user: Viewer) -> QuerySet[Membership]:
    """Every role grant on a unit the user may see."""
    return Membership.objects.restrict(user, "view").select_related("user", "unit")


def unit_breadcrumbs(*, user: Viewer, unit: Unit) -> list[Unit]:
    """The unit's ancestors that the user may see, then the unit."""
    return unit.breadcrumbs(user)


def membership_list(*, user: Viewer, unit: Unit) -> QuerySet[Membership]:
    return (
        Membership.objects.restrict(user, "view")
        .filter(unit=unit)
        .select_related("user", "unit")
        .order_by("role", "user__username")
    )


def person_list(
    *, user: Viewer, unit: Unit, query: str = "", include_inactive: bool = False
) -> QuerySet[Person]:
    """The people of `unit` the user may see (those on the roster unless `include_inactive`),
    whose name contains `query` or whose pinyin initials start with it."""
    return person_scoped_list(user=user, query=query, include_inactive=include_inactive).filter(
        unit=unit
    )


def person_scoped_list(
    *, user: Viewer, query: str = "", include_inactive: bool = False, action: str = "view"
) -> QuerySet[Person]:
    """Every person of a unit the user may `action` on, searched like `person_list`."""
    people = Person.objects.restrict(user, action).select_related("unit")
    if not include_inactive:
        people = people.filter(active=True)
    query = (query or "").strip()
    if query:
        condition = Q(name__contains=query)
        if query.isascii() and query.isalpha():
            initials = query.lower()
            condition |= Q(initials__startswith=initials) | Q(initials_alt__startswith=initials)
        people = people.filter(condition)
    return people.order_by("-active", "name", "pk")


def person_get(
    *, user: Viewer, pk: int | str, unit: Unit | None = None, action: str = "view"
) -> Person:
    """The person if `user` may `action` on their unit (and they belong to `unit`); 404
    otherwise."""
    people = Person.objects.restrict(user, action).select_related("unit")
    if unit is not None:
        people = people.filter(unit=unit)
    return get_object_or_404(people, pk=pk)


def with_parent_pk(units: QuerySet[Unit]) -> QuerySet[Unit]:
    """Annotate each unit with its parent's id in the same query (the path minus one step)."""
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Unit.steplen)
    parent = Unit.objects.filter(path=parent_path).values("pk")[:1]
    return units.annotate(parent_pk=Subquery(parent, output_field=IntegerField()))


def user_is_unit_admin(user: User) -> bool:
    """Whether the user administers some unit (grants roles under it: a second factor is due)."""
    return Membership.objects.filter(user=user, role=Role.ADMIN).exists()


def user_holds_unit_roles(user: User) -> bool:
    return Membership.objects.filter(user=user).exists()


def person_choices(*, user: Viewer, unit: Unit) -> QuerySet[Person]:
    """The people a record of `unit` can name (a problem's responsible leader, a measure's
    owner, a research topic's or a key task's lead): those of the unit, of its children and of
    its ancestors that the user may see. Not the whole subtree: a league has thousands of
    people below it, and a form offering them all was a select of 20,000 names."""
    near = Q(unit__path__in=Unit.lineage_paths(unit.path)) | (
        subtree_q([unit.path], "unit__path") & Q(unit__depth=unit.depth + 1)
    )
    return (
        Person.objects.restrict(user, "view")
        .filter(near)
        .select_related("unit")
        .order_by("unit__path", "name")
    )
