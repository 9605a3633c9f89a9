"""Benchmark: the problem ledger page over HTTP, next to a bare Django view, on PostgreSQL.

Usage: uv run python bench/ledger_http.py [--problems 20000] [--seconds 10] [--rounds 3]
       [--concurrency 8]

Both are served in the same run by the production server (gunicorn, gthread, through
`shigan.core.server.run_server`, as `shigan serve` and `shigan demo` start it, with its default
worker count) and the same settings (DEBUG off, every middleware, the same logged-in session):

  ledger  /problems/units/<锡林郭勒盟>/?source=self_inspection — the league's ledger (its whole
          subtree, scoped by the league leader's role), filtered, first page of 50 rows, with
          its filters, counts by light and state, and bulk-action form
  ledger, drawn  the same page with a throw-away parameter that differs on every request, so
          no request finds its page in the cache: what a first view after a change costs
  bare    /bench/bare/ — a Django view that returns a short text response: the floor of what
          the framework costs per request (session load and save, authentication middleware)
  bare list /bench/bare-list/ — the same 50 rows (same subtree, filter and order) served the
          plainest way: one query and a bare template, no scope, filters, counts or layout

Data: the Inner Mongolia tree to village level (15,938 units) and `--problems` problems spread
over it (1,509 of 20,000 in the league), loaded with COPY. The load is made by one client process
with `--concurrency` threads on keep-alive connections; ledger and bare alternate for `--rounds`
rounds of `--seconds` each, and the best round of each is reported. Target: ledger ≥ 0.5× bare;
the ratio to the bare list is printed too.

Beside bench/dashboards.py: that one times the unfiltered ledger (counts from the facts) of a
league and of the region drawn fresh at S/M/L, and its throughput when every tenth request is a
write; this one is the only measure of the cached page's throughput and of a filtered ledger
(a filter the facts do not split, so counted from the records). Run both.

The ledger keeps its drawn parts in the cache under the data versions they show (problems/
versions.py), so a repeated view is mostly served from there; the "drawn" row shows the cost when
it is not. The server runs without REDIS_URL: each worker keeps its own in-memory cache.
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
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = ["-h", "127.0.0.1", "-U", "postgres"]
# Two people benchmarking on one machine each name their own database and port.
DB = os.environ.get("SHIGAN_BENCH_DB", "shigan_bench_ledger")
PG_URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
BIND = os.environ.get("SHIGAN_BENCH_BIND", "127.0.0.1:8763")
TARGET = 0.5
LEAGUE = "152500000000"  # 锡林郭勒盟


def setup_django():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shigan.settings")
    django.setup()


# -- the bare view, mounted beside the product's URLs in the server process ----------------------


def bare(request):
    from django.http import HttpResponse

    return HttpResponse("ok", content_type="text/plain")


BARE_LIST_TEMPLATE = """<!DOCTYPE html><html><body><table>
{% for p in rows %}<tr><td>{{ p.title }}</td><td>{{ p.unit.name }}</td><td>{{ p.aspect.name }}</td>
<td>{{ p.source }}</td><td>{{ p.deadline }}</td><td>{{ p.progress_percent }}%</td>
<td>{{ p.light }}</td><td>{{ p.state }}</td></tr>{% endfor %}
</table></body></html>"""
_bare = {}


def bare_list(request):
    """The same 50 rows as the ledger page, the plainest way Django can serve them: one
    query, no scope, no filters form, no counts, no layout."""
    from django.http import HttpResponse
    from django.template import engines

    from shigan.orgs.models import Unit
    from shigan.orgs.scoping import path_upper
    from shigan.problems.models import Problem

    if not _bare:
        path = Unit.objects.get(division_level=2, division_code=LEAGUE).path
        _bare["range"] = (path, path_upper(path))
        _bare["template"] = engines["django"].from_string(BARE_LIST_TEMPLATE)
    low, high = _bare["range"]
    rows = (
        Problem.objects.filter(unit__path__gte=low, unit__path__lt=high, source="self_inspection")
        .select_related("unit", "aspect")
        .order_by("-found_on", "-pk")[:50]
    )
    return HttpResponse(_bare["template"].render({"rows": rows}))


def bench_urlpatterns():
    from django.urls import include, path

    return [
        path("bench/bare/", bare),
        path("bench/bare-list/", bare_list),
        path("", include("shigan.urls")),
    ]


def serve(workers: int | None) -> None:
    setup_django()
    from django.conf import settings

    from shigan.core.server import default_workers, run_server

    # This module (run as the server's main module) is the URLconf: the bare view, then the
    # product's URLs unchanged. Gunicorn forks its workers from this process.
    sys.modules["__main__"].urlpatterns = bench_urlpatterns()
    settings.ROOT_URLCONF = "__main__"
    run_server(bind=BIND, workers=workers or default_workers())


# -- data -----------------------------------------------------------------------------------------


def load(problems: int) -> dict:
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from shigan.accounts.services import user_create
    from shigan.accounts.system import system_actor
    from shigan.campaigns import services as campaigns
    from shigan.core.bulk import bulk_insert
    from shigan.metrics.engine import metric_rebuild
    from shigan.metrics.registry import METRICS
    from shigan.orgs.divisions import divisions_import
    from shigan.orgs.models import Unit
    from shigan.orgs.services import membership_grant
    from shigan.problems import services
    from shigan.problems.models import Problem, ProblemTransition

    call_command("migrate", verbosity=0)
    divisions_import(actor=system_actor("基准测试"), province="15", depth=5)
    region = Unit.objects.get(division_level=1, division_code="150000000000")
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
            actor=system_actor("基准测试"), campaign=campaign, name=name, lead_unit=league
        ).pk
        for name in ("整治形式主义为基层减负", "整治群众身边不正之风")
    ]
    units = list(Unit.objects.subtree_of(region).filter(depth__gte=3).values_list("pk", flat=True))
    rng = random.Random(7)
    sources = ["research", "self_inspection", "inspection_feedback", "petition", "assigned"]
    states = ["open", "in_progress", "in_progress", "pending_review", "closed"]
    lights = ["green", "green", "yellow", "red"]
    now = datetime.datetime(2023, 6, 7, tzinfo=datetime.UTC)
    rows = []
    for i in range(problems):
        found = datetime.date(2023, 4, 1) + datetime.timedelta(days=rng.randrange(60))
        state = rng.choice(states)
        rows.append(
            (
                rng.choice(units),
                campaign.pk,
                rng.choice(aspects),
                rng.choice(programs) if i % 7 == 0 else None,
                rng.choice(sources),
                f"问题{i}：基层反映的突出问题",
                "",
                found,
                "time_bound",
                found + datetime.timedelta(days=rng.randrange(20, 90)),
                state,
                rng.randrange(0, 101),
                "" if state == "closed" else rng.choice(lights),
                now,
            )
        )
    fields = (
        "unit",
        "campaign",
        "aspect",
        "special_program",
        "source",
        "title",
        "description",
        "found_on",
        "term",
        "deadline",
        "state",
        "progress_percent",
        "light",
        "created_at",
    )
    bulk_insert(Problem, fields, rows)
    bulk_insert(
        ProblemTransition,
        ("problem", "from_state", "to_state", "day", "at", "comment"),
        (
            (pk, "", "open", found, now, "")
            for pk, found in Problem.objects.values_list("pk", "found_on")
        ),
    )
    for metric in METRICS.values():  # the facts, as after an import
        metric_rebuild(metric)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    leader = user_create(
        actor=system_actor("基准测试"), username="league_leader", password="bench-password-2023"
    )
    membership_grant(actor=system_actor("基准测试"), user=leader, unit=league, role="leader")
    client = Client()
    client.force_login(leader)
    in_league = Problem.objects.filter(unit__path__startswith=league.path)
    return {
        "session": client.cookies["sessionid"].value,
        "ledger": f"/problems/units/{league.pk}/?source=self_inspection",
        "league_problems": in_league.count(),
        "shown": in_league.filter(source="self_inspection").count(),
    }


# -- load -----------------------------------------------------------------------------------------


def fetch(conn, path: str, cookie: str) -> tuple[int, bytes]:
    conn.request("GET", path, headers={"Cookie": f"sessionid={cookie}", "Host": "127.0.0.1"})
    response = conn.getresponse()
    return response.status, response.read()


def hammer(path: str, cookie: str, seconds: float, concurrency: int) -> tuple[float, int]:
    """Requests per second over `seconds`, from `concurrency` keep-alive connections. A path
    ending in "{n}" gets a new number on every request."""
    numbers = itertools.count()
    host, port = BIND.split(":")
    stop = time.monotonic() + seconds
    counts = [0] * concurrency
    errors = [0] * concurrency

    def worker(i):
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        while time.monotonic() < stop:
            try:
                status, _body = fetch(conn, path.replace("{n}", str(next(numbers))), cookie)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=30)
                errors[i] += 1
                continue
            if status == 200:
                counts[i] += 1
            else:
                errors[i] += 1
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - started), sum(errors)


def wait_ready(cookie: str) -> None:
    host, port = BIND.split(":")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(host, int(port), timeout=5)
            if fetch(conn, "/bench/bare/", cookie)[0] == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not start")


def check_pages(data: dict) -> None:
    """Both answers are what they claim: the bare text, and a ledger page of 50 rows."""
    host, port = BIND.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    status, body = fetch(conn, "/bench/bare/", data["session"])
    assert (status, body) == (200, b"ok"), (status, body[:200])
    status, body = fetch(conn, "/bench/bare-list/", data["session"])
    assert status == 200 and body.count(b"<tr>") == 50, (status, body[:300])
    status, body = fetch(conn, data["ledger"], data["session"])
    page = body.decode()
    assert status == 200, (status, page[:500])
    assert page.count('name="ids"') == 50, "the ledger page does not show 50 rows"
    assert f"共 {data['shown']} 个问题" in page, "the ledger is not filtered as expected"
    # A page drawn afresh and one served from the cache show the same counts and rows.
    drawn = fetch(conn, data["ledger"] + "&fresh=check", data["session"])[1].decode()
    cached = fetch(conn, data["ledger"], data["session"])[1].decode()
    shown = re.compile(r'<p class="counts".*?</p>|<tbody>.*?</tbody>', re.S)
    assert shown.findall(drawn) == shown.findall(cached), "the cached page differs from a drawn one"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--problems", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--load", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        print(json.dumps(load(args.problems)))
        return
    if args.serve:
        serve(args.workers)
        return

    subprocess.run(["dropdb", "--if-exists", *PG, DB], check=True)
    subprocess.run(["createdb", *PG, DB], check=True)
    server = None
    try:
        with tempfile.TemporaryDirectory() as home:
            env = {
                **os.environ,
                "DATABASE_URL": PG_URL,
                "SHIGAN_HOME": home,
                "SECRET_KEY": "bench-" + "x" * 50,
                # SECRET_KEY makes it a production setup: the audit chain needs its own key.
                "SHIGAN_AUDIT_KEY": "bench-audit-" + "y" * 40,
                "SHIGAN_HTTPS": "0",
                "DEBUG": "0",
                "PYTHONPATH": str(ROOT / "src"),
            }
            started = time.perf_counter()
            out = subprocess.run(
                [sys.executable, __file__, "--load", "--problems", str(args.problems)],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            data = json.loads(out.strip().splitlines()[-1])
            load_seconds = time.perf_counter() - started
            command = [sys.executable, __file__, "--serve"]
            if args.workers:
                command += ["--workers", str(args.workers)]
            server = subprocess.Popen(
                command,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            wait_ready(data["session"])
            check_pages(data)
            pages = (
                ("bare", "/bench/bare/"),
                ("bare_list", "/bench/bare-list/"),
                ("ledger", data["ledger"]),
                ("ledger_drawn", data["ledger"] + "&fresh={n}"),
            )
            for _name, path in pages:  # warm every worker
                hammer(path, data["session"], 2, args.concurrency)
            results = {name: [] for name, _path in pages}
            for _ in range(args.rounds):
                for name, path in pages:
                    rate, errors = hammer(path, data["session"], args.seconds, args.concurrency)
                    assert errors == 0, f"{errors} failed requests on {name}"
                    results[name].append(rate)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        subprocess.run(["dropdb", "--if-exists", *PG, DB], check=True)

    best = {name: max(rates) for name, rates in results.items()}
    print(
        f"problem ledger over HTTP (gunicorn gthread, PostgreSQL): {args.problems:,} problems, "
        f"{data['league_problems']:,} in 锡林郭勒盟, {data['shown']:,} matching the filter; "
        f"data loaded in {load_seconds:.0f} s"
    )
    print(f"{args.concurrency} keep-alive connections, best of {args.rounds} × {args.seconds:g} s")
    print(f"{'page':<46}{'requests/s':>11}   rounds")
    labels = {
        "bare": "bare Django view (text response)",
        "bare_list": "bare Django list (same 50 rows, 1 query)",
        "ledger": "ledger, 50 rows, filtered, league scope",
        "ledger_drawn": "the same ledger, drawn on every request",
    }
    for name, label in labels.items():
        rounds = ", ".join(f"{r:.0f}" for r in results[name])
        print(f"{label:<46}{best[name]:>11.0f}   {rounds}")
    for name in ("bare", "bare_list"):
        ratio = best["ledger"] / best[name]
        ok = "ok" if ratio >= TARGET else "MISSED"
        print(f"ratio ledger / {labels[name]}: {ratio:.2f} (target ≥ {TARGET}) {ok}")
    drawn = best["ledger_drawn"]
    print(
        f"ratio drawn ledger / bare view: {drawn / best['bare']:.2f}, "
        f"/ bare list: {drawn / best['bare_list']:.2f} (no target: the cost of a first view)"
    )


if __name__ == "__main__":
    main()
