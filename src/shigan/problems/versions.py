"""What the cached problem ledger depends on, as data-version keys (core/versions.py).

- "problems:<path>" for every unit: changes when a problem of that unit's subtree changes.
  Every problem write runs under `metric_changes(Problem, ids)`, which calls
  `problems_changed` in its transaction.
- the reference keys: unit tree and roles ("orgs"), campaigns, aspects and guidance groups
  ("campaigns"), special programs ("problems.programs"), touched by those apps' own writes.
"""

from collections.abc import Iterable

from django.db import connection

from shigan.core.bulk import chunks
from shigan.core.models import DataVersion
from shigan.core.versions import versions_touch
from shigan.orgs.models import Unit

__all__ = [
    "SUBTREE_PREFIX",
    "REFERENCE_KEYS",
    "problems_changed",
    "problems_touch_units",
    "ledger_tokens",
]

SUBTREE_PREFIX = "problems:"
REFERENCE_KEYS = ("orgs", "campaigns", "problems.programs")


def problems_touch_units(paths: Iterable[str]) -> None:
    """The problems of units at `paths` changed: touch those units and all their ancestors."""
    versions_touch({SUBTREE_PREFIX + a for p in set(paths) for a in Unit.lineage_paths(p)})


def problems_changed(ids: list) -> None:
    """`metric_changes`' listener (a bulk import passes tens of thousands of ids)."""
    from shigan.problems.models import Problem

    paths: set[str] = set()
    for chunk in chunks(ids):
        rows = Problem.objects.filter(pk__in=chunk).values_list("unit__path", flat=True)
        paths.update(rows.distinct())
    problems_touch_units(paths)


def ledger_tokens(unit_pk: int) -> dict[str, int] | None:
    """The tokens of the reference keys and of the unit's subtree key, in one query (a cached
    page needs the unit's path before it can name its subtree key); None when the unit does not
    exist. Raw SQL: the ORM cannot join a key built from a column to an unrelated table."""
    table = connection.ops.quote_name(DataVersion._meta.db_table)
    units = connection.ops.quote_name(Unit._meta.db_table)
    one = f'(SELECT "token" FROM {table} WHERE "key" = %s)'
    own = f'(SELECT "token" FROM {table} WHERE "key" = %s || u."path")'
    columns = ", ".join([*[one] * len(REFERENCE_KEYS), own])
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT u."path", {columns} FROM {units} u WHERE u."id" = %s',
            [*REFERENCE_KEYS, SUBTREE_PREFIX, unit_pk],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    path, *tokens = row
    names = [*REFERENCE_KEYS, SUBTREE_PREFIX + path]
    return {name: token or 0 for name, token in zip(names, tokens, strict=True)}
