"""Benchmark: concurrent writes in different leagues, with the audit trail and data versions
and without them, on PostgreSQL (issue 15 point 4).

Usage: uv run python bench/writes.py [--seconds 6] [--rounds 2] [--writers 1,2,4,8]

Data: Inner Mongolia to banner level (the region, 12 leagues, 103 banners/counties); in each
of 8 leagues a clerk of its first banner and `--pool` problems there (found over the last 60
days, each with a first measure, so rectification has started), loaded in bulk.

A writer is a separate process (its own interpreter and connection, as a web worker is) and
the clerk of its own league. It writes, as fast as it can, the cycle a clerk writes: a progress
report on a problem, a measure on it, then its close-out with a PDF as evidence (the problem
then waits for review and the next one is taken). All writes carry today's date.

For 1, 2, 4 and 8 writers at once, alternating in every round, the same writes run
  with     the product as it is: every write appends to the audit trail and touches the data
           versions of its subtree, in its transaction
  floor    the same writes with both switched off (core.benchmark.trail_switched_off: one
           process-wide switch, refused unless the process set SHIGAN_BENCHMARK_ONLY itself,
           as this benchmark does and nothing in the product can)
and the best round of each is printed as writes per second, with the ratio. Targets: ratio
≥ 0.6 with 8 writers, and the rate growing from 1 to 4 writers.
"""

import argparse
import collections
import datetime
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = ["-h", "127.0.0.1", "-U", "postgres"]
DB = os.environ.get("SHIGAN_BENCH_DB", "shigan_bench_writes")
PG_URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
LEAGUES = 8
TARGET = 0.6
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def setup_django():
    import django
    from django.conf import settings

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shigan.settings")
    django.setup()
    settings.SHIGAN_BENCHMARK_ONLY = True  # lets trail_switched_off() run (the floor)


def seed_calendar() -> None:
    """The statutory calendar of every packaged year, and this year and the next marked
    complete (New Year's Day only) when beyond the package: lights count working days."""
    from django.utils import timezone

    from shigan.accounts.system import system_actor
    from shigan.core.choices import HolidayKind
    from shigan.core.services import (
        calendar_year_mark_complete,
        calendar_year_seed,
        holiday_set,
        package_years,
    )

    today = timezone.localdate()
    for year in sorted({today.year - 1, today.year, today.year + 1}):
        if year in package_years():
            calendar_year_seed(actor=system_actor("基准测试"), year=year)
        else:
            day = datetime.date(year, 1, 1)
            holiday_set(
                actor=system_actor("基准测试"), date=day, kind=HolidayKind.HOLIDAY, name="元旦"
            )
            calendar_year_mark_complete(actor=system_actor("基准测试"), year=year)


def load(pool: int) -> list[tuple[int, list[int]]]:
    """The clerks and their problems, league by league: [(clerk id, [problem ids])]."""
    from django.core.management import call_command
    from django.utils import timezone

    from shigan.accounts.services import user_create
    from shigan.accounts.system import system_actor
    from shigan.orgs.choices import Role
    from shigan.orgs.divisions import divisions_import
    from shigan.orgs.models import Unit
    from shigan.orgs.services import membership_grant
    from shigan.problems.services import ProblemDraft, problem_bulk_create

    call_command("migrate", verbosity=0)
    divisions_import(actor=system_actor("基准测试"), province="15", depth=3)
    seed_calendar()
    today = timezone.localdate()
    leagues = Unit.objects.filter(depth=2).order_by("path")[:LEAGUES]
    found = []
    for n, league in enumerate(leagues):
        banner = Unit.objects.get_children(league).first()
        clerk = user_create(
            actor=system_actor("基准测试"), username=f"clerk{n}", password="bench-password-123"
        )
        membership_grant(actor=system_actor("基准测试"), user=clerk, unit=banner, role=Role.EDITOR)
        drafts = [
            ProblemDraft(
                unit=banner,
                title=f"{banner.name}问题{i}",
                source="self_inspection",
                found_on=today - datetime.timedelta(days=1 + i % 60),
                first_measure={"text": "建立台账"},
            )
            for i in range(pool)
        ]
        found.append((clerk.pk, problem_bulk_create(actor=clerk, drafts=drafts)))
    return found


def write_cycle(clerk, problem_id: int, today) -> int:
    """A progress report, a measure and the close-out of one problem: three writes."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shigan.problems import services
    from shigan.problems.models import Problem

    problem = Problem.objects.get(pk=problem_id)
    services.progress_report_add(
        actor=clerk, problem=problem, text="按计划推进", percent=60, reported_on=today
    )
    services.measure_add(actor=clerk, problem=problem, text="补充措施", added_on=today)
    unfinished = list(problem.measures.exclude(state="done").values_list("pk", flat=True))
    services.closeout_submit(
        actor=clerk,
        problem=problem,
        summary="整改完成",
        submitted_on=today,
        finish=unfinished,
        files=[SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf")],
    )
    return 3


def writer(clerk_id, problems, switched_off, start, stop_at, results) -> None:
    """One client: write cycles from `start` until `stop_at`; report (writes, problems used)."""
    import contextlib

    from django.utils import timezone

    from shigan.accounts.models import User
    from shigan.core.benchmark import trail_switched_off

    clerk = User.objects.get(pk=clerk_id)
    today = timezone.localdate()
    writes = used = 0
    with contextlib.ExitStack() as stack:
        if switched_off:
            stack.enter_context(trail_switched_off())
        start.wait()
        while time.time() < stop_at.value and used < len(problems):
            writes += write_cycle(clerk, problems[used], today)
            used += 1
    results.put((clerk_id, writes, used))


WAITED_ON = {False: collections.Counter(), True: collections.Counter()}


def cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat (Linux)."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


class LockWaits:
    """Samples, every 20 ms while the writers run, how many backends of the benchmark's
    database wait on a lock (a row or a transaction): the share of writer-time spent queued
    behind another transaction, whatever the CPU the machine has to spare."""

    def __init__(self):
        self.samples = self.waiting = 0
        self.done = threading.Event()
        self.queries: collections.Counter = collections.Counter()

    def __enter__(self):
        self.thread = threading.Thread(target=self._sample)
        self.thread.start()
        return self

    def _sample(self):
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={DB}", autocommit=True) as c:
            query = (
                "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'), count(*) "
                "FROM pg_stat_activity WHERE datname = %s AND state = 'active' "
                "AND pid <> pg_backend_pid()"
            )
            which = (
                "SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 90) FROM pg_stat_activity "
                "WHERE datname = %s AND wait_event_type = 'Lock'"
            )
            while not self.done.wait(0.02):
                waiting, active = c.execute(query, [DB]).fetchone()
                self.waiting += waiting
                self.samples += max(active, 0)
                if waiting:
                    self.queries.update(row[0] for row in c.execute(which, [DB]))

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()

    @property
    def share(self) -> float:
        return self.waiting / self.samples if self.samples else 0.0


def run(found, cursor: dict, writers: int, switched_off: bool, seconds: float):
    """Writes per second of `writers` clients at once (each the clerk of its own league), the
    share of active writer samples waiting on a lock, and the share of the CPUs kept busy (by
    the writers, PostgreSQL and anything else on the machine)."""
    from django.db import connections

    connections.close_all()  # forked writers open their own connections
    ctx = multiprocessing.get_context("fork")
    start, results = ctx.Event(), ctx.Queue()
    stop_at = ctx.Value("d", 0.0)
    procs = []
    for clerk_id, problems in found[:writers]:
        remaining = problems[cursor[clerk_id] :]
        args = (clerk_id, remaining, switched_off, start, stop_at, results)
        procs.append(ctx.Process(target=writer, args=args))
    for p in procs:
        p.start()
    time.sleep(1.0)  # every writer has set Django up and waits
    began, ticks = time.time(), cpu_ticks()
    stop_at.value = began + seconds
    start.set()
    total = 0
    with LockWaits() as waits:
        for _ in procs:
            clerk_id, writes, used = results.get(timeout=seconds + 120)
            cursor[clerk_id] += used
            total += writes
    elapsed = time.time() - began
    busy = [b - a for a, b in zip(ticks, cpu_ticks(), strict=True)]
    for p in procs:
        p.join()
    WAITED_ON[switched_off].update(waits.queries)
    return total / elapsed, waits.share, busy[0] / busy[1]


def child(args) -> None:
    setup_django()
    started = time.perf_counter()
    found = load(args.pool)
    print(f"loaded in {time.perf_counter() - started:.0f} s", flush=True)
    counts = [int(w) for w in args.writers.split(",")]
    cursor = {clerk_id: 0 for clerk_id, _ in found}
    best: dict[tuple[int, bool], float] = {}
    waits: dict[tuple[int, bool], list[float]] = {}
    busy: dict[tuple[int, bool], list[float]] = {}
    for _ in range(args.rounds):
        for writers in counts:
            for off in (False, True):
                rate, share, cpu = run(found, cursor, writers, off, args.seconds)
                best[writers, off] = max(best.get((writers, off), 0.0), rate)
                waits.setdefault((writers, off), []).append(share)
                busy.setdefault((writers, off), []).append(cpu)
    mean = {k: sum(v) / len(v) for k, v in waits.items()}
    report(counts, best, mean, {k: sum(v) / len(v) for k, v in busy.items()}, args)
    verify_after()


def report(counts, best, waits, busy, args) -> None:
    print(
        f"concurrent writes, clerks of different leagues (progress report, measure, close-out), "
        f"PostgreSQL; best of {args.rounds} rounds of {args.seconds:g} s; writes/s; "
        f"lock wait = share of active writer samples waiting on a lock; CPU busy = share of all "
        f"{os.cpu_count()} CPUs' time not idle during the run (means of rounds); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(
        f"{'writers':>8}{'with audit+versions':>22}{'floor (both off)':>19}{'ratio':>8}"
        f"{'lock wait with':>17}{'floor':>8}{'CPU busy with':>15}{'floor':>8}"
    )
    for writers in counts:
        on, off = best[writers, False], best[writers, True]
        print(
            f"{writers:>8}{on:>22.1f}{off:>19.1f}{on / off:>8.2f}"
            f"{waits[writers, False]:>17.0%}{waits[writers, True]:>8.0%}"
            f"{busy[writers, False]:>15.0%}{busy[writers, True]:>8.0%}"
        )
    for off, name in ((False, "with"), (True, "floor")):
        for query, n in WAITED_ON[off].most_common(3):
            print(f"  waiting ({name}), {n} samples: {query}")
    rates = [best[w, False] for w in counts if w <= 4]
    growing = all(b > a for a, b in zip(rates, rates[1:], strict=False))
    last = max(counts)
    ratio = best[last, False] / best[last, True]
    print(
        f"ratio with {last} writers: {ratio:.2f} (target ≥ {TARGET}); "
        f"rate growing from 1 to 4 writers: {'yes' if growing else 'no'}"
    )


def verify_after() -> None:
    from shigan.audit.models import AuditEntry, AuditHead
    from shigan.audit.selectors import audit_verify

    result = audit_verify()
    print(
        f"audit verify after the run: {'ok' if result.ok else 'FAILED ' + result.problem}, "
        f"{result.checked:,} entries in {result.chains} chains "
        f"(entries {AuditEntry.objects.count():,}, heads' sum "
        f"{sum(h.seq for h in AuditHead.objects.all()):,})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--writers", default="1,2,4,8")
    parser.add_argument("--pool", type=int, default=1500)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    subprocess.run(["dropdb", "--if-exists", *PG, DB], check=True)
    subprocess.run(["createdb", *PG, DB], check=True)
    try:
        with tempfile.TemporaryDirectory() as home:
            env = {
                **os.environ,
                "DATABASE_URL": PG_URL,
                "SHIGAN_HOME": home,
                "DEBUG": "0",
                "PYTHONPATH": str(ROOT / "src"),
            }
            command = [sys.executable, __file__, "--child", *sys.argv[1:]]
            subprocess.run(command, env=env, check=True)
    finally:
        subprocess.run(["dropdb", "--if-exists", *PG, DB], check=True)


if __name__ == "__main__":
    main()
