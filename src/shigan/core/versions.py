"""Data versions: a token per key that changes in the same transaction as the data it covers.

A page that caches what it draws puts the tokens it depends on into its cache key (see
problems.views.LedgerView). A write changes the token when it commits, so the next request
builds a new key and never meets the old entry: no entry is ever deleted, and a rolled-back
write leaves the old token (and the old, still right, entry) in place. Tokens are random rather
than counters, so a database restored from a backup cannot meet an entry drawn from other data
under a reused number.

No write waits on one row that every write takes (issue 15): a key covers a part of the data
that writers elsewhere do not touch (problems/versions.py keeps a key per subtree below the top
level and combines them for the levels above). Each call changes its keys in sorted order.
"""

import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from shigan.core.benchmark import trail_is_off
from shigan.core.models import DataVersion

__all__ = [
    "versions_touch",
    "versions_follow",
    "versions_read",
]


def versions_touch(keys: Iterable[str]) -> None:
    """Give each key a new token, as part of the current transaction."""
    keys = sorted(set(keys))
    if not keys or trail_is_off():  # a benchmark's floor
        return
    table = connection.ops.quote_name(DataVersion._meta.db_table)
    token = secrets.randbits(62)
    values = ", ".join(["(%s, %s)"] * len(keys))
    sql = (
        f'INSERT INTO {table} ("key", "token") VALUES {values} '
        'ON CONFLICT ("key") DO UPDATE SET "token" = excluded."token"'
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [v for key in keys for v in (key, token)])


def versions_follow(model: type[Model], keys: Callable[[Any], Iterable[str]] | str) -> None:
    """Touch `keys` (a key, or a function of the saved or deleted instance) whenever a `model`
    row is saved or deleted one by one, or its many-to-many relations change. Queryset
    `update()`, `bulk_create` and COPY send no signal: services that write that way call
    `versions_touch` themselves."""
    if isinstance(keys, str):
        fixed = (keys,)

        def keys(instance: Model) -> Iterable[str]:
            return fixed

    def receiver(sender: object, instance: Model, **kwargs: Any) -> None:
        if kwargs.get("action", "post_").startswith("post_"):
            versions_touch(keys(instance))

    uid = f"versions:{model._meta.label}"
    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=uid)
    for field in model._meta.many_to_many:
        m2m_changed.connect(
            receiver, sender=field.remote_field.through, weak=False, dispatch_uid=f"{uid}:{field}"
        )


def versions_read(keys: Iterable[str]) -> dict[str, int]:
    """The current token of each key (0 for a key never written), in one query."""
    keys = list(keys)
    table = connection.ops.quote_name(DataVersion._meta.db_table)
    marks = ", ".join(["%s"] * len(keys))
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "key", "token" FROM {table} WHERE "key" IN ({marks})', keys)
        found = dict(cursor.fetchall())
    return {key: found.get(key, 0) for key in keys}
