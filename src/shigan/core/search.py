"""Indexed search of Chinese text, with the same rules on PostgreSQL and SQLite.

Chinese has no spaces between words, so a text is cut into overlapping character
pairs (供暖问题 → 供暖 暖问 问题 题: the last character of a run also stands alone, so that a
one-character query finds it by prefix); Latin letters and digits stay whole words.
A query is cut the same way and its pairs must stand next to each other (a phrase),
so "暖问题" finds exactly the texts that contain it. This is what a bigram index
(pg_bigm, Lucene's CJK analyser) does, kept to what both databases have without an
extension:

- PostgreSQL: a stored generated `tsvector` column over `shigan_bigrams(text)` (a PL/pgSQL twin of
  `bigrams` below) with a GIN index; ranked by `ts_rank`. The database's character type must be
  UTF-8 (C.UTF-8 or zh_CN.UTF-8) so that the text parser keeps Chinese characters.
- SQLite: an FTS5 table kept by triggers that call `bigrams` (registered on every connection);
  ranked by `bm25`.

An app declares a `TextIndex(table, column)` and adds `index.operation()` to a migration; its
selectors call `text_search(queryset, index, words)`.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections, migrations
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.backends.signals import connection_created
from django.db.migrations.state import StateApps
from django.db.models import FloatField, Model, QuerySet
from django.db.models.expressions import RawSQL

__all__ = [
    "TextIndex",
    "bigrams",
    "function_operation",
    "install",
    "matching",
    "rank",
    "search_terms",
    "text_filter",
    "text_search",
]

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(f"[{_CJK}]+|[0-9a-z]+")
_LATIN = re.compile("[0-9a-z]")
_M = TypeVar("_M", bound=Model)
Terms = list[list[list[str]]]  # words → their runs → each run's query tokens


def _runs(text: str) -> list[str]:
    return _RUN.findall(unicodedata.normalize("NFKC", text or "").lower())


def _run_tokens(run: str) -> list[str]:
    if _LATIN.match(run) or len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def bigrams(text: str | None) -> str:
    """The index's tokens of a text, space-separated (the SQL function returns the same)."""
    return " ".join(token for run in _runs(text or "") for token in _run_tokens(run))


def search_terms(words: str) -> Terms:
    """Words (split by spaces) → their runs → each run's query tokens. Every word must be found;
    within a word every run; a run's pairs in a row. A run's last token is matched as a prefix
    (so 题 finds 问题's tail and "ab" finds "abc"), which is why the lone tail character is left off
    a run of two or more characters: its pairs already say it."""
    terms: Terms = []
    for word in (words or "").split():
        runs = [_run_tokens(run) for run in _runs(word)]
        runs = [tokens[:-1] if len(tokens) > 1 else tokens for tokens in runs]
        if runs:
            terms.append(runs)
    return terms


def _pg_query(terms: Terms) -> str:
    def run(tokens: list[str]) -> str:
        quoted = [f"'{t}'" for t in tokens]  # tokens are letters and digits only
        quoted[-1] += ":*" if len(tokens) == 1 else ""
        return " <-> ".join(quoted)

    return " & ".join(f"({run(tokens)})" for runs in terms for tokens in runs)


def _fts_query(terms: Terms) -> str:
    def run(tokens: list[str]) -> str:
        return f'"{tokens[0]}"*' if len(tokens) == 1 else '"' + " ".join(tokens) + '"'

    return " AND ".join(run(tokens) for runs in terms for tokens in runs)


# The PL/pgSQL twin of `bigrams` (a test checks they agree on random text).
PG_FUNCTION = r"""
CREATE OR REPLACE FUNCTION shigan_bigrams(t text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  run text;
  n int;
  tokens text[] := '{}';
BEGIN
  IF t IS NULL THEN RETURN ''; END IF;
  FOR run IN
    SELECT m[1] FROM regexp_matches(lower(normalize(t, NFKC)),
      '([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+)', 'g') AS m
  LOOP
    n := char_length(run);
    IF run ~ '^[0-9a-z]' OR n = 1 THEN
      tokens := tokens || run;
    ELSE
      FOR i IN 1 .. n - 1 LOOP
        tokens := tokens || substr(run, i, 2);
      END LOOP;
      tokens := tokens || substr(run, n, 1);
    END IF;
  END LOOP;
  RETURN array_to_string(tokens, ' ');
END $$;
"""


def function_operation() -> migrations.RunPython:
    """The migration step that defines `shigan_bigrams` on PostgreSQL (SQLite gets it per
    connection from `install`)."""

    def apply(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(PG_FUNCTION)

    def revert(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute("DROP FUNCTION IF EXISTS shigan_bigrams(text)")

    return migrations.RunPython(apply, revert, elidable=False)


@dataclass(frozen=True)
class TextIndex:
    table: str
    column: str
    pk: str = "id"

    @property
    def name(self) -> str:
        return f"{self.table}_{self.column}_search"

    def _postgresql(self) -> tuple[list[str], list[str]]:
        vector = f"to_tsvector('simple'::regconfig, shigan_bigrams({self.column}))"
        return (
            [
                f"ALTER TABLE {self.table} ADD COLUMN {self.column}_search tsvector "
                f"GENERATED ALWAYS AS ({vector}) STORED",
                f"CREATE INDEX {self.name} ON {self.table} USING gin ({self.column}_search)",
            ],
            [f"ALTER TABLE {self.table} DROP COLUMN {self.column}_search"],
        )

    def _sqlite(self) -> tuple[list[str], list[str]]:
        t, c, fts = self.table, self.column, self.name
        add = f"INSERT INTO {fts}(rowid, tokens) VALUES (new.{self.pk}, shigan_bigrams(new.{c}))"
        return (
            [
                f'CREATE VIRTUAL TABLE {fts} USING fts5(tokens, tokenize="unicode61 '
                'remove_diacritics 0")',
                f"INSERT INTO {fts}(rowid, tokens) SELECT {self.pk}, shigan_bigrams({c}) FROM {t}",
                f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {t} BEGIN {add}; END",
                f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {t} BEGIN "
                f"DELETE FROM {fts} WHERE rowid = old.{self.pk}; END",
                f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {c} ON {t} BEGIN "
                f"DELETE FROM {fts} WHERE rowid = old.{self.pk}; {add}; END",
            ],
            [f"DROP TABLE IF EXISTS {fts}"]
            + [f"DROP TRIGGER IF EXISTS {fts}_{s}" for s in ("ai", "ad", "au")],
        )

    def _statements(self, vendor: str) -> tuple[list[str], list[str]]:
        return {"postgresql": self._postgresql, "sqlite": self._sqlite}[vendor]()

    def operation(self) -> migrations.RunPython:
        """The migration step that builds (and, reversed, drops) this index on either database."""

        def run(which: int) -> Callable[[StateApps, BaseDatabaseSchemaEditor], None]:
            def apply(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
                for sql in self._statements(schema_editor.connection.vendor)[which]:
                    schema_editor.execute(sql)

            return apply

        return migrations.RunPython(run(0), run(1), elidable=False)


def _vendor(using: str) -> str:
    return connections[using].vendor


def matching(
    index: TextIndex, words: str, *, select: str | None = None, using: str = "default"
) -> RawSQL | None:
    """A subquery of the ids (or of the `select` column) of the rows whose indexed text contains
    every word, for `filter(pk__in=…)`; None when the words hold no letter, digit or Chinese
    character (they then match nothing)."""
    return matching_any(words, [(index, select)], using=using)


def matching_any(
    words: str, sources: Iterable[tuple[TextIndex, str | None]], *, using: str = "default"
) -> RawSQL | None:
    """One subquery, the union of `matching` over (index, select column) pairs: a single `IN`
    that the planner joins from, where two `IN`s joined by OR would scan the outer table."""
    terms = search_terms(words)
    if not terms:
        return None
    parts: list[str] = []
    params: list[str] = []
    for index, select in sources:
        sql, param = _matching_sql(index, terms, select or index.pk, using)
        parts.append(sql)
        params.append(param)
    return RawSQL(" UNION ".join(parts), params)


def _matching_sql(index: TextIndex, terms: Terms, select: str, using: str) -> tuple[str, str]:
    if _vendor(using) == "postgresql":
        return (
            f"SELECT {select} FROM {index.table} WHERE {index.column}_search "
            "@@ to_tsquery('simple'::regconfig, %s)",
            _pg_query(terms),
        )
    fts = index.name
    rows = f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s"
    if select != index.pk:
        rows = f"SELECT {select} FROM {index.table} WHERE {index.pk} IN ({rows})"
    return rows, _fts_query(terms)


def rank(index: TextIndex, words: str, *, using: str = "default") -> RawSQL:
    """How well each row of the index's own table matches (higher is better; 0 when not)."""
    terms = search_terms(words)
    if not terms:
        return RawSQL("0.0", [], output_field=FloatField())
    row = f'"{index.table}"."{index.pk}"'
    if _vendor(using) == "postgresql":
        return RawSQL(
            f'ts_rank("{index.table}"."{index.column}_search", '
            "to_tsquery('simple'::regconfig, %s))",
            [_pg_query(terms)],
            output_field=FloatField(),
        )
    fts = index.name
    return RawSQL(
        f"COALESCE((SELECT -bm25({fts}) FROM {fts} WHERE {fts} MATCH %s "
        f"AND {fts}.rowid = {row}), 0)",
        [_fts_query(terms)],
        output_field=FloatField(),
    )


def text_filter(queryset: QuerySet[_M], index: TextIndex, words: str) -> QuerySet[_M]:
    """The rows of the queryset's own table whose indexed column contains every word. On
    PostgreSQL the condition is on the table itself, so the index drives the query (an `IN`
    subquery of the same table makes the planner scan it)."""
    terms = search_terms(words)
    if not terms:
        return queryset.none()
    if _vendor(queryset.db) == "postgresql":
        column = f'"{index.table}"."{index.column}_search"'
        where = f"{column} @@ to_tsquery('simple'::regconfig, %s)"
        return queryset.extra(where=[where], params=[_pg_query(terms)])
    return queryset.filter(pk__in=matching(index, words, using=queryset.db))


def text_search(queryset: QuerySet[_M], index: TextIndex, words: str) -> QuerySet[Any, _M]:
    """`text_filter` with `search_rank`, best first (then the queryset's own order)."""
    rows = text_filter(queryset, index, words)
    return rows.annotate(search_rank=rank(index, words, using=queryset.db)).order_by(
        "-search_rank", *queryset.query.order_by
    )


def _register(sender: object, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("shigan_bigrams", 1, bigrams, deterministic=True)


def install() -> None:
    """Give every SQLite connection the tokenizer its triggers call (AppConfig.ready)."""
    connection_created.connect(_register, dispatch_uid="shigan.core.search")
