"""Inserting many rows at once, for importers: COPY on PostgreSQL, executemany on SQLite.

Django's bulk_create is capped at 999 parameters a statement on SQLite (90 units a statement)
and builds one model instance a row; loading 665,276 units that way takes minutes.
"""

from collections.abc import Iterable, Iterator, Sequence
from ipaddress import IPv4Address, IPv4Interface, IPv6Address, IPv6Interface, ip_interface
from typing import Any, TypeVar, overload

from django.db import connection
from django.db.models import Model
from psycopg.abc import Buffer
from psycopg.adapt import AdaptersMap, Dumper
from psycopg.pq import Format
from psycopg.types.net import InetBinaryDumper

__all__ = ["bulk_insert", "reserve_ids", "chunks"]

_T = TypeVar("_T")


@overload
def chunks(items: list[_T], size: int = 2000) -> Iterator[list[_T]]: ...
@overload
def chunks(items: Sequence[_T], size: int = 2000) -> Iterator[Sequence[_T]]: ...
def chunks(items: Sequence[_T], size: int = 2000) -> Iterator[Sequence[_T]]:
    """`items` in slices of `size`: an `IN` list of tens of thousands of ids would pass the
    databases' parameter limits (SQLite's 32,766)."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def bulk_insert(
    model: type[Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],  # database values, as the driver adapts them
    *,
    binary: bool = False,
) -> int:
    """Insert plain tuples (in `fields` order) into `model`'s table; returns the row count.

    `rows` may be a generator: on PostgreSQL the server stores the rows already sent while the
    next ones are being made. `binary` sends them in COPY's binary format (the server then
    parses no text: worth it for wide rows such as audit entries); JSON fields then take their
    JSON text and IP address fields their text, as in the text format.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    # Concrete columns of the table (the stubs allow relations and column-less fields too).
    model_fields: list[Any] = [model._meta.get_field(f) for f in fields]
    column_sql = ", ".join(connection.ops.quote_name(f.column) for f in model_fields)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({column_sql}) FROM STDIN"
            if binary:
                sql += " (FORMAT BINARY)"
                _text_dumpers(cursor.cursor.adapters)
            with cursor.cursor.copy(sql) as copy:
                if binary:
                    # The column types name the binary dumpers (varchar(100) → varchar).
                    copy.set_types([f.db_type(connection).split("(")[0] for f in model_fields])
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            placeholders = ", ".join(["%s"] * len(model_fields))
            batch: list[Sequence[Any]] = []
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


def _text_dumpers(adapters: AdaptersMap) -> None:
    """Binary dumpers of jsonb and inet that take text, as the text format does; registered by
    type oid only, on one cursor's adapters."""

    class JsonbTextBinaryDumper(Dumper):
        format = Format.BINARY
        oid = adapters.types["jsonb"].oid

        def dump(self, obj: str) -> Buffer:
            return b"\x01" + obj.encode()  # jsonb's binary form: version 1, then the JSON text

    class InetTextBinaryDumper(InetBinaryDumper):
        def dump(
            self, obj: str | IPv4Address | IPv6Address | IPv4Interface | IPv6Interface
        ) -> Buffer | None:
            return super().dump(ip_interface(obj) if isinstance(obj, str) else obj)

    adapters.register_dumper(None, JsonbTextBinaryDumper)
    adapters.register_dumper(None, InetTextBinaryDumper)


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """`count` fresh primary keys for rows about to be bulk-inserted (COPY returns no ids).

    PostgreSQL draws them from the column's sequence; SQLite (whose writers are serialised by the
    IMMEDIATE transaction) continues after both the largest id and AUTOINCREMENT's high mark.
    """
    if count <= 0:
        return []
    table = model._meta.db_table
    pk_column: str = model._meta.pk.column  # type: ignore[assignment]  # a table pk has its column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence is looked up once (per row it would cost more than the nextval).
            cursor.execute(
                "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq) "
                "SELECT nextval(s.seq) FROM s, generate_series(1, %s)",
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
