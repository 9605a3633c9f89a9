"""What the cached problem ledger depends on, as data-version keys (core/versions.py).

- one key per unit for its subtree's problems, changed in the transaction of every problem
  write below it. Every problem write runs under `metric_changes(Problem, ids)`, which calls
  `problems_changed` in its transaction.
- the reference keys: unit tree and roles ("orgs"), campaigns, aspects and guidance groups
  ("campaigns"), special programs ("problems.programs"), touched by those apps' own writes.

No write waits on a row that writers in other top-level subtrees take (issue 15): a write
touches the keys of its unit's ancestors only down to TOP_DEPTH (a league in the national
tree), never the province's or the nation's. Keys of units at TOP_DEPTH or above are named
"problems.top:<path>" and hold only the writes whose own unit is that one or lies below it at
that level; a reader above TOP_DEPTH combines the top keys of its subtree (a province: itself
and its dozen leagues, one index range), a reader at or below it reads its one key.
"""

import hashlib
from collections.abc import Iterable

from django.db import connection

from shigan.core.bulk import chunks
from shigan.core.models import DataVersion
from shigan.core.versions import versions_touch
from shigan.orgs.models import Unit
from shigan.problems.models import Problem

__all__ = [
    "TOP_DEPTH",
    "REFERENCE_KEYS",
    "subtree_key",
    "problems_changed",
    "problems_touch_units",
    "problems_subtree_token",
    "ledger_tokens",
]

TOP_DEPTH = 2
SUBTREE_PREFIX = "problems:"
TOP_PREFIX = "problems.top:"
REFERENCE_KEYS = ("orgs", "campaigns", "problems.programs")
_TOP_LENGTH = TOP_DEPTH * Unit.steplen
_LAST_STEP = Unit.alphabet[-1] * Unit.steplen


def subtree_key(path: str) -> str:
    return (TOP_PREFIX if len(path) <= _TOP_LENGTH else SUBTREE_PREFIX) + path


def _written_keys(path: str) -> set[str]:
    """The keys a problem write at `path` changes: its own and its ancestors', up to the
    first that is a top key (the unit itself when it lies at TOP_DEPTH or above)."""
    return {subtree_key(a) for a in Unit.lineage_paths(path) if len(a) >= len(path[:_TOP_LENGTH])}


def problems_touch_units(paths: Iterable[str]) -> None:
    """The problems of units at `paths` changed: touch the keys that cover them."""
    versions_touch({key for path in set(paths) for key in _written_keys(path)})


def problems_changed(ids: list) -> None:
    """`metric_changes`' listener (a bulk import passes tens of thousands of ids)."""
    paths: set[str] = set()
    for chunk in chunks(ids):
        rows = Problem.objects.filter(pk__in=chunk).values_list("unit__path", flat=True)
        paths.update(rows.distinct())
    problems_touch_units(paths)


def _combined_top_token(path: str) -> int:
    """The token of a subtree above TOP_DEPTH: a digest of the top keys under it (an index
    range on the key; the LIKE only re-checks it). Any write below changes one of them."""
    table = connection.ops.quote_name(DataVersion._meta.db_table)
    low = TOP_PREFIX + path
    high = low + _LAST_STEP * (TOP_DEPTH - len(path) // Unit.steplen)
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT "key", "token" FROM {table} WHERE "key" >= %s AND "key" <= %s '
            f'AND "key" LIKE %s ORDER BY "key"',
            [low, high, low + "%"],
        )
        rows = cursor.fetchall()
    if not rows:
        return 0
    digest = hashlib.blake2b(repr(rows).encode(), digest_size=8).digest()
    return int.from_bytes(digest) >> 2  # a positive 62-bit token, like the stored ones


def problems_subtree_token(path: str) -> int:
    """The token that changes with every problem write in the subtree at `path`."""
    if len(path) < _TOP_LENGTH:
        return _combined_top_token(path)
    key = subtree_key(path)
    return DataVersion.objects.filter(key=key).values_list("token", flat=True).first() or 0


def ledger_tokens(unit_pk: int) -> dict[str, int] | None:
    """The tokens of the reference keys and of the unit's subtree, in one query below the top
    levels and two above (a cached page needs the unit's path before it can name its subtree
    key); None when the unit does not exist. Raw SQL: the ORM cannot join a key built from a
    column to an unrelated table."""
    table = connection.ops.quote_name(DataVersion._meta.db_table)
    units = connection.ops.quote_name(Unit._meta.db_table)
    one = f'(SELECT "token" FROM {table} WHERE "key" = %s)'
    own = (
        f'(SELECT "token" FROM {table} WHERE "key" = '
        f'(CASE WHEN u."depth" <= %s THEN %s ELSE %s END) || u."path")'
    )
    columns = ", ".join([*[one] * len(REFERENCE_KEYS), own])
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT u."path", {columns} FROM {units} u WHERE u."id" = %s',
            [*REFERENCE_KEYS, TOP_DEPTH, TOP_PREFIX, SUBTREE_PREFIX, unit_pk],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    path, *tokens = row
    if len(path) < _TOP_LENGTH:
        tokens[-1] = _combined_top_token(path)
    names = [*REFERENCE_KEYS, subtree_key(path)]
    return {name: token or 0 for name, token in zip(names, tokens, strict=True)}
