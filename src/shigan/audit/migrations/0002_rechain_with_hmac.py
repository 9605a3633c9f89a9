"""Issue 16: the chain becomes HMAC-SHA256 under the audit key (outside the database).

Existing entries (demo data) are checked against their old unkeyed SHA-256 chain first and then
re-chained under the key; a chain that no longer verifies is not laundered into a valid one:
the migration stops and says where it breaks."""

import hashlib
import hmac

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations

_DEFAULT = DjangoJSONEncoder().default


def _content(entry, prev_hash):
    return orjson.dumps(
        {
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
            "prev_hash": prev_hash,
        },
        default=_DEFAULT,
        option=orjson.OPT_SORT_KEYS,
    )


def rechain(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    AuditHead = apps.get_model("audit", "AuditHead")
    if not AuditEntry.objects.exists():
        return
    from shigan.audit.keys import audit_key

    key = audit_key()
    old_prev = new_prev = "0" * 64
    expected, batch = 1, []
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        old = hashlib.sha256(_content(entry, old_prev)).hexdigest()
        if entry.seq != expected or entry.prev_hash != old_prev or entry.hash != old:
            raise RuntimeError(
                f"审计记录在序号 {expected} 处已不完整或被改动，不能重新计算哈希链；"
                "请先用 shigan audit verify 查明原因。"
            )
        old_prev, expected = entry.hash, expected + 1
        entry.prev_hash = new_prev
        entry.hash = new_prev = hmac.digest(key, _content(entry, new_prev), "sha256").hex()
        batch.append(entry)
        if len(batch) >= 2000:
            AuditEntry.objects.bulk_update(batch, ["prev_hash", "hash"])
            batch = []
    AuditEntry.objects.bulk_update(batch, ["prev_hash", "hash"])
    AuditHead.objects.filter(pk=1).update(hash=new_prev)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(rechain, migrations.RunPython.noop)]
