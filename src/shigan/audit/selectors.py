"""Reading and checking the audit trail."""

from dataclasses import dataclass

from django.db.models import QuerySet

from shigan.audit.checkpoints import checkpoints_read
from shigan.audit.keys import audit_key
from shigan.audit.models import AuditEntry, AuditHead
from shigan.audit.services import GENESIS_HASH, entry_digest

__all__ = ["audit_entries", "audit_verify", "VerifyResult", "can_read_audit"]


def can_read_audit(user) -> bool:
    return bool(user.is_authenticated and user.is_auditor)


def audit_entries(*, user, action: str = "", actor: str = "") -> QuerySet[AuditEntry]:
    if not can_read_audit(user):
        return AuditEntry.objects.none()
    qs = AuditEntry.objects.select_related("actor").order_by("-seq")
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_name=actor)
    return qs


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    # missing (deleted), chain (link broken), altered (content or key), rewritten (differs from
    # a checkpoint), truncated (a checkpoint lies beyond the end), checkpoint (a forged line)
    problem: str = ""
    checkpoints: int = 0


def audit_verify(*, batch_size: int = 5000) -> VerifyResult:
    """Walk the chain in order under the audit key and hold it against the signed checkpoints;
    report the first entry altered, removed, out of place, or missing from the end."""
    checkpoints = checkpoints_read()
    for cp in checkpoints:
        if not cp.signed:
            return VerifyResult(False, 0, cp.seq, "checkpoint", len(checkpoints))
    expected = {cp.seq: cp.hash for cp in checkpoints}
    key = audit_key()
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0

    def bad(seq, problem):
        return VerifyResult(False, checked, seq, problem, len(checkpoints))

    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=batch_size):
        if entry.seq != expected_seq:
            return bad(expected_seq, "missing")
        if entry.prev_hash != prev_hash:
            return bad(entry.seq, "chain")
        if entry_digest(entry, key) != entry.hash:
            return bad(entry.seq, "altered")
        if expected.get(entry.seq, entry.hash) != entry.hash:
            return bad(entry.seq, "rewritten")
        prev_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    if checkpoints and checkpoints[-1].seq >= expected_seq:
        return bad(expected_seq, "truncated")
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if head_seq != expected_seq - 1 or head_hash != prev_hash:
        return bad(expected_seq, "missing")
    return VerifyResult(True, checked, checkpoints=len(checkpoints))
