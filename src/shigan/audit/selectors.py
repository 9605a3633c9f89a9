"""Reading and checking the audit trail."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from shigan.audit.checkpoints import checkpoints_read
from shigan.audit.keys import audit_key
from shigan.audit.models import AuditEntry, AuditHead
from shigan.audit.services import GENESIS_HASH, entry_digest

__all__ = ["audit_entries", "audit_verify", "VerifyResult", "can_read_audit"]


def can_read_audit(user: AbstractBaseUser | AnonymousUser) -> bool:
    # is_auditor: accounts' User's (a floor above); an anonymous user stops at is_authenticated
    return bool(user.is_authenticated and getattr(user, "is_auditor", False))


def audit_entries(
    *, user: AbstractBaseUser | AnonymousUser, action: str = "", actor: str = ""
) -> QuerySet[AuditEntry]:
    if not can_read_audit(user):
        return AuditEntry.objects.none()
    qs = AuditEntry.objects.select_related("actor").order_by("-seq")
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        # "system" finds every entry the system wrote, whatever it acted for ("system: <reason>").
        qs = qs.filter(Q(actor_name=actor) | Q(actor_name__startswith=f"{actor}: "))
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
    shard: int = 0  # the chain where the problem is
    chains: int = 0


class _Broken(Exception):
    def __init__(self, seq: int, problem: str):
        self.seq, self.problem = seq, problem


def _walk_chain(
    entries: Iterable[AuditEntry], expected: dict[int, str], key: bytes
) -> tuple[int, str]:
    """Check one chain's entries (in sequence order) against the key and its checkpoints;
    return its last sequence number and hash."""
    seq, prev_hash = 0, GENESIS_HASH
    for entry in entries:
        if entry.seq != seq + 1:
            raise _Broken(seq + 1, "missing")
        if entry.prev_hash != prev_hash:
            raise _Broken(entry.seq, "chain")
        if entry_digest(entry, key) != entry.hash:
            raise _Broken(entry.seq, "altered")
        if expected.get(entry.seq, entry.hash) != entry.hash:
            raise _Broken(entry.seq, "rewritten")
        seq, prev_hash = entry.seq, entry.hash
    return seq, prev_hash


def _check_end(
    seq: int, last_hash: str, head: AuditHead | None, checkpoints: dict[int, str]
) -> None:
    """The chain must reach its last checkpoint and end where its head row says."""
    if checkpoints and max(checkpoints) > seq:
        raise _Broken(seq + 1, "truncated")
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if (head_seq, head_hash) != (seq, last_hash):
        raise _Broken(seq + 1, "missing")


def audit_verify(*, batch_size: int = 5000) -> VerifyResult:
    """Walk every chain in order under the audit key and hold it against its signed
    checkpoints; report the first entry altered, removed, out of place, or missing from the
    end, with its chain and sequence number."""
    checkpoints = checkpoints_read()
    for cp in checkpoints:
        if not cp.signed:
            return VerifyResult(False, 0, cp.seq, "checkpoint", len(checkpoints), cp.shard)
    expected: dict[int, dict[int, str]] = {}
    for cp in checkpoints:
        expected.setdefault(cp.shard, {})[cp.seq] = cp.hash
    heads = {head.shard: head for head in AuditHead.objects.all()}
    shards = sorted(set(heads) | set(expected) | _shards_with_entries())
    key, checked = audit_key(), 0
    for shard in shards:
        entries = AuditEntry.objects.filter(shard=shard).order_by("seq")
        try:
            end = _walk_chain(entries.iterator(chunk_size=batch_size), expected.get(shard, {}), key)
            _check_end(*end, heads.get(shard), expected.get(shard, {}))
        except _Broken as broken:
            done = checked + max(0, broken.seq - 1)
            return VerifyResult(
                False, done, broken.seq, broken.problem, len(checkpoints), shard, len(shards)
            )
        checked += end[0]
    return VerifyResult(True, checked, checkpoints=len(checkpoints), chains=len(shards))


def _shards_with_entries() -> set[int]:
    return set(AuditEntry.objects.order_by().values_list("shard", flat=True).distinct())
