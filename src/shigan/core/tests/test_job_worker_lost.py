"""Issue 16 point 3: jobs never hang. A process running a job is really killed (SIGKILL) in the
middle of its write transaction, on this run's database (SQLite or PostgreSQL, whichever the
suite runs on): the job's rows are not half-written, its worker's silence is noticed, and it is
run again once (done) or, dead twice, failed with the reason its owner sees on its page.

Every step runs in a child process (`jobkill.py`) against a database of its own, migrated once
for the module: the test database of this process is not visible to children on SQLite."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

STALE = 3  # seconds without a heartbeat before a job counts as dead (production: 180)


def _clean_env() -> dict:
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SHIGAN_") and k not in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL")
    }


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """Environment of a migrated database of our own, on the backend the suite runs on."""
    home = tmp_path_factory.mktemp("jobkill")
    env = _clean_env() | {
        "SHIGAN_HOME": str(home),
        "SHIGAN_JOB_HEARTBEAT_SECONDS": "0.5",
        "SHIGAN_JOB_STALE_SECONDS": str(STALE),
        "ALLOWED_HOSTS": "testserver",
    }
    admin = None
    if connection.vendor == "postgresql":
        import psycopg

        params = connection.settings_dict
        name = f"{params['NAME']}_kill"[:63]
        url = f"postgres://{params['USER']}@{params['HOST']}:{params['PORT'] or 5432}"
        admin = psycopg.connect(f"{url}/postgres", autocommit=True)
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"{url}/{name}"
    done = subprocess.run(
        [sys.executable, "-m", "shigan", "migrate", "-v0"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    yield env
    if admin is not None:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def world(scratch, tmp_path):
    """A fresh job directory; the database is emptied of the previous test's job and rows."""
    env = scratch | {"JOBKILL_DIR": str(tmp_path)}
    subprocess.run(
        [sys.executable, "-m", "shigan", "flush", "--no-input", "-v0"], env=env, check=True
    )
    return env


def ask(env, *args) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "shigan.core.tests.jobkill", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def start(env, *args) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "shigan.core.tests.jobkill", *map(str, args)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(env, name: str, process: subprocess.Popen) -> None:
    path = os.path.join(env["JOBKILL_DIR"], name)
    deadline = time.monotonic() + 90
    while not os.path.exists(path):
        assert process.poll() is None, f"the job's process ended before {name}"
        assert time.monotonic() < deadline, f"no {name} within 90 s"
        time.sleep(0.05)


def kill_in_write(env, process: subprocess.Popen, attempt: int) -> None:
    """Let the job write, and kill its process inside the write transaction."""
    open(os.path.join(env["JOBKILL_DIR"], "go"), "w").close()
    wait_for(env, f"writing-{attempt}", process)
    process.send_signal(signal.SIGKILL)
    assert process.wait(30) == -signal.SIGKILL


def test_a_live_job_keeps_beating_and_is_not_swept(world):
    job = ask(world, "setup", "[]")["job"]
    runner = start(world, "run", job)
    try:
        wait_for(world, "reading-1", runner)
        time.sleep(STALE + 1)  # longer than a silent job may be
        assert ask(world, "sweep") == {"failed": [], "retried": []}
        assert ask(world, "show", job)["state"] == "running"
        open(os.path.join(world["JOBKILL_DIR"], "go"), "w").close()
        assert runner.wait(60) == 0
    finally:
        runner.kill()
    shown = ask(world, "show", job)
    assert (shown["state"], shown["rows"], shown["attempts"]) == ("done", 30, 1)


def test_killed_once_nothing_written_then_run_again_to_done(world):
    job = ask(world, "setup", "[1]")["job"]
    runner = start(world, "run", job)
    kill_in_write(world, runner, 1)
    shown = ask(world, "show", job)
    # The process died with its transaction open: none of its rows is there, and the job
    # still reads running until its silence is noticed.
    assert (shown["state"], shown["rows"]) == ("running", 0)
    time.sleep(STALE + 1)
    assert ask(world, "sweep") == {"failed": [], "retried": [job]}  # ran again in the sweep
    shown = ask(world, "show", job)
    assert (shown["state"], shown["rows"], shown["attempts"]) == ("done", 30, 2), shown
    assert shown["lost"] == 1


def test_killed_twice_the_job_fails_with_the_reason_its_owner_sees(world):
    job = ask(world, "setup", "[1, 2]")["job"]
    runner = start(world, "run", job)
    kill_in_write(world, runner, 1)
    time.sleep(STALE + 1)
    sweeper = start(world, "sweep")  # runs the job again, in this process: kill it there too
    wait_for(world, "writing-2", sweeper)
    sweeper.send_signal(signal.SIGKILL)
    assert sweeper.wait(30) == -signal.SIGKILL
    time.sleep(STALE + 1)
    assert ask(world, "sweep") == {"failed": [job], "retried": []}
    shown = ask(world, "show", job, "pages")
    assert (shown["state"], shown["rows"], shown["attempts"]) == ("failed", 0, 2)
    assert "进程意外中断" in shown["message"] and "未写入任何数据" in shown["message"]
    assert shown["pages"]["jobowner"] == {"status": 200, "shows_reason": True}
    assert shown["pages"]["stranger"]["status"] == 404
    assert shown["lost"] == 2
    assert ask(world, "sweep") == {"failed": [], "retried": []}  # settled once


def test_a_celery_pool_process_killed_mid_job_hands_it_back_and_the_sweep_runs_it_again(world):
    """A real `prefork` worker on Redis: its pool process is killed inside the job's write
    transaction. The task comes back (late acknowledgement, rejected on worker loss) and finds
    its job running, so it leaves it; the sweep sends it once more and the worker's new pool
    process runs it to done, its rows written once."""
    import uuid

    import redis

    redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_connect_timeout=2).ping()
    env = world | {
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "JOBKILL_QUEUE": f"shigan-kill-{uuid.uuid4().hex}",
    }
    job = ask(env, "setup", "[1]")["job"]
    worker = start(env, "worker")
    try:
        ask(env, "enqueue", job)
        open(os.path.join(env["JOBKILL_DIR"], "go"), "w").close()
        wait_for(env, "writing-1", worker)
        child = int(Path(env["JOBKILL_DIR"], "writing-1").read_text())
        assert child != worker.pid  # the pool process, not the worker's main process
        os.kill(child, signal.SIGKILL)
        time.sleep(STALE + 1)
        shown = ask(env, "show", job)
        assert (shown["state"], shown["rows"], shown["attempts"]) == ("running", 0, 1)
        assert ask(env, "sweep") == {"failed": [], "retried": [job]}
        wait_for(env, "writing-2", worker)
        deadline = time.monotonic() + 60
        while (shown := ask(env, "show", job))["state"] != "done":
            assert time.monotonic() < deadline, shown
        assert (shown["rows"], shown["attempts"], shown["lost"]) == (30, 2, 1)
    finally:
        worker.terminate()
        worker.wait(30)
