"""Signed checkpoints of the audit chain, kept outside the database.

A checkpoint is one JSON line (sequence, head hash, time, HMAC of the three) appended to
settings.SHIGAN_AUDIT_CHECKPOINTS. Someone who can rewrite the database but not this file (and
not the key) cannot cut off the chain's tail and reset the head: the last checkpoint names a
sequence number and hash the chain must still reach. Lines are written after the appending
transaction commits (a rolled-back entry never gets a checkpoint), each in one O_APPEND write,
so concurrent workers do not interleave.

The trail has several chains (shards); a checkpoint names its shard. Shard 0's lines carry no
"shard" field and are signed as before, so the file written before shards still verifies.
With SHIGAN_AUDIT_SYSLOG (a socket path such as /dev/log, or host:port for UDP) each line is
also sent to syslog (facility LOCAL0, tag shigan-audit): a copy on another machine.
"""

import hmac
import logging
import os
from dataclasses import dataclass
from logging.handlers import SysLogHandler
from pathlib import Path

import orjson
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shigan.audit.keys import audit_key

__all__ = ["Checkpoint", "checkpoint_write", "checkpoint_after", "checkpoints_read"]


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    signed: bool  # the HMAC matches: written by someone holding the key
    shard: int = 0


def _mac(seq: int, head: str, at: str, shard: int = 0) -> str:
    text = f"{seq}|{head}|{at}" if shard == 0 else f"{shard}|{seq}|{head}|{at}"
    return hmac.digest(audit_key(), text.encode(), "sha256").hex()


def _path() -> Path:
    return Path(settings.SHIGAN_AUDIT_CHECKPOINTS)


def checkpoint_write(seq: int, head: str, shard: int = 0) -> None:
    """Append a signed checkpoint of a chain's head."""
    path = _path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    at = timezone.now().replace(microsecond=0).isoformat()
    data = {"seq": seq, "hash": head, "at": at, "mac": _mac(seq, head, at, shard)}
    if shard:
        data["shard"] = shard
    line = orjson.dumps(data) + b"\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
    if settings.SHIGAN_AUDIT_SYSLOG:
        _to_syslog(settings.SHIGAN_AUDIT_SYSLOG, line.decode().strip())


def _to_syslog(target: str, line: str) -> None:
    """Send one checkpoint to syslog. A checkpoint is written after its entries committed, so
    a sink that is down loses only this copy (the handler reports it on stderr)."""
    host, _, port = target.rpartition(":")
    address = target if target.startswith("/") else (host, int(port))
    handler = SysLogHandler(address=address, facility=SysLogHandler.LOG_LOCAL0)
    handler.ident = "shigan-audit: "
    try:
        record = logging.makeLogRecord(
            {"name": "shigan.audit", "msg": f"checkpoint {line}", "levelno": logging.WARNING,
             "levelname": "WARNING"}
        )  # fmt: skip
        handler.emit(record)
    finally:
        handler.close()


def checkpoint_after(before_seq: int, seq: int, head: str, shard: int = 0) -> None:
    """Called by every append: when the chain passed a multiple of the interval, checkpoint its
    new head once the transaction commits. One integer division on the hot path. A chain's
    first entries are checkpointed too, so that a whole chain removed is found as well."""
    every = settings.SHIGAN_AUDIT_CHECKPOINT_EVERY
    if before_seq == 0 or (every > 0 and before_seq // every != seq // every):
        transaction.on_commit(lambda: checkpoint_write(seq, head, shard))


def checkpoints_read() -> list[Checkpoint]:
    """Every checkpoint in the file, in sequence order; a line that is not one counts as
    unsigned (someone wrote it without the key)."""
    path = _path()
    if not path.exists():
        return []
    found = []
    for raw in path.read_bytes().splitlines():
        if not raw.strip():
            continue
        try:
            data = orjson.loads(raw)
            seq, head, at, mac = int(data["seq"]), str(data["hash"]), str(data["at"]), data["mac"]
            shard = int(data.get("shard", 0))
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            found.append(Checkpoint(0, "", "", False))
            continue
        signed = hmac.compare_digest(str(mac), _mac(seq, head, at, shard))
        found.append(Checkpoint(seq, head, at, signed, shard))
    return sorted(found, key=lambda c: (c.shard, c.seq))
