"""The database refuses to change or remove an audit entry (retention, issue 16).

PostgreSQL and SQLite each get a trigger that aborts any UPDATE or DELETE of a row of
audit_auditentry, whoever sends it (the product, a script, a console). Emptying the whole
database stays possible for its owner — `flush` (the demo's reset, the test suite) and
PostgreSQL's TRUNCATE, which fires no row trigger — and is exactly what `shigan audit verify`
reports as truncation against the checkpoints outside the database.

On SQLite the DELETE trigger asks the function shigan_audit_erasable(), which the product
registers on its own connections and which answers 1 only inside `flush`; any other program
(the sqlite3 shell) does not know the function, so its DELETE fails as well.
Note: SQLite rebuilds a table that a later migration alters, which drops its triggers; such a
migration must run `install` again (SQL below)."""

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.dispatch import receiver

__all__ = ["INSTALL", "DROP", "erasing", "guard_dropped"]

MESSAGE = "audit entries are kept: no UPDATE or DELETE (retention)"

INSTALL = {
    "postgresql": [
        f"""CREATE OR REPLACE FUNCTION shigan_audit_keep() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER shigan_audit_keep BEFORE UPDATE OR DELETE ON audit_auditentry
        FOR EACH ROW EXECUTE FUNCTION shigan_audit_keep()""",
    ],
    "sqlite": [
        f"""CREATE TRIGGER shigan_audit_no_update BEFORE UPDATE ON audit_auditentry
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
        f"""CREATE TRIGGER shigan_audit_no_delete BEFORE DELETE ON audit_auditentry
        WHEN shigan_audit_erasable() = 0 BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    ],
}
DROP = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS shigan_audit_keep ON audit_auditentry",
        "DROP FUNCTION IF EXISTS shigan_audit_keep()",
    ],
    "sqlite": [
        "DROP TRIGGER IF EXISTS shigan_audit_no_update",
        "DROP TRIGGER IF EXISTS shigan_audit_no_delete",
    ],
}

_state = threading.local()


def _erasable() -> int:
    return 1 if getattr(_state, "erasing", False) else 0


@receiver(connection_created)
def _register(sender: object, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("shigan_audit_erasable", 0, _erasable)


@contextlib.contextmanager
def erasing() -> Iterator[None]:
    """Let this thread empty the table (the whole-database `flush` only)."""
    _state.erasing = True
    try:
        yield
    finally:
        _state.erasing = False


@contextlib.contextmanager
def guard_dropped() -> Iterator[None]:
    """For tests that play a forger who owns the database: the guard is dropped first (as
    such a forger would) and put back afterwards."""
    with connection.cursor() as cursor:
        for statement in DROP.get(connection.vendor, []):
            cursor.execute(statement)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for statement in INSTALL.get(connection.vendor, []):
                cursor.execute(statement)
