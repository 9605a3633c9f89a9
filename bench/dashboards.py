"""Benchmark: dashboards and ledger pages drawn fresh, and ledger throughput under writes, over
HTTP on PostgreSQL, each next to its floors measured in the same run (issue 15 point 6).

Usage: uv run python bench/dashboards.py [--scales S,M] [--workers 2] [--samples 30]
       [--dashboard-samples 15] [--seconds 10] [--keep | --reuse]

Data (per scale, loaded with COPY): Inner Mongolia's tree to township level, one campaign with
6 problem aspects and a first batch enrolling every league and banner, and S 3,000 / M 200,000 /
L 5,000,000 problems on the 108 banners/counties, states open/in progress/pending review/closed
30/30/15/25 %, 11.106 % of them (22,212 of 200,000) in 赤峰市; each problem has its state
history. The metric facts are then built by the engine (`metric_rebuild`), as after an import.

Served by the production server (`shigan.core.server.run_server`, gunicorn gthread) with
`--workers` workers, DEBUG off, every middleware, logged in as the region's and the league's
leader. Measured, median of `--samples` (dashboards: `--dashboard-samples`) sequential
requests, each drawn fresh (a throw-away
parameter that changes on every request, so no cache answers):
  dashboard  /dashboards/units/<unit>/ of 内蒙古自治区 and of 赤峰市
  ledger     /problems/units/<unit>/ (first page of 50 rows, counts, filters) of both
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
TARGETS = {"dashboard": 150.0, "ledger": 30.0, "throughput": 100.0}
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


def _rows(count: int, banners: list[int], league_banners: list[int], ids: dict) -> list[tuple]:
    rng = random.Random(15)
    # The league's problems interleaved with the others' (ids and days), as entered over time.
    in_league = set(rng.sample(range(count), round(count * LEAGUE_SHARE)))
    others = [b for b in banners if b not in set(league_banners)]
    states = [s for s, share in STATES for _ in range(share)]
    sources = ["research", "self_inspection", "inspection_feedback", "petition", "assigned"]
    now = datetime.datetime(2023, 6, 7, tzinfo=datetime.UTC)
    rows = []
    for i in range(count):
        found = datetime.date(2023, 4, 1) + datetime.timedelta(days=rng.randrange(60))
        state = states[i % 100]
        light = "" if state == "closed" else rng.choice(["green", "green", "yellow", "red"])
        unit = rng.choice(league_banners if i in in_league else others)
        deadline = found + datetime.timedelta(days=rng.randrange(20, 90))
        rows.append(
            (unit, ids["campaign"], rng.choice(ids["aspects"]),
             rng.choice(ids["programs"]) if i % 7 == 0 else None, rng.choice(sources),
             f"问题{i}：基层反映的突出问题", "", found, "time_bound", deadline, state,
             100 if state == "closed" else rng.randrange(0, 100), light,
             deadline if light == "red" else None, now)
        )  # fmt: skip
    return rows


def _transitions(problems) -> list[tuple]:
    """Each problem's history: open on the day found, then on to its state a week later."""
    now = datetime.datetime(2023, 6, 7, tzinfo=datetime.UTC)
    path = {
        "open": [],
        "in_progress": ["in_progress"],
        "pending_review": ["in_progress", "pending_review"],
        "closed": ["in_progress", "pending_review", "closed"],
    }
    rows = []
    for pk, found, state in problems:
        rows.append((pk, "", "open", found, now, ""))
        before = "open"
        for step, after in enumerate(path[state], start=1):
            rows.append((pk, before, after, found + datetime.timedelta(days=7 * step), now, ""))
            before = after
    return rows


def _light_changes(problems) -> list[tuple]:
    """Each unfinished problem's light history: its stored light from the day it took effect
    (red on the missed deadline, the others on the day found), so the light facts agree."""
    return [(pk, "", light, light_on or found) for pk, found, light, light_on in problems if light]


def load(count: int) -> dict:
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from shigan.accounts.services import user_create
    from shigan.campaigns import services as campaigns
    from shigan.core.bulk import bulk_insert
    from shigan.metrics.engine import metric_rebuild
    from shigan.metrics.registry import METRICS
    from shigan.orgs.divisions import divisions_import
    from shigan.orgs.models import Unit
    from shigan.orgs.services import membership_grant
    from shigan.problems import services
    from shigan.problems.models import Problem, ProblemLightChange, ProblemTransition

    call_command("migrate", verbosity=0)
    divisions_import(actor=None, province="15", depth=4)
    region = Unit.objects.get(division_level=1, division_code=REGION)
    league = Unit.objects.get(division_level=2, division_code=LEAGUE)
    campaign = campaigns.campaign_create(
        actor=None, name="主题教育", root_unit=region, starts_on=datetime.date(2023, 4, 1)
    )
    aspects = [
        campaigns.aspect_create(actor=None, campaign=campaign, kind="problem", name=name).pk
        for name in ("理论学习", "调查研究", "推动发展", "为民服务", "检视整改", "作风建设")
    ]
    programs = [
        services.special_program_create(actor=None, campaign=campaign, name=n, lead_unit=league).pk
        for n in ("整治形式主义为基层减负", "整治群众身边不正之风")
    ]
    batch = campaigns.batch_create(
        actor=None, campaign=campaign, name="第一批", starts_on=datetime.date(2023, 4, 1)
    )
    banners = Unit.objects.subtree_of(region).filter(depth=3)
    campaigns.participation_enroll(
        actor=None, batch=batch, units=list(Unit.objects.subtree_of(region).filter(depth__lte=3)),
        enrolled_on=datetime.date(2023, 4, 1),
    )  # fmt: skip
    ids = {"campaign": campaign.pk, "aspects": aspects, "programs": programs}
    league_banners = list(banners.filter(path__startswith=league.path).values_list("pk", flat=True))
    rows = _rows(count, list(banners.values_list("pk", flat=True)), league_banners, ids)
    fields = ("unit", "campaign", "aspect", "special_program", "source", "title", "description",
              "found_on", "term", "deadline", "state", "progress_percent", "light", "light_on",
              "created_at")  # fmt: skip
    bulk_insert(Problem, fields, rows)
    problems = Problem.objects.values_list("pk", "found_on", "state").iterator(20000)
    bulk_insert(
        ProblemTransition,
        ("problem", "from_state", "to_state", "day", "at", "comment"),
        _transitions(problems),
    )
    lights = Problem.objects.values_list("pk", "found_on", "light", "light_on").iterator(20000)
    bulk_insert(
        ProblemLightChange, ("problem", "from_light", "to_light", "day"), _light_changes(lights)
    )
    started = time.perf_counter()
    for metric in METRICS.values():
        metric_rebuild(metric)
    facts_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for name, unit in (("region", region), ("league", league)):
        leader = user_create(actor=None, username=f"{name}_leader", password="bench-password-2023")
        membership_grant(actor=None, user=leader, unit=unit, role="leader")
    in_league = Problem.objects.filter(unit__path__startswith=league.path)
    return {
        "units": {"region": region.pk, "league": league.pk},
        "problems": count,
        "league_problems": in_league.count(),
        # unfinished: a closed problem takes no new measure
        "write_to": list(
            in_league.exclude(state="closed").order_by("pk").values_list("pk", flat=True)[:200]
        ),
        "facts_seconds": facts_seconds,
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
    out = {}
    for name in ("region", "league"):
        pk, cookie = data["units"][name], login_cookie(data["sessions"][name])
        if board_samples:  # 0: the ledger only
            board = f"/dashboards/units/{pk}/?fresh={{n}}"
            out[f"dashboard_{name}"] = latency(board, cookie, board_samples)
        out[f"ledger_{name}"] = latency(f"/problems/units/{pk}/?fresh={{n}}", cookie, samples)
        out[f"facts_{name}"] = latency(f"/bench/facts/{pk}/?fresh={{n}}", cookie, samples)
        out[f"list_{name}"] = latency(f"/bench/bare-list/{pk}/?fresh={{n}}", cookie, samples)
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


def _load(scale: str, env: dict) -> dict:
    started = time.perf_counter()
    data = json.loads(_run(["--load", str(SCALES[scale])], env).strip().splitlines()[-1])
    data["load_seconds"] = time.perf_counter() - started
    return data


def run_scale(scale: str, args) -> tuple[dict, dict]:
    saved = Path(tempfile.gettempdir()) / f"{DB}-{scale}.json"
    if not (args.reuse and saved.exists()):
        subprocess.run(["dropdb", "--if-exists", *PG, DB], check=True)
        subprocess.run(["createdb", *PG, DB], check=True)
    server = None
    try:
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, "DATABASE_URL": PG_URL, "SHIGAN_HOME": home,
                   "SECRET_KEY": "bench-" + "x" * 50, "SHIGAN_AUDIT_KEY": "bench-audit-" + "y" * 40,
                   "SHIGAN_HTTPS": "0", "DEBUG": "0",
                   "PYTHONPATH": str(ROOT / "src")}  # fmt: skip
            if args.reuse and saved.exists():
                data = json.loads(saved.read_text())
            else:
                data = _load(scale, env)
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
    loaded = f"loaded in {data['load_seconds']:.0f} s (facts {data['facts_seconds']:.0f} s)"
    counts = f"{data['problems']:,} problems, {data['league_problems']:,} in 赤峰市"
    print(f"\nscale {scale}: {counts}; {loaded}")
    print(f"{'drawn fresh, median ms':<40}{'page':>9}{'floor':>9}{'floor2':>9}  target")

    def row(label, value, floor, floor2, target):
        ok = "ok" if value <= target else "MISSED"
        print(f"{label:<40}{value:>9.1f}{floor:>9.1f}{floor2:>9.1f}  ≤ {target:g} {ok}")

    for name, shown in (("region", "内蒙古自治区"), ("league", "赤峰市"))[: 2 * boards]:
        row(f"dashboard {shown} / facts SQL / bare", r[f"dashboard_{name}"], r[f"facts_{name}"],
            r["bare"], TARGETS["dashboard"])  # fmt: skip
    for name, shown in (("region", "内蒙古自治区"), ("league", "赤峰市")):
        row(f"ledger {shown} / bare list / bare", r[f"ledger_{name}"], r[f"list_{name}"],
            r["bare"], TARGETS["ledger"])  # fmt: skip
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
    parser.add_argument("--load", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--log-in", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.log_in:
        print(json.dumps(log_in()))
        return
    if args.load:
        print(json.dumps(load(args.load)))
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
