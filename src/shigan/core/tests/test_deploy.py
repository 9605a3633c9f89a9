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
        if not k.startswith("SHIGAN_") and k not in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL")
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
