"""Benchmark: dashboards and ledger pages drawn fresh, and ledger throughput under writes, over
HTTP on PostgreSQL, each next to its floors measured in the same run (issue 15 point 6).

Usage: uv run python bench/dashboards.py [--scales S,M] [--workers 2] [--samples 30]
       [--dashboard-samples 15] [--seconds 10] [--keep | --reuse] [--verify]

`--keep` leaves the database (SHIGAN_BENCH_DB) in place; `--reuse` measures a kept one again
(one scale; it is never dropped, nor loaded again). L (5,000,000 problems) takes about half an
hour to load and ~12 GB: build it once with `--scales L --keep`, then rerun with `--reuse`.

Data (per scale, loaded with COPY): Inner Mongolia's tree to township level, one campaign with
6 problem aspects and a first batch enrolling every league and banner, and S 3,000 / M 200,000 /
L 5,000,000 problems on the 108 banners/counties, states open/in progress/pending review/closed
30/30/15/25 %, 11.106 % of them (22,212 of 200,000) in 赤峰市, titled as ledgers title them
(so `bench/search.py --database` can search the same data); each problem has its state and
light history (set-based, from the problems). The working-day calendar is seeded from 2023 to
next year. The metric facts are what `metric_rebuild` gives, as after an import: the counts
over a state history (problems by state, light …) computed set-based in SQL (the engine takes
hours at L), the others by the engine; at S (or with `--verify`) the bulk facts are checked
against `metric_rebuild`'s, sum by sum (metric, campaign, unit, day, dimension value).

Served by the production server (`shigan.core.server.run_server`, gunicorn gthread) with
`--workers` workers, DEBUG off, every middleware, logged in as the region's and the league's
leader. Measured, median of `--samples` (dashboards: `--dashboard-samples`) sequential
requests, each drawn fresh (a throw-away
parameter that changes on every request, so no cache answers):
  dashboard  /dashboards/units/<unit>/ of 内蒙古自治区 and of 赤峰市
  ledger     /problems/units/<unit>/ (first page of 50 rows, counts, filters) of both
  search     the region's ledger searched (?q=供暖, 冬季取暖资金拨付, 煤): first page and its count
Floors in the same run:
  bare       a Django view returning a short text (session and authentication middleware)
  facts      a Django view running the dashboard's by-child table as one raw SQL over the facts
  bare list  a Django view serving the same 50 rows as the ledger with one query, bare template
Throughput: 8 keep-alive connections on the league ledger (its cached URL), every tenth request
a write (a measure added through the product's form, which changes the league's data version so
the next views draw the page again); next to the bare view's and bare list's throughput.
"""

import argparse
import datetime
import http.client
import itertools
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PG = ["-h", "127.0.0.1", "-U", "postgres"]
# Two people benchmarking on one machine each name their own database and port.
DB = os.environ.get("SHIGAN_BENCH_DB", "shigan_bench_dashboards")
PG_URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
BIND = os.environ.get("SHIGAN_BENCH_BIND", "127.0.0.1:8764")
REGION = "150000000000"
LEAGUE = "150400000000"  # 赤峰市
SCALES = {"S": 3_000, "M": 200_000, "L": 5_000_000}
LEAGUE_SHARE = 22_212 / 200_000
TARGETS = {"dashboard": 150.0, "ledger": 30.0, "throughput": 100.0, "search": 100.0}
# The region's ledger searched (first page): a common word, a rarer phrase, one character.
SEARCHES = ("供暖", "冬季取暖资金拨付", "煤")
TARGETS_L = {**TARGETS, "dashboard": 300.0, "ledger": 60.0}  # throughput: set at M only
STATES = (("open", 30), ("in_progress", 30), ("pending_review", 15), ("closed", 25))


def setup_django():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shigan.settings")
    django.setup()


# -- the floors, mounted beside the product's URLs in the server process -------------------------

BARE_LIST_TEMPLATE = """<!DOCTYPE html><html><body><table>
{% for p in rows %}<tr><td>{{ p.title }}</td><td>{{ p.unit.name }}</td><td>{{ p.aspect.name }}</td>
<td>{{ p.source }}</td><td>{{ p.deadline }}</td><td>{{ p.progress_percent }}%</td>
<td>{{ p.light }}</td><td>{{ p.state }}</td></tr>{% endfor %}
</table></body></html>"""
FACTS_SQL = """
SELECT f.metric, f.unit_id, SUM(f.delta) FROM metrics_metricfact f
JOIN orgs_unit u ON u.id = f.unit_id
WHERE f.dim = '' AND f.campaign_id = %s AND f.metric IN ('problems.found', 'problems.closed')
  AND (u.id = %s OR (u.path >= %s AND u.path < %s AND u.depth = %s))
GROUP BY f.metric, f.unit_id
"""
_floors = {}


def _unit(pk):
    from shigan.orgs.models import Unit

    if pk not in _floors:
        _floors[pk] = Unit.objects.get(pk=pk)
    return _floors[pk]


def bare(request):
    from django.http import HttpResponse

    return HttpResponse("ok", content_type="text/plain")


def facts_floor(request, pk):
    """The dashboard's by-child figures as one raw SQL over the facts, as text."""
    from django.db import connection
    from django.http import HttpResponse

    from shigan.campaigns.models import Campaign
    from shigan.orgs.scoping import path_upper

    unit = _unit(pk)
    campaign = Campaign.objects.order_by("pk").values_list("pk", flat=True).first()
    with connection.cursor() as cursor:
        cursor.execute(
            FACTS_SQL, [campaign, unit.pk, unit.path, path_upper(unit.path), unit.depth + 1]
        )
        rows = cursor.fetchall()
    return HttpResponse("\n".join(f"{m} {u} {n}" for m, u, n in rows), content_type="text/plain")


def bare_list(request, pk):
    """The ledger's first 50 rows, the plainest way: one query, no scope, counts or layout."""
    from django.http import HttpResponse
    from django.template import engines

    from shigan.orgs.scoping import path_upper
    from shigan.problems.models import Problem

    unit = _unit(pk)
    template = engines["django"].from_string(BARE_LIST_TEMPLATE)
    rows = (
        Problem.objects.filter(unit__path__gte=unit.path, unit__path__lt=path_upper(unit.path))
        .select_related("unit", "aspect")
        .order_by("-found_on", "-pk")[:50]
    )
    return HttpResponse(template.render({"rows": rows}))


def serve(workers: int) -> None:
    setup_django()
    from django.conf import settings
    from django.urls import include, path

    from shigan.core.server import run_server

    sys.modules["__main__"].urlpatterns = [
        path("bench/bare/", bare),
        path("bench/facts/<int:pk>/", facts_floor),
        path("bench/bare-list/<int:pk>/", bare_list),
        path("", include("shigan.urls")),
    ]
    settings.ROOT_URLCONF = "__main__"
    run_server(bind=BIND, workers=workers)


# -- data ----------------------------------------------------------------------------------------


TITLE_MATTERS = (
    "供暖", "饮水", "道路", "草场", "校舍", "医保", "养老", "就业", "补贴", "环境",
    "垃圾清运", "电网", "通信", "学校", "卫生院", "物业", "停车", "防汛", "冬季取暖", "农机",
)  # fmt: skip
TITLE_FAILINGS = (
    "不到位", "走过场", "推进缓慢", "问题突出", "群众反映强烈", "整改不彻底", "管理混乱",
    "服务不规范", "资金拨付滞后", "台账不清",
)  # fmt: skip
TITLE_PLACES = ("牧区", "农区", "城区", "社区", "嘎查", "苏木", "园区", "景区")


def title(rng: random.Random, i: int) -> str:
    """A ledger's kind of title, a matter and a failing ("牧区供暖不到位（12）"): a common word
    is in about 1 in 20 titles, so `bench/search.py` can search this same database."""
    matter = "燃煤" if i % 997 == 0 else rng.choice(TITLE_MATTERS)  # a rare word's few hits
    return f"{rng.choice(TITLE_PLACES)}{matter}{rng.choice(TITLE_FAILINGS)}（{i}）"


def _rows(count: int, banners: list[int], league_banners: list[int], ids: dict):
    """The problems, one tuple each, made as COPY sends them (5,000,000 do not fit a list)."""
    rng, titles = random.Random(15), random.Random(16)
    # The league's problems interleaved with the others' (ids and days), as entered over time.
    in_league = set(rng.sample(range(count), round(count * LEAGUE_SHARE)))
    others = [b for b in banners if b not in set(league_banners)]
    states = [s for s, share in STATES for _ in range(share)]
    sources = ["research", "self_inspection", "inspection_feedback", "petition", "assigned"]
    now = datetime.datetime(2023, 6, 7, tzinfo=datetime.UTC)
    for i in range(count):
        found = datetime.date(2023, 4, 1) + datetime.timedelta(days=rng.randrange(60))
        state = states[i % 100]
        light = "" if state == "closed" else rng.choice(["green", "green", "yellow", "red"])
        unit = rng.choice(league_banners if i in in_league else others)
        deadline = found + datetime.timedelta(days=rng.randrange(20, 90))
        yield (unit, ids["campaign"], rng.choice(ids["aspects"]),
               rng.choice(ids["programs"]) if i % 7 == 0 else None, rng.choice(sources),
               title(titles, i), "", found, "time_bound", deadline, state,
               100 if state == "closed" else rng.randrange(0, 100), light,
               deadline if light == "red" else None, now)  # fmt: skip


# Each problem's history, by its state now: open on the day found, then on to its state a
# week a step later. (final state, step, from, to)
PATHS = [(s, 0, "", "open") for s, _ in STATES] + [
    ("in_progress", 1, "open", "in_progress"),
    ("pending_review", 1, "open", "in_progress"),
    ("pending_review", 2, "in_progress", "pending_review"),
    ("closed", 1, "open", "in_progress"),
    ("closed", 2, "in_progress", "pending_review"),
    ("closed", 3, "pending_review", "closed"),
]


def _histories(cursor) -> None:
    """The state and light histories of every problem, set-based from the problems. Lights:
    each unfinished problem's stored light from the day it took effect (red on the missed
    deadline, the others on the day found), so the light facts agree."""
    steps = ", ".join(f"({_quote(a)}, {b}, {_quote(c)}, {_quote(d)})" for a, b, c, d in PATHS)
    cursor.execute(
        "INSERT INTO problems_problemtransition (problem_id, from_state, to_state, day, at,"
        " comment) SELECT p.id, s.before, s.after, p.found_on + 7 * s.step,"
        " '2023-06-07 00:00+00', '' FROM problems_problem p"
        f" JOIN (VALUES {steps}) s(final, step, before, after) ON s.final = p.state"
        " ORDER BY p.id, s.step"
    )
    cursor.execute(
        "INSERT INTO problems_problemlightchange (problem_id, from_light, to_light, day)"
        " SELECT id, '', light, COALESCE(light_on, found_on) FROM problems_problem"
        " WHERE light <> '' ORDER BY id"
    )


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


BULK_TABLES = ("problems_problem", "problems_problemtransition", "problems_problemlightchange")


def _drop_secondary(cursor, tables) -> list[str]:
    """Drops the tables' foreign keys and indexes not behind a constraint (COPY then writes
    the rows alone; each is rebuilt once, in one pass, afterwards); returns what rebuilds them."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
        [list(tables)],
    )
    rebuild = []
    for table, name, definition in cursor.fetchall():
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
        " WHERE i.indrelid::regclass::text = ANY(%s)"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        [list(tables)],
    )
    for name, definition in cursor.fetchall():
        cursor.execute(f"DROP INDEX {name}")
        rebuild.insert(0, definition)
    return rebuild


def seed_calendar(first: int, last: int) -> None:
    """The working-day calendar of every year from `first` to `last` (the data's and today's):
    a year with none makes every write re-read the calendar (and fail on working days)."""
    from shigan.accounts.system import system_actor
    from shigan.core.choices import HolidayKind
    from shigan.core.models import CalendarYear
    from shigan.core.services import (
        calendar_year_mark_complete,
        calendar_year_seed,
        holiday_set,
        package_years,
    )

    done = set(CalendarYear.objects.filter(complete=True).values_list("year", flat=True))
    for year in range(first, last + 1):
        if year in done:
            continue
        if year in package_years():
            calendar_year_seed(actor=system_actor("基准测试"), year=year)
        else:  # beyond the package: New Year's Day only
            holiday_set(
                actor=system_actor("基准测试"),
                date=datetime.date(year, 1, 1),
                kind=HolidayKind.HOLIDAY,
                name="元旦",
            )
            calendar_year_mark_complete(actor=system_actor("基准测试"), year=year)


# -- the metric facts in bulk --------------------------------------------------------------------


def _bulk_able(metric) -> bool:
    """A count over a state history with the unit, campaign and dimensions on the record
    itself: what `_bulk_facts` computes set-based. Anything else goes through the engine."""
    fields = [metric.unit_field, metric.campaign_field or "pk", *metric.dims]
    return (
        metric.history is not None
        and metric.amount_field is None
        and all("__" not in f for f in fields)
    )


def _ancestors_table(cursor) -> None:
    from shigan.orgs.models import Unit

    units = dict(Unit.objects.values_list("path", "pk"))
    cursor.execute("CREATE TEMP TABLE bench_ancestor (unit_id bigint, ancestor_id bigint)")
    with cursor.cursor.copy("COPY bench_ancestor FROM STDIN") as copy:
        for path, pk in units.items():
            for above in Unit.lineage_paths(path):
                copy.write_row((pk, units[above]))
    cursor.execute("ANALYZE bench_ancestor")


def _filter_sql(model, metric) -> tuple[str, list]:
    """The ids of the records the metric counts, as SQL."""
    query = model._base_manager.filter(metric.filter).order_by().values("pk").query
    return query.sql_with_params()


def _changes_table(cursor, history, model, metrics) -> tuple[str, dict]:
    """The history's rows counted by what the facts need: the record's unit, campaign and
    dimensions, its state then and its state before (by day, then id: the engine's order),
    and whether it passes each metric's filter. Returns the table and each filter's column."""
    table = f"bench_changes_{history.model._meta.db_table}"
    meta, hmeta = model._meta, history.model._meta
    record = hmeta.get_field(history.record_field).column
    state, day = (hmeta.get_field(f).column for f in (history.state_field, history.day_field))
    dims = sorted({d for m in metrics for d in m.dims})
    columns = {f"d_{d}": f"p.{meta.get_field(d).column}" for d in dims}
    filters, params = {}, []
    for metric in metrics:
        if metric.filter:
            sql, more = _filter_sql(model, metric)
            if (sql, tuple(more)) not in filters:
                filters[sql, tuple(more)] = name = f"f_{len(filters)}"
                columns[name] = f"p.{meta.pk.column} IN ({sql})"
                params += more
    unit = meta.get_field(metrics[0].unit_field).column
    campaign = metrics[0].campaign_field
    campaign_sql = f"COALESCE(p.{meta.get_field(campaign).column}, 0)" if campaign else "0"
    kept = ["unit_id", "campaign_id", "day", "now", "before", *columns]
    cursor.execute(
        f"CREATE TEMP TABLE {table} AS SELECT {', '.join(kept)}, count(*) AS n FROM ("
        f"SELECT p.{unit} AS unit_id, {campaign_sql} AS campaign_id, h.{day} AS day,"
        f" h.{state} AS now,"
        f" lag(h.{state}) OVER (PARTITION BY h.{record} ORDER BY h.{day}, h.{hmeta.pk.column})"
        " AS before"
        + "".join(f", {sql} AS {name}" for name, sql in columns.items())
        + f" FROM {hmeta.db_table} h JOIN {meta.db_table} p ON p.{meta.pk.column} = h.{record}"
        f") changes GROUP BY {', '.join(kept)}",
        params,
    )
    named = {m.key: _filter_sql(model, m) for m in metrics if m.filter}
    return table, {key: filters[sql, tuple(more)] for key, (sql, more) in named.items()}


def _bulk_facts(cursor, metrics) -> None:
    """`metric_rebuild` of these metrics, set-based: a record counts +1 on the day its state
    enters the metric's states and −1 on the day it leaves them (the engine walks the same
    history in the same order), to its unit and every ancestor, in total and by each
    dimension's value as text."""
    from shigan.metrics.models import MetricFact

    facts = MetricFact._meta.db_table
    groups: dict = {}
    for metric in metrics:
        assert metric.unit_field == metrics[0].unit_field
        groups.setdefault((metric.history, metric.model), []).append(metric)
    for (history, model), over in groups.items():
        changes, filtered = _changes_table(cursor, history, model, over)
        cursor.execute(f"ANALYZE {changes}")
        for metric in over:
            cursor.execute(f"DELETE FROM {facts} WHERE metric = %s", [metric.key])
            inside = ", ".join(_quote(s) for s in metric.states)
            where = f"(now IN ({inside})) <> COALESCE(before IN ({inside}), false)"
            params = []
            if metric.key in filtered:
                where += f" AND {filtered[metric.key]}"
            dims = [f"d_{d}" for d in metric.dims]
            by_dims = "".join(f", {d}" for d in dims)
            split = "".join(
                f" UNION ALL SELECT unit_id, campaign_id, day, '{d}', COALESCE({c}::text, ''),"
                " delta FROM d"
                for d, c in zip(metric.dims, dims, strict=True)
            )
            cursor.execute(
                f"INSERT INTO {facts} (metric, campaign_id, unit_id, day, dim, value, delta)"
                f" WITH d AS (SELECT unit_id, campaign_id, day, {', '.join(dims + [''])}"
                f" SUM(CASE WHEN now IN ({inside}) THEN n ELSE -n END) AS delta FROM {changes}"
                f" WHERE {where} GROUP BY unit_id, campaign_id, day{by_dims}),"
                " e AS (SELECT unit_id, campaign_id, day, '' AS dim, '' AS value, delta FROM d"
                f"{split}),"
                # each unit's own sums first: a few rows a day, then carried to its ancestors
                " own AS (SELECT unit_id, campaign_id, day, dim, value, SUM(delta) AS delta"
                " FROM e GROUP BY unit_id, campaign_id, day, dim, value)"
                " SELECT %s, e.campaign_id, a.ancestor_id, e.day, e.dim, e.value, SUM(e.delta)"
                " FROM own e JOIN bench_ancestor a ON a.unit_id = e.unit_id"
                " GROUP BY e.campaign_id, a.ancestor_id, e.day, e.dim, e.value"
                " HAVING SUM(e.delta) <> 0",
                [*params, metric.key],
            )
        cursor.execute(f"DROP TABLE {changes}")


def _fact_sums(cursor, keys) -> dict:
    cursor.execute(
        "SELECT metric, campaign_id, unit_id, day, dim, value, SUM(delta)"
        " FROM metrics_metricfact WHERE metric = ANY(%s)"
        " GROUP BY metric, campaign_id, unit_id, day, dim, value HAVING SUM(delta) <> 0",
        [list(keys)],
    )
    return {tuple(row[:-1]): row[-1] for row in cursor.fetchall()}


def build_facts(cursor, verify: bool) -> dict:
    """Every metric's facts: the counts over a state history in bulk, the rest (a few rows
    here) by the engine; with `verify`, the bulk ones again by the engine, compared."""
    from shigan.metrics.engine import metric_rebuild
    from shigan.metrics.registry import METRICS

    bulk = [m for m in METRICS.values() if _bulk_able(m)]
    started = time.perf_counter()
    _ancestors_table(cursor)
    _bulk_facts(cursor, bulk)
    for metric in METRICS.values():
        if metric not in bulk:
            metric_rebuild(metric)
    out = {"facts_seconds": time.perf_counter() - started, "bulk_metrics": len(bulk)}
    if verify:
        keys = [m.key for m in bulk]
        ours = _fact_sums(cursor, keys)
        started = time.perf_counter()
        for metric in bulk:
            metric_rebuild(metric)
        out["engine_seconds"] = time.perf_counter() - started
        theirs = _fact_sums(cursor, keys)
        wrong = sorted(k for k in ours.keys() | theirs.keys() if ours.get(k) != theirs.get(k))
        out["verify"] = {"keys": len(theirs), "different": len(wrong),
                         "examples": [[str(v) for v in (*k, ours.get(k), theirs.get(k))]
                                      for k in wrong[:5]]}  # fmt: skip
        if wrong:
            raise SystemExit(f"bulk facts differ from metric_rebuild's: {out['verify']}")
    return out


def load(count: int, verify: bool = False) -> dict:
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from shigan.accounts.services import user_create
    from shigan.accounts.system import system_actor
    from shigan.campaigns import services as campaigns
    from shigan.core.bulk import bulk_insert
    from shigan.orgs.divisions import divisions_import
    from shigan.orgs.models import Unit
    from shigan.orgs.services import membership_grant
    from shigan.problems import services
    from shigan.problems.models import Problem

    call_command("migrate", verbosity=0)
    seed_calendar(2023, timezone.localdate().year + 1)
    divisions_import(actor=system_actor("基准测试"), province="15", depth=4)
    region = Unit.objects.get(division_level=1, division_code=REGION)
    league = Unit.objects.get(division_level=2, division_code=LEAGUE)
    campaign = campaigns.campaign_create(
        actor=system_actor("基准测试"),
        name="主题教育",
        root_unit=region,
        starts_on=datetime.date(2023, 4, 1),
    )
    aspects = [
        campaigns.aspect_create(
            actor=system_actor("基准测试"), campaign=campaign, kind="problem", name=name
        ).pk
        for name in ("理论学习", "调查研究", "推动发展", "为民服务", "检视整改", "作风建设")
    ]
    programs = [
        services.special_program_create(
            actor=system_actor("基准测试"), campaign=campaign, name=n, lead_unit=league
        ).pk
        for n in ("整治形式主义为基层减负", "整治群众身边不正之风")
    ]
    batch = campaigns.batch_create(
        actor=system_actor("基准测试"),
        campaign=campaign,
        name="第一批",
        starts_on=datetime.date(2023, 4, 1),
    )
    banners = Unit.objects.subtree_of(region).filter(depth=3)
    campaigns.participation_enroll(
        actor=system_actor("基准测试"),
        batch=batch,
        units=list(Unit.objects.subtree_of(region).filter(depth__lte=3)),
        enrolled_on=datetime.date(2023, 4, 1),
    )
    ids = {"campaign": campaign.pk, "aspects": aspects, "programs": programs}
    league_banners = list(banners.filter(path__startswith=league.path).values_list("pk", flat=True))
    rows = _rows(count, list(banners.values_list("pk", flat=True)), league_banners, ids)
    fields = ("unit", "campaign", "aspect", "special_program", "source", "title", "description",
              "found_on", "term", "deadline", "state", "progress_percent", "light", "light_on",
              "created_at")  # fmt: skip
    timings = {}
    with connection.cursor() as cursor:
        for setting in ("synchronous_commit = off", "maintenance_work_mem = '1GB'",
                        "work_mem = '256MB'"):  # fmt: skip
            cursor.execute(f"SET {setting}")
        started = time.perf_counter()
        rebuild = _drop_secondary(cursor, BULK_TABLES)
        bulk_insert(Problem, fields, rows)
        _histories(cursor)
        timings["copy_seconds"] = time.perf_counter() - started
        started = time.perf_counter()
        for statement in rebuild:
            cursor.execute(statement)
        cursor.execute("ANALYZE")
        timings["index_seconds"] = time.perf_counter() - started
        timings.update(build_facts(cursor, verify))
        started = time.perf_counter()
        for table in (*BULK_TABLES, "metrics_metricfact"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")  # as autovacuum leaves a settled table
        timings["vacuum_seconds"] = time.perf_counter() - started
        cursor.execute("SELECT pg_database_size(current_database())")
        timings["bytes"] = cursor.fetchone()[0]
    for name, unit in (("region", region), ("league", league)):
        leader = user_create(
            actor=system_actor("基准测试"),
            username=f"{name}_leader",
            password="bench-password-2023",
        )
        membership_grant(actor=system_actor("基准测试"), user=leader, unit=unit, role="leader")
    return {**describe(), **timings}


def describe(migrate: bool = False) -> dict:
    """What the measuring needs of a loaded database (read again from a kept one, first
    brought up to the code's migrations: a kept database outlives the code that built it)."""
    setup_django()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    from shigan.orgs.models import Unit
    from shigan.problems.models import Problem

    region = Unit.objects.get(division_level=1, division_code=REGION)
    league = Unit.objects.get(division_level=2, division_code=LEAGUE)
    in_league = Problem.objects.filter(unit__path__startswith=league.path)
    return {
        "units": {"region": region.pk, "league": league.pk},
        "problems": Problem.objects.count(),
        "league_problems": in_league.count(),
        # unfinished: a closed problem takes no new measure
        "write_to": list(
            in_league.exclude(state="closed").order_by("pk").values_list("pk", flat=True)[:200]
        ),
    }


def log_in() -> dict:
    """Fresh sessions of the two leaders (sessions expire: a kept database needs new ones)."""
    setup_django()
    from django.test import Client

    from shigan.accounts.models import User

    sessions = {}
    for name in ("region", "league"):
        client = Client()
        client.force_login(User.objects.get(username=f"{name}_leader"))
        sessions[name] = client.cookies["sessionid"].value
    return sessions


# -- requests ------------------------------------------------------------------------------------


def connect():
    host, port = BIND.split(":")
    return http.client.HTTPConnection(host, int(port), timeout=120)


def fetch(conn, path: str, cookie: str, method="GET", body=None, headers=None):
    conn.request(
        method,
        path,
        body=body,
        headers={"Cookie": cookie, "Host": "127.0.0.1", **(headers or {})},
    )
    response = conn.getresponse()
    return response.status, response.read()


def login_cookie(session: str) -> str:
    return f"sessionid={session}"


class Writer:
    """Adds a measure to a league problem through the product's form (CSRF and all)."""

    def __init__(self, session: str, problems: list[int]):
        self.cookie = login_cookie(session)
        self.problems = itertools.cycle(problems)
        self.lock = threading.Lock()
        conn = connect()
        conn.request("GET", f"/problems/{problems[0]}/measures/new/", headers={
            "Cookie": self.cookie, "Host": "127.0.0.1"})  # fmt: skip
        response = conn.getresponse()
        page = response.read().decode()
        assert response.status == 200, (response.status, page[:300])
        csrf = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        self.cookie += f"; csrftoken={csrf.group(1)}" if csrf else ""
        conn.close()

    def write(self, conn) -> int:
        with self.lock:
            pk = next(self.problems)
        body = urlencode({"csrfmiddlewaretoken": self.token, "text": "压实整改责任，按期销号",
                          "added_on": "2023-06-07"})  # fmt: skip
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": "http://127.0.0.1/",
        }
        status, _ = fetch(conn, f"/problems/{pk}/measures/new/", self.cookie, "POST", body, headers)
        return status


def latency(path: str, cookie: str, samples: int) -> float:
    """Median ms of `samples` sequential requests; "{n}" in the path changes every time."""
    conn = connect()
    times = []
    for n in range(samples + 1):
        started = time.perf_counter()
        status, body = fetch(conn, path.replace("{n}", f"{time.time_ns()}{n}"), cookie)
        assert status == 200, (path, status, body[:300])
        if n:  # the first warms the worker's connection
            times.append((time.perf_counter() - started) * 1000)
    conn.close()
    return statistics.median(times)


def throughput(path, cookie, seconds, concurrency=8, writer: Writer | None = None):
    """Requests per second from `concurrency` keep-alive connections; with a writer, every
    tenth request is a write."""
    numbers = itertools.count(1)
    stop = time.monotonic() + seconds
    done, failed = [0] * concurrency, []

    def worker(i):
        conn = connect()
        while time.monotonic() < stop:
            n = next(numbers)
            if writer is not None and n % 10 == 0:
                status = writer.write(conn)
                ok = status in (302, 303)
            else:
                status = fetch(conn, path, cookie)[0]
                ok = status == 200
            done[i] += ok
            if not ok:
                failed.append(("write" if writer and n % 10 == 0 else "read", status))
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failed, f"{len(failed)} failed requests on {path}: {failed[:10]}"
    return sum(done) / (time.monotonic() - started)


def wait_ready() -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if fetch(connect(), "/bench/bare/", "")[0] == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not start")


def measure(data: dict, samples: int, seconds: float, board_samples: int) -> dict:
    out = {"load": " ".join(f"{n:.2f}" for n in os.getloadavg())}
    for name in ("region", "league"):
        pk, cookie = data["units"][name], login_cookie(data["sessions"][name])
        if board_samples:  # 0: the ledger only
            board = f"/dashboards/units/{pk}/?fresh={{n}}"
            out[f"dashboard_{name}"] = latency(board, cookie, board_samples)
        out[f"ledger_{name}"] = latency(f"/problems/units/{pk}/?fresh={{n}}", cookie, samples)
        out[f"facts_{name}"] = latency(f"/bench/facts/{pk}/?fresh={{n}}", cookie, samples)
        out[f"list_{name}"] = latency(f"/bench/bare-list/{pk}/?fresh={{n}}", cookie, samples)
    region, cookie = data["units"]["region"], login_cookie(data["sessions"]["region"])
    for words in SEARCHES:
        query = urlencode({"q": words})
        path = f"/problems/units/{region}/?{query}&fresh={{n}}"
        out[f"search_{words}"] = latency(path, cookie, samples)
    out["bare"] = latency("/bench/bare/?fresh={n}", "", samples)
    league, cookie = data["units"]["league"], login_cookie(data["sessions"]["league"])
    writer = Writer(data["sessions"]["league"], data["write_to"])
    out["tp_ledger"] = throughput(f"/problems/units/{league}/", cookie, seconds, writer=writer)
    out["tp_bare"] = throughput("/bench/bare/", "", seconds)
    out["tp_list"] = throughput(f"/bench/bare-list/{league}/", cookie, seconds)
    return out


def _run(args: list[str], env: dict) -> str:
    done = subprocess.run(
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"{args[0]} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def _load(scale: str, env: dict, verify: bool) -> dict:
    started = time.perf_counter()
    flags = ["--verify"] if verify or scale == "S" else []
    data = json.loads(_run(["--load", str(SCALES[scale]), *flags], env).strip().splitlines()[-1])
    data["load_seconds"] = time.perf_counter() - started
    return data


def run_scale(scale: str, args) -> tuple[dict, dict]:
    saved = Path(tempfile.gettempdir()) / f"{DB}-{scale}.json"
    if not args.reuse:  # a kept database is never dropped, nor loaded again
        subprocess.run(["dropdb", "--if-exists", *PG, DB], check=True)
        subprocess.run(["createdb", *PG, DB], check=True)
    server = None
    try:
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, "DATABASE_URL": PG_URL, "SHIGAN_HOME": home,
                   "SECRET_KEY": "bench-" + "x" * 50, "SHIGAN_AUDIT_KEY": "bench-audit-" + "y" * 40,
                   "SHIGAN_HTTPS": "0", "DEBUG": "0",
                   "PYTHONPATH": str(ROOT / "src")}  # fmt: skip
            if args.reuse:  # the load's timings, if this machine still has them
                data = json.loads(saved.read_text()) if saved.exists() else {}
                data.update(json.loads(_run(["--describe"], env).strip().splitlines()[-1]))
                data["reused"] = True
            else:
                data = _load(scale, env, args.verify)
                saved.write_text(json.dumps(data))
            data["sessions"] = json.loads(_run(["--log-in"], env).strip().splitlines()[-1])
            server = subprocess.Popen(
                [sys.executable, __file__, "--serve", "--workers", str(args.workers)],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True,
            )  # fmt: skip
            wait_ready()
            return data, measure(data, args.samples, args.seconds, args.dashboard_samples)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if not (args.keep or args.reuse):
            subprocess.run(["dropdb", "--if-exists", *PG, DB], check=True)


def report(scale: str, data: dict, r: dict) -> None:
    boards = "dashboard_region" in r
    targets = TARGETS_L if scale == "L" else TARGETS
    loaded = (
        "reused (load timings unknown)"
        if "load_seconds" not in data
        else (
            f"loaded in {data['load_seconds']:.0f} s (COPY and histories"
            f" {data.get('copy_seconds', 0):.0f} s, indexes {data.get('index_seconds', 0):.0f} s,"
            f" facts {data['facts_seconds']:.0f} s, vacuum {data.get('vacuum_seconds', 0):.0f} s),"
            f" {data.get('bytes', 0) / 10**9:.2f} GB"
        )
    )
    counts = f"{data['problems']:,} problems, {data['league_problems']:,} in 赤峰市"
    reused = "kept database reused, " if data.get("reused") else ""
    print(f"\nscale {scale}: {counts}; {reused}{loaded}")
    if "verify" in data:
        check = data["verify"]
        print(f"bulk facts of {data['bulk_metrics']} metrics = metric_rebuild's: "
              f"{check['keys']:,} sums compared, {check['different']} different "
              f"(engine {data['engine_seconds']:.0f} s)")  # fmt: skip
    print(f"load average at measuring: {r['load']}")
    print(f"{'drawn fresh, median ms':<40}{'page':>9}{'floor':>9}{'floor2':>9}  target")

    def row(label, value, floor, floor2, target):
        ok = "ok" if value <= target else "MISSED"
        print(f"{label:<40}{value:>9.1f}{floor:>9.1f}{floor2:>9.1f}  ≤ {target:g} {ok}")

    for name, shown in (("region", "内蒙古自治区"), ("league", "赤峰市"))[: 2 * boards]:
        row(f"dashboard {shown} / facts SQL / bare", r[f"dashboard_{name}"], r[f"facts_{name}"],
            r["bare"], targets["dashboard"])  # fmt: skip
    for name, shown in (("region", "内蒙古自治区"), ("league", "赤峰市")):
        row(f"ledger {shown} / bare list / bare", r[f"ledger_{name}"], r[f"list_{name}"],
            r["bare"], targets["ledger"])  # fmt: skip
    for words in SEARCHES:
        if f"search_{words}" in r:
            row(f"search {words} / bare list / bare", r[f"search_{words}"], r["list_region"],
                r["bare"], targets["search"])  # fmt: skip
    tp = r["tp_ledger"]
    ok = "ok" if tp >= TARGETS["throughput"] else "MISSED"
    target = f"≥ {TARGETS['throughput']:g} {ok}  (ledger 赤峰市 / bare list / bare)"
    label = "throughput req/s, 8 conns, 1 write in 10"
    print(f"{label:<40}{tp:>9.0f}{r['tp_list']:>9.0f}{r['tp_bare']:>9.0f}  {target}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="S,M")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--dashboard-samples", type=int, default=15)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept database (one scale)")
    parser.add_argument("--verify", action="store_true", help="check the bulk facts (always at S)")
    parser.add_argument("--load", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--log-in", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--describe", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.log_in:
        print(json.dumps(log_in()))
        return
    if args.describe:
        print(json.dumps(describe(migrate=True)))
        return
    if args.load:
        print(json.dumps(load(args.load, args.verify)))
        return
    if args.serve:
        serve(args.workers)
        return
    print(f"dashboards and ledger over HTTP (gunicorn gthread, {args.workers} workers, PostgreSQL)")
    for scale in args.scales.split(","):
        data, results = run_scale(scale, args)
        report(scale, data, results)


if __name__ == "__main__":
    main()
