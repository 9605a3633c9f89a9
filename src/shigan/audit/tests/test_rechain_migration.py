"""The migration to the keyed chain re-chains entries written under the old unkeyed SHA-256
chain, and refuses to launder a chain that was already broken."""

import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from shigan.audit.models import AuditEntry
from shigan.audit.selectors import audit_verify
from shigan.audit.services import _canonical_bytes

pytestmark = pytest.mark.django_db(transaction=True)

OLD, NEW = [("audit", "0001_initial")], [("audit", "0002_rechain_with_hmac")]
LATEST = [("audit", "0004_shard_chains")]


def unkeyed(entry, prev_hash):
    content = {f: getattr(entry, f) for f in ("seq", "actor_name", "action", "target_type")} | {
        "target_id": entry.target_id,
        "target_repr": entry.target_repr,
        "at": entry.at.isoformat(),
        "actor": entry.actor_id,
        "before": entry.before,
        "after": entry.after,
        "request_id": entry.request_id,
        "ip": entry.ip,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(_canonical_bytes(content)).hexdigest()


def as_before_issue_16():
    """Rewrite the current entries into the old unkeyed chain, as a demo database has it."""
    prev = "0" * 64
    with connection.cursor() as cursor:
        for entry in AuditEntry.objects.defer("shard").order_by("seq"):  # no shards yet
            digest = unkeyed(entry, prev)
            cursor.execute(
                "UPDATE audit_auditentry SET prev_hash = %s, hash = %s WHERE seq = %s",
                [prev, digest, entry.seq],
            )
            prev = digest
        cursor.execute("UPDATE audit_audithead SET hash = %s WHERE id = 1", [prev])


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


@pytest.fixture
def old_chain(make_user):
    for _ in range(3):
        make_user()  # each account created is audited
    assert AuditEntry.objects.count() >= 3
    migrate(OLD)
    as_before_issue_16()
    yield
    migrate(LATEST)  # the later migrations (the retention guard) come back for the next tests


def test_old_chain_is_rechained_under_the_key(old_chain):
    migrate(LATEST)  # through NEW, which re-chains; verify reads the latest schema
    assert audit_verify().ok


def test_a_broken_old_chain_is_not_laundered(old_chain):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET actor_name = 'x' WHERE seq = 1")
    with pytest.raises(RuntimeError, match="序号 1 处已不完整或被改动"):
        migrate(NEW)
    with connection.cursor() as cursor:  # the fixture's migrate forward must succeed
        cursor.execute("DELETE FROM audit_auditentry")
        cursor.execute("UPDATE audit_audithead SET seq = 0, hash = %s", ["0" * 64])
