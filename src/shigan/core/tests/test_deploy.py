"""Issue 16 point 6: production (`shigan serve` with SECRET_KEY set) refuses to start without
its keys, and never generates them; SHIGAN_HOME is created 0700, its database and key files
0600, whatever the umask. Run in child processes: the settings read the environment once."""

import os
import sqlite3
import subprocess
import sys

from shigan.core.deploy import missing_production_keys

KEYS = ("SHIGAN_PETITION_KEY", "SHIGAN_PETITION_HASH_KEY", "SHIGAN_AUDIT_KEY")


def run(home, *args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SHIGAN_")
        and k not in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL")
        # set by conftest for the browser tests' live server in this process, never in production
        and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return subprocess.run(
        [sys.executable, "-m", "shigan", *args],
        env=clean | {"SHIGAN_HOME": str(home)} | env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: os.umask(0o022),  # a usual umask: files would be 0644
    )


def mode(path) -> int:
    return path.stat().st_mode & 0o777


def test_production_refuses_to_start_without_its_keys(tmp_path):
    home = tmp_path / "prod"
    done = run(home, "serve", "--bind", "127.0.0.1:0", SECRET_KEY="s" * 50)
    assert done.returncode != 0
    for key in KEYS:
        assert key in done.stderr
    assert "拒绝启动" in done.stderr
    for name in ("petition_key", "petition_hash_key", "audit_key"):
        assert not (home / name).exists()  # nothing generated silently


def test_production_with_only_the_petition_key_still_refuses(tmp_path):
    done = run(
        tmp_path / "prod",
        "serve",
        SECRET_KEY="s" * 50,
        SHIGAN_PETITION_KEY="k" * 43 + "=",
        SHIGAN_PETITION_HASH_KEY="h" * 40,
    )
    assert done.returncode != 0 and "SHIGAN_AUDIT_KEY" in done.stderr
    assert "SHIGAN_PETITION_KEY（" not in done.stderr


def test_missing_keys_are_named(settings):
    for key in KEYS:
        setattr(settings, key, "x")
    assert missing_production_keys() == []
    settings.SHIGAN_AUDIT_KEY = None
    assert [m.split("（")[0] for m in missing_production_keys()] == ["SHIGAN_AUDIT_KEY"]


def test_embedded_home_is_private(tmp_path):
    home = tmp_path / "new" / "home"
    done = run(home, "check")
    assert done.returncode == 0, done.stderr
    assert mode(home) == 0o700
    for name in ("secret_key", "petition_key", "petition_hash_key", "audit_key", "shigan.sqlite3"):
        assert mode(home / name) == 0o600, name
    sqlite3.connect(home / "shigan.sqlite3").execute("create table t (x)").close()


def test_an_existing_readable_database_is_made_private(tmp_path):
    home = tmp_path / "old"
    home.mkdir()
    (home / "shigan.sqlite3").touch(mode=0o644)
    (home / "shigan.sqlite3").chmod(0o644)
    assert run(home, "check").returncode == 0
    assert mode(home / "shigan.sqlite3") == 0o600


PRODUCTION = {
    "SECRET_KEY": "k3R-" + "x9" * 30,
    "SHIGAN_PETITION_KEY": "0" * 43 + "=",
    "SHIGAN_PETITION_HASH_KEY": "h" * 50,
    "SHIGAN_AUDIT_KEY": "a" * 50,
    "ALLOWED_HOSTS": "ledger.example.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://ledger.example.gov.cn",
    "REDIS_URL": "redis://127.0.0.1:6379/0",  # never connected to by these commands
}


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    """Acceptance of issue 16: Django's deployment checks, warnings included, find nothing
    with the settings an operator sets in production."""
    done = run(tmp_path / "prod", "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout
    for name in ("petition_key", "petition_hash_key", "audit_key", "secret_key"):
        assert not (tmp_path / "prod" / name).exists()  # production generates no key


def test_check_deploy_finds_a_debug_production(tmp_path):
    # The check above can fail: the same run with DEBUG on is reported.
    done = run(
        tmp_path / "prod", "check", "--deploy", "--fail-level", "WARNING", DEBUG="1", **PRODUCTION
    )
    assert done.returncode != 0 and "DEBUG" in done.stderr


def test_check_deploy_warns_that_without_redis_each_process_counts_api_calls(tmp_path):
    without_redis = {k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"}
    done = run(tmp_path / "prod", "check", "--deploy", "--fail-level", "WARNING", **without_redis)
    assert done.returncode != 0 and "REDIS_URL" in done.stderr and "shigan.W001" in done.stderr
    switched_off = without_redis | {"SHIGAN_API_RATE_USER": "0", "SHIGAN_API_RATE_ANON": "off"}
    done = run(tmp_path / "prod", "check", "--deploy", "--fail-level", "WARNING", **switched_off)
    assert done.returncode == 0, done.stderr


def test_with_redis_the_api_limits_count_in_redis(tmp_path):
    """Every worker and node counts against one limit: the throttles' cache is Redis."""
    script = (
        "from rest_framework.throttling import SimpleRateThrottle as T;"
        "from shigan.core.throttling import AccountRateThrottle as A;"
        "print(type(T.cache._connections[T.cache._alias] if hasattr(T.cache, '_alias')"
        " else T.cache).__name__, A.cache is T.cache)"
    )
    done = run(tmp_path / "prod", "shell", "-c", script, **PRODUCTION)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-2:] == ["RedisCache", "True"]  # after the shell's banner


def test_stored_files_and_checkpoints_are_private(tmp_path, settings):
    from django.core.files.base import ContentFile

    from shigan.audit.checkpoints import checkpoint_write
    from shigan.problems.storage import evidence_storage

    settings.SHIGAN_HOME = tmp_path
    settings.SHIGAN_AUDIT_CHECKPOINTS = tmp_path / "audit" / "checkpoints.log"
    old = os.umask(0o022)
    try:
        name = evidence_storage().save("2026/12/证据.pdf", ContentFile(b"%PDF-1.4"))
        checkpoint_write(1, "0" * 64)
    finally:
        os.umask(old)
    stored = tmp_path / "private" / "evidence" / name
    assert mode(stored) == 0o600 and mode(stored.parent) == 0o700
    assert mode(stored.parent.parent) == 0o700
    assert mode(tmp_path / "audit") == 0o700
    assert mode(tmp_path / "audit" / "checkpoints.log") == 0o600
