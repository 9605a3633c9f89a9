"""A signed export of a period of the audit trail, for the audit administrator (issue 16).

The file is JSON lines: one line per entry (exactly what its chain hash covers, plus that hash),
then one closing line with the period, the count and an HMAC-SHA256 over every byte before it,
under a key derived from the audit key. `shigan audit verify-export FILE` checks the signature,
the count, each entry's own hash and the links between consecutive entries: an edited, added,
removed or cut-off line is found without the database."""

import datetime
import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.audit.errors import AuditError, ErrorCode
from shigan.audit.keys import audit_key
from shigan.audit.models import AuditEntry
from shigan.audit.selectors import can_read_audit
from shigan.audit.services import (
    _canonical_bytes,
    audit_record,
    content_digest,
    entry_content,
)

__all__ = ["audit_export", "export_verify", "ExportCheck", "MAX_EXPORT_DAYS"]

MAX_EXPORT_DAYS = 366
_PURPOSE = b"shigan audit export v1"


def _export_key() -> bytes:
    """A key of its own for exports, derived from the audit key (one secret to keep)."""
    return hmac.digest(audit_key(), _PURPOSE, "sha256")


def _check_period(since: datetime.date, until: datetime.date) -> None:
    if since > until:
        raise AuditError(
            _("开始日期不能晚于结束日期。"), code=ErrorCode.INVALID_PERIOD, field="since"
        )
    if (until - since).days >= MAX_EXPORT_DAYS:
        raise AuditError(
            _("一次最多导出 %(n)d 天的审计记录。") % {"n": MAX_EXPORT_DAYS},
            code=ErrorCode.PERIOD_TOO_LONG,
            field="until",
        )


def _bounds(
    since: datetime.date, until: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    day_after = until + datetime.timedelta(days=1)
    start = datetime.datetime.combine(since, datetime.time.min, tzinfo=tz)
    return start, datetime.datetime.combine(day_after, datetime.time.min, tzinfo=tz)


def audit_export(
    *, actor: AbstractBaseUser | AnonymousUser, since: datetime.date, until: datetime.date
) -> Iterator[bytes]:
    """The signed file of the entries written from `since` to `until` (local days, inclusive),
    as chunks to stream. Only the audit administrator may export; the export is audited."""
    if not can_read_audit(actor):
        raise AuditError(_("只有审计管理员可以导出审计记录。"), code=ErrorCode.FORBIDDEN)
    _check_period(since, until)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="audit.exported",
            target_type="audit.auditentry",
            after={"since": since, "until": until},
        )
    start, end = _bounds(since, until)
    entries = AuditEntry.objects.filter(at__gte=start, at__lt=end).order_by("id")
    return _lines(entries, since, until, actor.get_username())


def _lines(
    entries: QuerySet[AuditEntry], since: datetime.date, until: datetime.date, exported_by: str
) -> Iterator[bytes]:
    mac = hmac.new(_export_key(), digestmod="sha256")
    count = first = last = 0
    for entry in entries.iterator(chunk_size=2000):
        line = _canonical_bytes({**entry_content(entry), "hash": entry.hash}) + b"\n"
        mac.update(line)
        count, last = count + 1, entry.seq
        first = first or entry.seq
        yield line
    meta = {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "count": count,
        "first_seq": first,
        "last_seq": last,
        "exported_by": exported_by,
        "exported_at": timezone.now().replace(microsecond=0).isoformat(),
    }
    mac.update(_canonical_bytes(meta))
    yield _canonical_bytes({"export": meta, "signature": mac.hexdigest()}) + b"\n"


@dataclass(frozen=True)
class ExportCheck:
    ok: bool
    count: int
    problem: str = ""  # in Chinese, naming the line
    meta: dict[str, Any] | None = None


def export_verify(data: bytes) -> ExportCheck:
    """Check a file made by `audit_export` under this installation's audit key."""
    lines = data.splitlines(keepends=True)
    if not lines:
        return ExportCheck(False, 0, _("文件为空。"))
    try:
        closing = orjson.loads(lines[-1])
        meta, signature = closing["export"], str(closing["signature"])
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return ExportCheck(False, 0, _("文件末行不是签名行（文件被截断或不是审计导出文件）。"))
    body = lines[:-1]
    mac = hmac.new(_export_key(), digestmod="sha256")
    for line in body:
        mac.update(line)
    mac.update(_canonical_bytes(meta))
    if not hmac.compare_digest(mac.hexdigest(), signature):
        return ExportCheck(False, 0, _("签名不符：文件内容被改动、增删或截断。"), meta)
    if meta.get("count") != len(body):
        return ExportCheck(False, len(body), _("记录条数与签名行不符。"), meta)
    return _check_entries(body, meta)


def _check_entries(body: list[bytes], meta: dict[str, Any]) -> ExportCheck:
    """Each entry's own hash, and its link to the entry before it in the same chain (entries
    of several chains interleave in the file, in the order they were written)."""
    key, prev = audit_key(), dict[int, str]()
    for number, line in enumerate(body, start=1):
        content = orjson.loads(line)
        stored = content.pop("hash", "")
        shard = content.get("shard", 0)
        problem = ""
        if content_digest(content, key) != stored:
            problem = _("第 %(n)d 行的记录哈希不符。") % {"n": number}
        elif shard in prev and content["prev_hash"] != prev[shard]:
            problem = _("第 %(n)d 行与同一条链的上一行不相连。") % {"n": number}
        if problem:
            return ExportCheck(False, number - 1, problem, meta)
        prev[shard] = stored
    return ExportCheck(True, len(body), meta=meta)
