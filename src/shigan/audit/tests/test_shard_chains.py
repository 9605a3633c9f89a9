"""Issue 15 point 4: the audit trail is several chains (shards) so that writers never queue on
one head row; each chain keeps issue 16's guarantees. The forgeries are played against the
second chain (the first is the one test_keyed_chain.py forges), plus the ones shards make
possible: moving an entry or a checkpoint to another chain, and removing a whole chain.

Two chains are made the way concurrent writers make them: while one transaction holds chain 0,
the next writer takes chain 1. A test here says which chain its thread writes to next, as the
thread's last chain is what a writer tries first (SQLite holds no row locks)."""

import socket

import orjson
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from shigan.accounts.system import system_actor
from shigan.audit import services
from shigan.audit.checkpoints import checkpoints_read
from shigan.audit.exports import audit_export, export_verify
from shigan.audit.guard import guard_dropped
from shigan.audit.models import AuditEntry, AuditHead
from shigan.audit.selectors import audit_verify
from shigan.orgs.choices import Role
from shigan.orgs.services import unit_update

pytestmark = pytest.mark.django_db


def on_chain(shard: int) -> None:
    """The next write of this thread goes to chain `shard` (opened if need be)."""
    AuditHead.objects.get_or_create(shard=shard, defaults={"id": shard + 1})
    services._held.shard = shard


def changes(admin, unit, count: int, tag: str) -> None:
    for n in range(count):
        unit_update(actor=admin, unit=unit, name=unit.name, short_name=f"{tag}{n}", kind=unit.kind)


@pytest.fixture
def two_chains(settings, units, make_user, django_capture_on_commit_callbacks):
    """The account's entries and five changes on chain 0, ten changes on chain 1;
    checkpointed every 3 entries per chain."""
    settings.SHIGAN_AUDIT_CHECKPOINT_EVERY = 3
    with django_capture_on_commit_callbacks(execute=True):
        on_chain(0)
        admin = make_user(Role.ADMIN, units["own"])  # may change its banner and what is below
        changes(admin, units["own"], 5, "零")
        on_chain(1)
        changes(admin, units["child"], 10, "一")
    on_chain(0)
    yield {s: list(AuditEntry.objects.filter(shard=s).order_by("seq")) for s in (0, 1)}
    services._held.shard = None


def sql(statement, params=()):
    with guard_dropped(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def broken(shard, seq, problem):
    result = audit_verify()
    assert (result.ok, result.shard, result.first_bad_seq, result.problem) == (
        False,
        shard,
        seq,
        problem,
    ), result
    with pytest.raises(CommandError, match=f"第 {shard} 条链中"):
        call_command("audit", "verify")


def test_both_chains_verify_and_are_checkpointed_each(two_chains, capsys):
    zero, one = two_chains[0], two_chains[1]
    assert [e.seq for e in one] == list(range(1, 11))  # gap-free within its chain
    result = audit_verify()
    assert result.ok and result.chains == 2 and result.checked == len(zero) + len(one)
    assert {cp.shard for cp in checkpoints_read()} == {0, 1}
    # The chain's first entry (a whole chain removed is found), then every third.
    assert [cp.seq for cp in checkpoints_read() if cp.shard == 1] == [1, 3, 6, 9]
    call_command("audit", "verify")
    assert f"2 条哈希链共 {len(zero) + len(one)} 条" in capsys.readouterr().out


def test_an_edited_row_of_the_second_chain(two_chains):
    victim = two_chains[1][4]
    sql("UPDATE audit_auditentry SET actor_name = 'intruder' WHERE id = %s", [victim.pk])
    broken(1, victim.seq, "altered")


def test_a_row_deleted_from_the_second_chain(two_chains):
    victim = two_chains[1][4]
    sql("DELETE FROM audit_auditentry WHERE id = %s", [victim.pk])
    broken(1, victim.seq, "missing")


def test_the_second_chain_cut_off_with_its_head_reset(two_chains):
    keep = two_chains[1][5]
    sql("DELETE FROM audit_auditentry WHERE shard = 1 AND seq > %s", [keep.seq])
    sql("UPDATE audit_audithead SET seq = %s, hash = %s WHERE shard = 1", [keep.seq, keep.hash])
    broken(1, keep.seq + 1, "truncated")  # chain 1's checkpoint at 9 lies beyond its end


def test_a_whole_chain_removed_with_its_head(two_chains):
    """Found by the checkpoint of the chain's first entry, however short the chain was."""
    sql("DELETE FROM audit_auditentry WHERE shard = 1")
    sql("DELETE FROM audit_audithead WHERE shard = 1")
    broken(1, 1, "truncated")


def test_an_entry_moved_to_another_chain(two_chains):
    """Renumbered onto the end of chain 0 with its link fixed: its hash named chain 1."""
    zero, moved = two_chains[0][-1], two_chains[1][-1]
    sql(
        "UPDATE audit_auditentry SET shard = 0, seq = %s, prev_hash = %s WHERE id = %s",
        [zero.seq + 1, zero.hash, moved.pk],
    )
    sql(
        "UPDATE audit_audithead SET seq = %s, hash = %s WHERE shard = 0", [zero.seq + 1, moved.hash]
    )
    result = audit_verify()
    assert not result.ok and (result.shard, result.first_bad_seq) == (0, zero.seq + 1)
    assert result.problem == "altered"


def test_a_checkpoint_moved_to_another_chain(two_chains, settings):
    path = settings.SHIGAN_AUDIT_CHECKPOINTS
    line = next(orjson.loads(r) for r in path.read_bytes().splitlines() if b'"shard"' in r)
    line["shard"] = 0
    with path.open("ab") as f:
        f.write(orjson.dumps(line) + b"\n")
    result = audit_verify()
    assert (result.ok, result.problem, result.shard) == (False, "checkpoint", 0)


def test_the_daily_checkpoint_covers_every_chain(two_chains, capsys):
    before = len(checkpoints_read())
    call_command("audit", "checkpoint")
    heads = {h.shard: h.seq for h in AuditHead.objects.all()}
    assert len(checkpoints_read()) == before + 2
    assert {(cp.shard, cp.seq) for cp in checkpoints_read()} >= set(heads.items())
    assert "第 1 条链序号 10" in capsys.readouterr().out


def test_an_export_of_interleaved_chains_verifies(two_chains, make_user, tmp_path):
    import datetime

    from django.utils import timezone

    auditor = make_user(username="auditor9", system_role="auditor")
    today = timezone.localdate()
    since = today - datetime.timedelta(days=1)
    data = b"".join(audit_export(actor=auditor, since=since, until=today))
    check = export_verify(data)
    assert check.ok and check.count == AuditEntry.objects.count()
    shards = {orjson.loads(line).get("shard", 0) for line in data.splitlines()[:-1]}
    assert shards == {0, 1}


def test_checkpoints_also_go_to_syslog(
    settings, units, make_user, django_capture_on_commit_callbacks
):
    """A real UDP syslog receiver on this machine gets each checkpoint line."""
    sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sink.bind(("127.0.0.1", 0))
    sink.settimeout(5)
    settings.SHIGAN_AUDIT_SYSLOG = f"127.0.0.1:{sink.getsockname()[1]}"
    settings.SHIGAN_AUDIT_CHECKPOINT_EVERY = 2
    try:
        with django_capture_on_commit_callbacks(execute=True):
            changes(make_user(Role.ADMIN, units["own"]), units["own"], 3, "日志")
        message = sink.recv(4096).decode()
    finally:
        sink.close()
    first = checkpoints_read()[0]
    # <LOCAL0 * 8 + WARNING (4) = 132>
    assert message.startswith("<132>shigan-audit: checkpoint ")
    assert f'"seq":{first.seq}' in message and first.hash in message


def test_a_bulk_write_on_the_second_chain_verifies(two_chains):
    from django.db import transaction

    on_chain(1)
    items = [services.AuditItem("orgs.unit", str(n), f"单位{n}", None, {"n": n}) for n in range(5)]
    with transaction.atomic():
        assert (
            services.audit_record_many(
                actor=system_actor("test"), action="orgs.unit.updated", items=items
            )
            == 5
        )
    assert AuditEntry.objects.filter(shard=1).count() == len(two_chains[1]) + 5
    assert audit_verify().ok
