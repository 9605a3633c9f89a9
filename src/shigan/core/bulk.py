"""Inserting many rows at once, for importers: COPY on PostgreSQL, executemany on SQLite.

Django's bulk_create is capped at 999 parameters a statement on SQLite (90 units a statement)
and builds one model instance a row; loading 665,276 units that way takes minutes.
"""

from collections.abc import Iterable, Sequence

from django.db import connection

__all__ = ["bulk_insert", "reserve_ids"]


def bulk_insert(model, fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert plain tuples (in `fields` order) into `model`'s table; returns the row count."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [model._meta.get_field(f).column for f in fields]
    column_sql = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({column_sql}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            batch: list[Sequence] = []
            sql = f"INSERT INTO {table} ({column_sql}) VALUES ({placeholders})"
            for row in rows:
                batch.append(row)
                if len(batch) >= 10000:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
    return count


def reserve_ids(model, count: int) -> list[int]:
    """`count` fresh primary keys for rows about to be bulk-inserted (COPY returns no ids).

    PostgreSQL draws them from the column's sequence; SQLite (whose writers are serialised by the
    IMMEDIATE transaction) continues after both the largest id and AUTOINCREMENT's high mark.
    """
    if count <= 0:
        return []
    table = model._meta.db_table
    pk_column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), pk_column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT COALESCE(MAX({connection.ops.quote_name(pk_column)}), 0) "
            f"FROM {connection.ops.quote_name(table)}"
        )
        start = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(start, row[0] if row else 0)
        return list(range(start + 1, start + 1 + count))
