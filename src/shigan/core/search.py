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
selectors call `text_search(queryset, index, words)`, or `capped_search` for a page.

A word found in a tenth of 5,000,000 titles cannot be ranked for a first page in time: ranking
reads every hit, and so does an exact count. So a page's search counts its hits only up to a cap
(`SHIGAN_SEARCH_CAP`, 2,000): within it the hits are ranked and counted exactly; above it they
are listed in the queryset's own order (which its index walks, stopping at the page) and the page
says "more than 2,000", never counted (`CappedPaginator`).

Above the cap on PostgreSQL, a page first walks a bounded window of the queryset in its own
order (`SHIGAN_SEARCH_WINDOW` rows, 12,000) and keeps the hits inside it: the planner estimates
a phrase's hits as the product of its pairs' (1 row for a phrase with 25,000), so left alone it
reads every hit and sorts them, where the walk stops early. The order is total, so when the
window holds the page and one hit more, they are the first hits overall; else the page falls back
to the plain query (`Search.window`, `CappedPaginator`).
"""

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections, migrations
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.backends.signals import connection_created
from django.db.migrations.state import StateApps
from django.db.models import F, FloatField, Model, QuerySet
from django.db.models.expressions import RawSQL

__all__ = [
    "CappedPaginator",
    "Search",
    "TextIndex",
    "bigrams",
    "capped_count",
    "capped_search",
    "ranked_within_cap",
    "search_cap",
    "search_window",
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


def search_cap() -> int:
    """How many hits a page's search ranks and counts exactly (beyond it: ledger order, "more
    than"). 2,000 ranked rows take ~10 ms on PostgreSQL; see README "Search" for the measurement."""
    return int(getattr(settings, "SHIGAN_SEARCH_CAP", 2000))


def search_window() -> int:
    """How many rows of the queryset's own order a capped page walks before it falls back to the
    plain query (README "Search": chosen by measurement at 5,000,000 problems)."""
    return int(getattr(settings, "SHIGAN_SEARCH_WINDOW", 12000))


@dataclass(frozen=True)
class Walk:
    """The hits among the first rows of an unsearched queryset, in its order: sliced, it walks
    them lazily (the outer LIMIT stops the walk, never read past the page) and loads the rows."""

    queryset: QuerySet[Any]
    sql: str
    params: tuple[Any, ...]

    def __getitem__(self, rows: "slice[int, int, None]") -> list[Any]:
        with connections[self.queryset.db].cursor() as cursor:
            # A filtered scan of an ordered subquery keeps its order (PostgreSQL adds no sort).
            limit = (*self.params, rows.stop - rows.start, rows.start)
            cursor.execute(f"{self.sql} LIMIT %s OFFSET %s", limit)
            ids = [row[0] for row in cursor.fetchall()]
        found = {row.pk: row for row in self.queryset.filter(pk__in=ids)}
        return [found[pk] for pk in ids]


def _estimate(using: str, sql: str, params: Sequence[str] = ()) -> float:
    with connections[using].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    return float((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"])


def _worth_walking(queryset: QuerySet[Any], index: TextIndex, words: str, cap: int | None) -> bool:
    """Whether a capped page should walk first: yes when the planner's estimate of the hits is
    within the cap (known wrong: a phrase's pairs multiplied, 1 row for 25,000 hits; the planner
    would read them all), or when the hits it trusts are dense enough for the window to hold two
    pages; no for a word just above the cap (煤: 1 in 1,000 rows), whose walk would be in vain."""
    terms = search_terms(words)
    if not terms or _vendor(queryset.db) != "postgresql":
        return False
    cap = search_cap() if cap is None else cap
    hits = _estimate(
        queryset.db,
        f"SELECT 1 FROM {index.table} WHERE {index.column}_search "
        "@@ to_tsquery('simple'::regconfig, %s)",
        [_pg_query(terms)],
    )
    if hits <= cap:
        return True
    rows = _estimate(queryset.db, f"SELECT 1 FROM {index.table}")
    return hits * search_window() / max(rows, 1) >= 100


def walked(queryset: QuerySet[Any], index: TextIndex, words: str, size: int) -> Walk | None:
    """The rows among the first `size` of the (unsearched, ordered) queryset whose indexed text
    holds every word, in the same order; None where the walk is not needed (SQLite, whose
    planner already walks) or the words hold nothing to find."""
    terms = search_terms(words)
    if not terms or size < 1 or _vendor(queryset.db) != "postgresql":
        return None
    column = f'"{index.table}"."{index.column}_search"'
    window = queryset.values(walk_row=F("pk"), walk_tsv=RawSQL(column, ()))[:size]
    try:
        sql, params = window.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:  # a queryset that cannot hold a row (`none()`)
        return None
    return Walk(
        queryset,
        f'SELECT w."walk_row" FROM ({sql}) w '
        """WHERE w."walk_tsv" @@ to_tsquery('simple'::regconfig, %s)""",
        (*params, _pg_query(terms)),
    )


def capped_count(queryset: QuerySet[Any], cap: int) -> int | None:
    """The number of rows when at most `cap`, else None: reads at most cap + 1 of them."""
    hits = queryset.order_by().values("pk")[: cap + 1].count()
    return hits if hits <= cap else None


@dataclass(frozen=True)
class Search:
    """A page's rows in the order to show; `hits` their exact number when counted within the
    cap; `capped` when there are more than `cap` (then `hits` is None)."""

    rows: QuerySet[Any]
    hits: int | None
    cap: int
    capped: bool = False
    window: "Walk | None" = None  # the hits within a bounded walk of `rows`' order (capped)

    def paginator(self, per_page: int) -> "Paginator[Any]":
        if self.capped:
            return CappedPaginator(self.rows, per_page, window=self.window)
        return Paginator(self.rows, per_page)


def ranked_within_cap(
    rows: QuerySet[Any], index: TextIndex, words: str, *, cap: int | None = None
) -> Search:
    """Rows already filtered by the words, in their own order: best match first (then that
    order) when their hits stay within the cap, else left in their own order, uncounted."""
    cap = search_cap() if cap is None else cap
    hits = capped_count(rows, cap)
    if hits is not None and search_terms(words):
        rows = rows.annotate(search_rank=rank(index, words, using=rows.db)).order_by(
            "-search_rank", *rows.query.order_by
        )
    return Search(rows, hits, cap, capped=hits is None)


def capped_search(
    queryset: QuerySet[Any],
    index: TextIndex,
    words: str,
    *,
    cap: int | None = None,
    size: int | None = None,
) -> Search:
    """`text_search` for a page: ranked and counted up to the cap, in the queryset's own order
    above it (its first pages from a bounded walk of that order, see the module's doc)."""
    search = ranked_within_cap(text_filter(queryset, index, words), index, words, cap=cap)
    if not search.capped:
        return search
    if size is None:
        size = search_window() if _worth_walking(queryset, index, words, cap) else 0
    window = walked(queryset, index, words, size)
    return Search(search.rows, None, search.cap, capped=True, window=window)


if TYPE_CHECKING:  # Django's Paginator is generic in its stubs only
    _Paginator = Paginator[Any]
else:
    _Paginator = Paginator


class CappedPaginator(_Paginator):
    """Pages of rows that are never counted (a search above its cap): a page reads one row more
    than it shows to know whether another follows. A page number that is not a number or lies
    past the end shows the first page (finding the last one would mean counting)."""

    capped = True

    def __init__(
        self, object_list: Any, per_page: int, *args: Any, window: Walk | None = None, **kwargs: Any
    ) -> None:
        super().__init__(object_list, per_page, *args, **kwargs)
        self.window = window

    def _rows(self, bottom: int) -> list[Any]:
        # A window holding the page and one hit more holds the first ones overall (the order is
        # total and the window its prefix); short of that, the plain query decides.
        end = bottom + self.per_page + 1
        if self.window is not None:
            rows = list(self.window[bottom:end])
            if len(rows) == end - bottom:
                return rows
        return list(self.object_list[bottom:end])

    def page(self, number: object) -> Page[Any]:
        number = self.validate_number_floor(number)
        bottom = (number - 1) * self.per_page
        rows = self._rows(bottom)
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        self.__dict__.pop("num_pages", None)
        self.count = bottom + len(rows)  # one past this page when a next one exists
        # Django's own factory (what `Paginator.page` calls), missing from its stubs
        page: Page[Any] = self._get_page(rows[: self.per_page], number, self)  # type: ignore[attr-defined]
        return page

    def validate_number_floor(self, number: object) -> int:
        try:
            value: int = int(number)  # type: ignore[call-overload]  # any value a URL may carry
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if value < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return value

    def get_page(self, number: object) -> Page[Any]:
        try:
            return self.page(number)
        except (PageNotAnInteger, EmptyPage):
            return self.page(1)


def _register(sender: object, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("shigan_bigrams", 1, bigrams, deterministic=True)


def install() -> None:
    """Give every SQLite connection the tokenizer its triggers call (AppConfig.ready)."""
    connection_created.connect(_register, dispatch_uid="shigan.core.search")
