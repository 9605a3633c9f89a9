"""Subtree scoping: what a user may see or do is the subtrees of the units they hold roles on.

Every user-facing read starts from `Model.objects.restrict(user, action)`. Scopes are unions of
subtrees, each tested with an index range on the materialised path (`path >= p AND path < p+1`),
which costs the same on a 20-unit tree and on the 665,276-unit national one.
"""

from collections.abc import Callable, Iterable
from enum import Enum
from typing import TYPE_CHECKING, Any, Final, Self, TypeAlias, TypeVar

from django.db import models
from django.db.models import Q

from shigan.core.actors import is_system_actor

if TYPE_CHECKING:
    # Models, imported only for the type checker: this module loads before the app registry.
    from django.contrib.auth.models import AnonymousUser

    from shigan.accounts.models import User

__all__ = [
    "path_upper",
    "subtree_q",
    "user_scope_paths",
    "register_scope_provider",
    "ScopedQuerySet",
    "ALL",
    "Viewer",
]

# Whom a read is for: a request's user (anonymous before login), or None for the system itself.
Viewer: TypeAlias = "User | AnonymousUser | None"
_M = TypeVar("_M", bound=models.Model)


class _Unlimited(Enum):
    # A one-member enum rather than a bare object(), so that `paths is ALL` narrows the type.
    ALL = "all"


ALL: Final = _Unlimited.ALL  # a scope without limits (superusers)

# Other apps add scope (guidance groups see their assigned units): for some actions, the units
# a user is given by something other than a role, as a queryset of `Unit` (`paths_of(user)`).
ScopeProvider: TypeAlias = "Callable[[User], models.QuerySet[Any]]"
_providers: list[tuple[frozenset[str], ScopeProvider]] = []


def register_scope_provider(actions: Iterable[str], paths_of: ScopeProvider) -> None:
    entry = (frozenset(actions), paths_of)
    if entry not in _providers:
        _providers.append(entry)


def path_upper(path: str) -> str:
    """The smallest string above every path that starts with `path`."""
    return path[:-1] + chr(ord(path[-1]) + 1)


def _minimal(paths: Iterable[str]) -> list[str]:
    """Drop paths already covered by an ancestor path in the set."""
    kept: list[str] = []
    for p in sorted(set(paths)):
        if not kept or not p.startswith(kept[-1]):
            kept.append(p)
    return kept


def subtree_q(paths: Iterable[str], field: str = "path") -> Q:
    q = Q(pk__in=[])
    for p in _minimal(paths):
        q |= Q(**{f"{field}__gte": p, f"{field}__lt": path_upper(p)})
    return q


def _grants(user: "User") -> list[tuple[str, str]]:
    """(path, role) of every active unit the user holds a role on, and (path, "provider:<n>")
    of every unit a provider gives: one query for all actions, kept on the user object for the
    request (the services that change roles or groups drop it)."""
    from shigan.orgs.models import Membership

    rows = Membership.objects.filter(user=user, unit__active=True).values_list("unit__path", "role")
    given = [
        paths_of(user)
        .order_by()
        .annotate(grant=models.Value(f"provider:{n}", output_field=models.CharField()))
        .values_list("path", "grant")
        for n, (_, paths_of) in enumerate(_providers)
    ]
    if given:
        rows = rows.union(*given, all=True)
    return list(rows)


def _granting(action: str) -> set[str]:
    """The roles and provider tags that grant `action`."""
    from shigan.orgs.choices import ROLE_ACTIONS

    roles = {role for role, actions in ROLE_ACTIONS.items() if action in actions}
    return roles | {f"provider:{n}" for n, (acts, _) in enumerate(_providers) if action in acts}


def user_scope_paths(user: Viewer, action: str) -> list[str] | _Unlimited:
    """The subtree roots the user may `action` on, or ALL. The user's grants are read once (one
    query) and kept on the user object, so a request asking for several actions asks once."""
    if is_system_actor(user):  # inactive, yet allowed everywhere by identity
        return ALL
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return ALL
    # None → the grants; an action → its subtree roots.
    cache: dict[str | None, Any] = user.__dict__.setdefault("_shigan_scope", {})
    if action not in cache:
        if None not in cache:
            cache[None] = _grants(user)
        granting = _granting(action)
        cache[action] = _minimal(path for path, grant in cache[None] if grant in granting)
    paths: list[str] = cache[action]
    return paths


class ScopedQuerySet(models.QuerySet[_M]):
    """A queryset of records that belong to a unit (`unit_path_field` reaches its path)."""

    unit_path_field = "unit__path"

    @classmethod
    def scoped_by(cls, unit_path_field: str) -> type["ScopedQuerySet[Any]"]:
        """The queryset class for records that reach their unit's path by `unit_path_field`."""
        if unit_path_field == cls.unit_path_field:
            return cls
        return type("ScopedQuerySet", (cls,), {"unit_path_field": unit_path_field})

    def restrict(self, user: Viewer, action: str = "view") -> Self:
        paths = user_scope_paths(user, action)
        if paths is ALL:
            return self
        if not paths:
            return self.none()
        return self.filter(subtree_q(paths, self.unit_path_field))
