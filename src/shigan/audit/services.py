"""Writing the audit trail. Only services call this, inside their own transaction.

The trail is up to SHIGAN_AUDIT_SHARDS chains (shards). Each is an HMAC chain with gap-free
sequence numbers and its own head row; a writing transaction locks the head of a chain that no
other open transaction holds (PostgreSQL's SKIP LOCKED) and appends all its entries to it, so
writers never wait on each other's commit, and each chain stays exactly as strong as the single
chain was: `shigan audit verify` walks every chain and holds it against its checkpoints. A new
chain is opened only when every existing one is held, so the number in use follows the number of
concurrent writers. SQLite serialises writers anyway: there the first chain is always free.
"""

import hmac
import itertools
import threading
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, NamedTuple

import orjson
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Model
from django.utils import timezone

from shigan.audit.checkpoints import checkpoint_after, checkpoint_write
from shigan.audit.context import current_request_context
from shigan.audit.keys import audit_key
from shigan.audit.models import AuditEntry, AuditHead
from shigan.audit.registry import ACTIONS
from shigan.core.actors import actor_label, require_actor
from shigan.core.benchmark import trail_is_off
from shigan.core.bulk import bulk_insert

__all__ = [
    "audit_record",
    "audit_record_anonymous",
    "audit_record_many",
    "audit_checkpoint_now",
    "AuditItem",
    "entry_digest",
    "entry_content",
    "content_digest",
    "GENESIS_HASH",
]

GENESIS_HASH = "0" * 64


_ENCODER = DjangoJSONEncoder()
_DEFAULT, _SORT_KEYS = _ENCODER.default, orjson.OPT_SORT_KEYS


# Who acted: accounts' User (a floor above, which audit cannot name), a person or the system
# account; never None (`require_actor`). AnonymousUser because that is how a request's user is
# typed: its entry names no account, as `audit_record_anonymous`'s do.
Actor = AbstractBaseUser | AnonymousUser
Snapshot = dict[str, Any]  # a record's fields before or after a change, as JSON takes them


def _canonical_bytes(value: object) -> bytes:
    """The hashed form: compact JSON, sorted keys, UTF-8 (orjson: ~10× json's speed, which
    matters when an import writes 100,000 entries)."""
    return orjson.dumps(value, default=_DEFAULT, option=_SORT_KEYS)


def entry_content(entry: AuditEntry) -> dict[str, Any]:
    """What an entry's hash covers (also the form an export carries, so it can be checked).
    The shard is named for every shard but 0, whose entries hash as they did before shards
    (an entry moved to another chain no longer matches its hash either way)."""
    content: dict[str, Any] = {
        "seq": entry.seq,
        "at": entry.at.isoformat(),
        "actor": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "target_repr": entry.target_repr,
        "before": entry.before,
        "after": entry.after,
        "request_id": entry.request_id,
        "ip": entry.ip,
        "prev_hash": entry.prev_hash,
    }
    if entry.shard:
        content["shard"] = entry.shard
    return content


def content_digest(content: dict[str, Any], key: bytes | None = None) -> str:
    return hmac.digest(key or audit_key(), _canonical_bytes(content), "sha256").hex()


def entry_digest(entry: AuditEntry, key: bytes | None = None) -> str:
    """The hash of an entry: HMAC-SHA256, under the audit key, of its content plus the previous
    entry's hash. Without the key nobody can recompute it after changing an entry."""
    return content_digest(entry_content(entry), key)


def _jsonable(value: object) -> Any:  # the value as JSON reads it back
    return None if value is None else orjson.loads(_canonical_bytes(value))


_held = threading.local()  # the shard this thread used last: its transaction may hold it


def _free_head(shard: int | None) -> AuditHead | None:
    """Lock and return a chain head no other transaction holds: `shard` if given, else the
    lowest free one (a head this transaction holds already counts as free)."""
    heads = AuditHead.objects.select_for_update(skip_locked=True)
    if shard is not None:
        return heads.filter(shard=shard).first()
    return heads.order_by("shard").first()


def _open_heads() -> AuditHead | None:
    """Every chain is held: open the others (row id = shard + 1) and take one. The new head
    rows are committed at once on a connection of their own, and only rows that do not exist
    yet are inserted, so that this never waits on a head another transaction holds. The first
    head, and any on SQLite (one writer at a time, and a test database in memory), is made in
    this transaction."""
    count = AuditHead.objects.count()
    shards = max(1, settings.SHIGAN_AUDIT_SHARDS)
    if count >= shards:
        # Another transaction may have opened them between our look for a free head and this
        # count (each statement sees what was committed before it began): look again, or we
        # would wait on a held head while free ones exist.
        return _free_head(None)
    if count == 0 or connection.vendor == "sqlite":
        AuditHead.objects.bulk_create([AuditHead(pk=count + 1, shard=count)], ignore_conflicts=True)
        return _free_head(count)
    table = AuditHead._meta.db_table
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with side.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (id, shard, seq, hash) "
                "SELECT s + 1, s, 0, %s FROM generate_series(0, %s) AS s "
                f"WHERE NOT EXISTS (SELECT 1 FROM {table} h WHERE h.shard = s) "
                "ON CONFLICT DO NOTHING",
                [GENESIS_HASH, shards - 1],
            )
    finally:
        side.close()
    return _free_head(None)


def _lock_head() -> AuditHead:
    """The head this transaction appends to, locked until it commits. The thread's last shard
    first, so that every entry of one transaction goes to the same chain."""
    last = getattr(_held, "shard", None)
    head = last is not None and _free_head(last)
    for _ in range(max(1, settings.SHIGAN_AUDIT_SHARDS)):
        head = head or _free_head(None) or _open_heads()
        if head or AuditHead.objects.count() >= settings.SHIGAN_AUDIT_SHARDS:
            break
    if not head:  # every chain held and no more allowed: wait for one
        head = AuditHead.objects.select_for_update().get(shard=last or 0)
    _held.shard = head.shard
    return head


def audit_checkpoint_now() -> list[AuditHead]:
    """Checkpoint every chain's head now (the daily checkpoint; `shigan audit checkpoint`).
    The heads are read as committed, without a lock: each is a state its chain has reached."""
    heads = [head for head in AuditHead.objects.order_by("shard") if head.seq]
    for head in heads:
        checkpoint_write(head.seq, head.hash, head.shard)
    return heads


def audit_record(*, actor: Actor, action: str, actor_name: str = "", **entry: Any) -> AuditEntry:
    """Append one entry to the hash chain. Must run inside the caller's transaction. Every
    write has an actor: a person, or the system (`accounts.system_actor(reason)`); None is
    refused, so a service handed None by mistake fails and its transaction writes nothing."""
    require_actor(actor)
    return _append(actor=actor, action=action, actor_name=actor_name, **entry)


def audit_record_anonymous(*, actor_name: str, action: str, **entry: Any) -> AuditEntry:
    """An entry with no account behind it: someone not logged in (a failed or refused login),
    named only by what they typed."""
    return _append(actor=None, action=action, actor_name=actor_name, **entry)


def _append(
    *,
    actor: Actor | None,
    action: str,
    target: Model | None = None,
    target_type: str = "",
    target_id: str = "",
    before: Snapshot | None = None,
    after: Snapshot | None = None,
    at: datetime | None = None,
    actor_name: str = "",
) -> AuditEntry:
    if action not in ACTIONS:
        raise ValueError(f"unregistered audit action {action!r}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the service's transaction")
    if trail_is_off():  # a benchmark's floor (core.benchmark)
        return AuditEntry(action=action)
    ctx = current_request_context()
    head = _lock_head()
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    actor = actor if getattr(actor, "pk", None) else None
    entry = AuditEntry(
        shard=head.shard,
        seq=head.seq + 1,
        # Microseconds are dropped so the stored time reads back identically on every backend.
        at=(at or timezone.now()).replace(microsecond=0),
        actor=actor,  # type: ignore[misc]  # accounts' User, which audit cannot name
        actor_name=actor_name or (actor_label(actor) if actor else ""),
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        target_repr=str(target)[:300] if target is not None else "",
        before=_jsonable(before),
        after=_jsonable(after),
        request_id=ctx.request_id,
        ip=ctx.ip,
        prev_hash=head.hash,
    )
    entry.hash = entry_digest(entry)
    entry.save(force_insert=True)
    checkpoint_after(head.seq, entry.seq, entry.hash, head.shard)
    head.seq, head.hash = entry.seq, entry.hash
    head.save(update_fields=["seq", "hash"])
    return entry


class AuditItem(NamedTuple):
    """One entry of a bulk write: what `audit_record` takes per call, minus actor and action."""

    target_type: str
    target_id: str
    target_repr: str
    before: Snapshot | None = None
    after: Snapshot | None = None


_BULK_COLUMNS = (
    "shard",
    "seq",
    "at",
    "actor",
    "actor_name",
    "action",
    "target_type",
    "target_id",
    "target_repr",
    "before",
    "after",
    "request_id",
    "ip",
    "prev_hash",
    "hash",
)


class _Bulk(NamedTuple):
    """What every entry of one bulk write shares."""

    shard: int
    at_iso: str
    at_db: object
    actor_id: int | None
    actor_name: str
    action: str
    request_id: str
    ip: str | None


def _bulk_of(actor: Actor, action: str, shard: int) -> _Bulk:
    require_actor(actor)
    ctx = current_request_context()
    account = actor if getattr(actor, "pk", None) else None
    at = timezone.now().replace(microsecond=0)
    return _Bulk(
        shard=shard,
        at_iso=at.isoformat(),
        at_db=transaction.get_connection().ops.adapt_datetimefield_value(at),
        actor_id=account.pk if account else None,
        actor_name=actor_label(account) if account else "",
        action=action,
        request_id=ctx.request_id,
        ip=ctx.ip,
    )


def _hashed_rows(
    bulk: _Bulk, items: Iterable[AuditItem], chain: list[Any]
) -> Iterator[tuple[Any, ...]]:
    """The entries' rows, each hashed onto the one before, as they stream out to the database;
    `chain` ([seq, hash] of the last one written) holds the last row's once all are out."""
    seq, prev_hash = chain
    # Keyed once: each entry's HMAC is a copy of it (hmac.digest keys afresh for every entry).
    keyed = hmac.new(audit_key(), digestmod="sha256").copy
    dumps, sort_keys, default, fragment = orjson.dumps, _SORT_KEYS, _DEFAULT, orjson.Fragment
    named_shard = {"shard": bulk.shard} if bulk.shard else {}  # as entry_content names it
    for target_type, target_id, target_repr, before, after in items:
        seq += 1
        # Hashed as given: the canonical JSON of a value and of its stored form are the same.
        target_id, target_repr = str(target_id), str(target_repr)[:300]
        # The snapshots' canonical JSON, made once: stored as it is, and hashed as part of the
        # content (a fragment is written into the content's JSON as it stands).
        before_json = None if before is None else dumps(before, default=default, option=sort_keys)
        after_json = None if after is None else dumps(after, default=default, option=sort_keys)
        content = {
            "seq": seq,
            "at": bulk.at_iso,
            "actor": bulk.actor_id,
            "actor_name": bulk.actor_name,
            "action": bulk.action,
            "target_type": target_type,
            "target_id": target_id,
            "target_repr": target_repr,
            "before": None if before_json is None else fragment(before_json),
            "after": None if after_json is None else fragment(after_json),
            "request_id": bulk.request_id,
            "ip": bulk.ip,
            "prev_hash": prev_hash,
            **named_shard,
        }
        mac = keyed()
        mac.update(dumps(content, default=default, option=sort_keys))
        digest = mac.hexdigest()
        yield (
            bulk.shard,
            seq,
            bulk.at_db,
            bulk.actor_id,
            bulk.actor_name,
            bulk.action,
            target_type,
            target_id,
            target_repr,
            None if before_json is None else before_json.decode(),
            None if after_json is None else after_json.decode(),
            bulk.request_id,
            bulk.ip,
            prev_hash,
            digest,
        )
        prev_hash = digest
    chain[:] = seq, prev_hash


def audit_record_many(*, actor: Actor, action: str, items: Iterable[AuditItem]) -> int:
    """Append one entry per item to the hash chain with one bulk insert (importers).

    The entries are exactly what `audit_record` would write one by one; the chain is computed
    here under the head lock. Must run inside the caller's transaction.
    """
    require_actor(actor)
    if action not in ACTIONS:
        raise ValueError(f"unregistered audit action {action!r}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record_many must run inside the service's transaction")
    if trail_is_off():  # a benchmark's floor (core.benchmark)
        return sum(1 for _ in items)
    head = _lock_head()
    items = iter(items)
    first = next(items, None)
    if first is None:
        return 0
    bulk = _bulk_of(actor, action, head.shard)
    chain: list[Any] = [head.seq, head.hash]  # the last seq and hash written, as rows stream
    before_seq = head.seq
    rows = _hashed_rows(bulk, itertools.chain((first,), items), chain)
    count = bulk_insert(AuditEntry, _BULK_COLUMNS, rows, binary=True)
    checkpoint_after(before_seq, chain[0], chain[1], bulk.shard)
    head.seq, head.hash = chain
    head.save(update_fields=["seq", "hash"])
    return count
