"""Subtree scoping: what a user may see or do is the subtrees of the units they hold roles on.

Every user-facing read starts from `Model.objects.restrict(user, action)`. Scopes are unions of
subtrees, each tested with an index range on the materialised path (`path >= p AND path < p+1`),
which costs the same on a 20-unit tree and on the 665,276-unit national one.
"""

from collections.abc import Callable, Iterable

from django.db import models
from django.db.models import Q

__all__ = [
    "path_upper",
    "subtree_q",
    "user_scope_paths",
    "register_scope_provider",
    "ScopedQuerySet",
    "ALL",
]

ALL = object()  # a scope without limits (superusers)

# Other apps add scope (e.g. guidance groups see their assigned units): f(user, action) → paths.
_providers: list[Callable[[object, str], Iterable[str]]] = []


def register_scope_provider(provider: Callable[[object, str], Iterable[str]]) -> None:
    if provider not in _providers:
        _providers.append(provider)


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


def user_scope_paths(user, action: str):
    """The subtree roots the user may `action` on, or ALL. Cached on the user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return ALL
    cache = user.__dict__.setdefault("_shigan_scope", {})
    if action not in cache:
        from shigan.orgs.choices import ROLE_ACTIONS
        from shigan.orgs.models import Membership

        roles = [role for role, actions in ROLE_ACTIONS.items() if action in actions]
        paths = list(
            Membership.objects.filter(user=user, role__in=roles, unit__active=True).values_list(
                "unit__path", flat=True
            )
        )
        for provider in _providers:
            paths.extend(provider(user, action))
        cache[action] = _minimal(paths)
    return cache[action]


class ScopedQuerySet(models.QuerySet):
    """A queryset of records that belong to a unit (`unit_path_field` reaches its path)."""

    unit_path_field = "unit__path"

    @classmethod
    def scoped_by(cls, unit_path_field: str) -> type["ScopedQuerySet"]:
        """The queryset class for records that reach their unit's path by `unit_path_field`."""
        if unit_path_field == cls.unit_path_field:
            return cls
        return type("ScopedQuerySet", (cls,), {"unit_path_field": unit_path_field})

    def restrict(self, user, action: str = "view"):
        paths = user_scope_paths(user, action)
        if paths is ALL:
            return self
        if not paths:
            return self.none()
        return self.filter(subtree_q(paths, self.unit_path_field))
