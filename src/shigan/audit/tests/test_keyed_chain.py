"""Issue 16 point 4: the audit chain is keyed (HMAC-SHA256 with a key outside the database)
and held against signed checkpoints outside it. The four forgeries of the assessment — edit a
row; edit it and recompute the hashes after it with plain SHA-256; delete a middle row; cut
off the tail and reset the head — are each found, with the sequence number where they begin."""

import hashlib

import orjson
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from shigan.audit.checkpoints import checkpoints_read
from shigan.audit.guard import guard_dropped
from shigan.audit.models import AuditEntry, AuditHead
from shigan.audit.selectors import audit_verify
from shigan.audit.services import _canonical_bytes, entry_digest
from shigan.orgs.choices import Role
from shigan.orgs.services import unit_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(settings, units, make_user, django_capture_on_commit_callbacks):
    """Ten audited changes, committed (checkpoints are written on commit) every 3 entries."""
    settings.SHIGAN_AUDIT_CHECKPOINT_EVERY = 3
    with django_capture_on_commit_callbacks(execute=True):
        admin = make_user(Role.ADMIN, units["own"])
        for n in range(10):
            unit_update(
                actor=admin,
                unit=units["own"],
                name=units["own"].name,
                short_name=f"阿巴嘎{n}",
                kind=units["own"].kind,
            )
    return list(AuditEntry.objects.order_by("seq"))


def sql(statement, params=()):
    """The forger owns the database: the retention guard (shigan.audit.guard) is dropped first."""
    with guard_dropped(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def reset_head(entry):
    sql("UPDATE audit_audithead SET seq = %s, hash = %s WHERE id = 1", [entry.seq, entry.hash])


def sha256_digest(entry) -> str:
    """What a forger without the key can compute: the old unkeyed hash."""
    content = {
        f: getattr(entry, f)
        for f in ("seq", "actor_name", "action", "target_type", "target_id", "target_repr")
    } | {
        "at": entry.at.isoformat(),
        "actor": entry.actor_id,
        "before": entry.before,
        "after": entry.after,
        "request_id": entry.request_id,
        "ip": entry.ip,
        "prev_hash": entry.prev_hash,
    }
    return hashlib.sha256(_canonical_bytes(content)).hexdigest()


def refused(match):
    with pytest.raises(CommandError, match=match):
        call_command("audit", "verify")


def test_untouched_chain_verifies_with_its_checkpoints(chain, capsys):
    last = chain[-1]
    checkpoints = checkpoints_read()
    assert checkpoints and all(cp.signed for cp in checkpoints)
    assert all(cp.seq % 3 == 0 or cp.seq in (1, last.seq) for cp in checkpoints)
    result = audit_verify()
    assert result.ok and result.checked == last.seq and result.checkpoints == len(checkpoints)
    call_command("audit", "verify")
    assert f"共 {last.seq} 条" in capsys.readouterr().out
    # The stored hash is keyed: plain SHA-256 of the same content is something else.
    assert chain[0].hash == entry_digest(chain[0]) != sha256_digest(chain[0])


def test_forgery_1_an_edited_row(chain):
    victim = chain[4]
    sql("UPDATE audit_auditentry SET actor_name = 'intruder' WHERE seq = %s", [victim.seq])
    result = audit_verify()
    assert (result.ok, result.first_bad_seq, result.problem) == (False, victim.seq, "altered")
    refused(f"序号 {victim.seq} 的记录内容被改动")


def test_forgery_2_edited_and_the_following_hashes_recomputed_without_the_key(chain):
    victim = chain[4]
    prev = victim.prev_hash
    for entry in AuditEntry.objects.filter(seq__gte=victim.seq).order_by("seq"):
        if entry.seq == victim.seq:
            entry.actor_name = "intruder"
        entry.prev_hash = prev
        entry.hash = prev = sha256_digest(entry)
        sql(
            "UPDATE audit_auditentry SET actor_name = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            [entry.actor_name, entry.prev_hash, entry.hash, entry.seq],
        )
        last = entry
    reset_head(last)
    result = audit_verify()
    assert (result.ok, result.first_bad_seq, result.problem) == (False, victim.seq, "altered")
    refused(f"序号 {victim.seq} 的记录内容被改动")


def test_forgery_2b_even_with_the_key_the_checkpoints_catch_a_rewrite(chain):
    """An insider holding the key but not the checkpoint file: the rewrite shows at the first
    checkpoint after the edit."""
    victim = chain[4]
    prev = victim.prev_hash
    for entry in AuditEntry.objects.filter(seq__gte=victim.seq).order_by("seq"):
        if entry.seq == victim.seq:
            entry.actor_name = "intruder"
        entry.prev_hash = prev
        entry.hash = prev = entry_digest(entry)
        sql(
            "UPDATE audit_auditentry SET actor_name = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            [entry.actor_name, entry.prev_hash, entry.hash, entry.seq],
        )
        last = entry
    reset_head(last)
    first_checkpoint_after = min(cp.seq for cp in checkpoints_read() if cp.seq >= victim.seq)
    result = audit_verify()
    assert (result.ok, result.problem) == (False, "rewritten")
    assert result.first_bad_seq == first_checkpoint_after
    refused(f"序号 {first_checkpoint_after} 的记录与签名检查点不符")


def test_forgery_3_a_middle_row_deleted(chain):
    victim = chain[5]
    sql("DELETE FROM audit_auditentry WHERE seq = %s", [victim.seq])
    result = audit_verify()
    assert (result.ok, result.first_bad_seq, result.problem) == (False, victim.seq, "missing")
    refused(f"序号 {victim.seq} 的记录缺失")


def test_forgery_4_the_tail_cut_off_and_the_head_reset(chain):
    keep = chain[-4]
    sql("DELETE FROM audit_auditentry WHERE seq > %s", [keep.seq])
    reset_head(keep)
    result = audit_verify()
    assert (result.ok, result.first_bad_seq, result.problem) == (False, keep.seq + 1, "truncated")
    refused(f"从序号 {keep.seq + 1} 起的记录缺失")


def test_an_inserted_row_is_found(chain):
    last = chain[-1]
    forged = AuditEntry(**{f.attname: getattr(last, f.attname) for f in AuditEntry._meta.fields})
    forged.pk, forged.seq, forged.prev_hash = None, last.seq + 1, last.hash
    forged.hash = sha256_digest(forged)
    AuditEntry.objects.bulk_create([forged])
    reset_head(forged)
    result = audit_verify()
    assert (result.ok, result.first_bad_seq, result.problem) == (False, forged.seq, "altered")


def test_a_forged_checkpoint_is_found(chain, settings):
    path = settings.SHIGAN_AUDIT_CHECKPOINTS
    line = orjson.loads(path.read_bytes().splitlines()[0])
    line["seq"] += 1000  # as if the chain had once been longer
    with path.open("ab") as f:
        f.write(orjson.dumps(line) + b"\n")
    result = audit_verify()
    assert (result.ok, result.problem, result.first_bad_seq) == (False, "checkpoint", line["seq"])


def test_the_daily_checkpoint_command(chain, settings, django_capture_on_commit_callbacks):
    before = len(checkpoints_read())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("audit", "checkpoint")
    after = checkpoints_read()
    assert len(after) == before + 1 and after[-1].seq == AuditHead.objects.get().seq
    assert (settings.SHIGAN_AUDIT_CHECKPOINTS.stat().st_mode & 0o777) == 0o600


def test_without_the_key_nothing_is_written(settings, units, make_user):
    from django.core.exceptions import ImproperlyConfigured

    admin = make_user(Role.ADMIN, units["own"])
    settings.SHIGAN_AUDIT_KEY = None
    count = AuditEntry.objects.count()
    with pytest.raises(ImproperlyConfigured, match="SHIGAN_AUDIT_KEY"):
        unit_update(
            actor=admin, unit=units["own"], name="x", short_name="y", kind=units["own"].kind
        )
    assert AuditEntry.objects.count() == count
