"""Writing the audit trail. Only services call this, inside their own transaction."""

import hashlib
import json
from datetime import datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from shigan.audit.context import current_request_context
from shigan.audit.models import AuditEntry, AuditHead
from shigan.audit.registry import ACTIONS

__all__ = ["audit_record", "entry_digest", "GENESIS_HASH"]

GENESIS_HASH = "0" * 64


def _canonical(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False)


def entry_digest(entry: AuditEntry) -> str:
    """The hash of an entry: its content plus the previous entry's hash."""
    content = {
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
    return hashlib.sha256(_canonical(content).encode()).hexdigest()


def _jsonable(value):
    return None if value is None else json.loads(_canonical(value))


def _lock_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditHead.objects.get_or_create(pk=1)
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


def audit_record(
    *,
    actor,
    action: str,
    target=None,
    target_type: str = "",
    target_id: str = "",
    before: dict | None = None,
    after: dict | None = None,
    at: datetime | None = None,
    actor_name: str = "",
) -> AuditEntry:
    """Append one entry to the hash chain. Must run inside the caller's transaction."""
    if action not in ACTIONS:
        raise ValueError(f"unregistered audit action {action!r}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the service's transaction")
    ctx = current_request_context()
    head = _lock_head()
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    actor = actor if getattr(actor, "pk", None) else None
    entry = AuditEntry(
        seq=head.seq + 1,
        # Microseconds are dropped so the stored time reads back identically on every backend.
        at=(at or timezone.now()).replace(microsecond=0),
        actor=actor,
        actor_name=actor_name or (actor.get_username() if actor else ""),
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
    head.seq, head.hash = entry.seq, entry.hash
    head.save(update_fields=["seq", "hash"])
    return entry
