"""Issue 16 point 4, the rest: entries are kept (no path in the product, and the database
itself refuses UPDATE and DELETE), a checkpoint is written daily, and the audit administrator
exports a period as a signed file that `shigan audit verify-export` checks."""

import datetime

import orjson
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from shigan.accounts.choices import SystemRole
from shigan.audit.checkpoints import checkpoints_read
from shigan.audit.exports import audit_export, export_verify
from shigan.audit.models import AuditEntry
from shigan.audit.tasks import audit_checkpoint_daily
from shigan.core.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(make_user):
    for _ in range(4):
        make_user()  # each account created is an entry
    return list(AuditEntry.objects.order_by("seq"))


@pytest.fixture
def auditor(make_user):
    return make_user(username="auditor1", system_role=SystemRole.AUDITOR)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditentry SET actor_name = 'x' WHERE seq = %s",
        "DELETE FROM audit_auditentry WHERE seq = %s",
    ],
)
def test_the_database_refuses_to_change_or_delete_an_entry(entries, statement):
    refused = pytest.raises(DatabaseError, match="audit entries are kept")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [entries[1].seq])
    assert AuditEntry.objects.get(seq=entries[1].seq).actor_name == entries[1].actor_name


def test_no_model_path_changes_or_deletes_an_entry(entries):
    entry = entries[0]
    with pytest.raises(PermissionError):
        entry.delete()
    entry.actor_name = "x"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.count() == len(entries)


def test_a_checkpoint_is_scheduled_daily(entries, django_capture_on_commit_callbacks):
    schedule = django_settings.CELERY_BEAT_SCHEDULE["shigan-audit-checkpoint-daily"]
    assert schedule["task"] == "shigan.audit_checkpoint_daily"
    assert schedule["schedule"].hour == {0}
    with django_capture_on_commit_callbacks(execute=True):
        audit_checkpoint_daily.delay()
    assert checkpoints_read()[-1].seq == entries[-1].seq


def _export(auditor, tmp_path, days=1):
    today = timezone.localdate()
    since = today - datetime.timedelta(days=days)
    data = b"".join(audit_export(actor=auditor, since=since, until=today))
    path = tmp_path / "export.jsonl"
    path.write_bytes(data)
    return path, data


def test_the_export_verifies_and_is_audited(entries, auditor, tmp_path, capsys):
    path, data = _export(auditor, tmp_path)
    lines = data.splitlines()
    exported = [orjson.loads(line)["seq"] for line in lines[:-1]]
    assert exported == list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert AuditEntry.objects.filter(action="audit.exported", actor=auditor).exists()
    call_command("audit", "verify-export", str(path))
    assert f"共 {len(exported)} 条" in capsys.readouterr().out


def _forged(data: bytes, how: str) -> bytes:
    lines = data.splitlines(keepends=True)
    if how == "edit":
        lines[1] = lines[1].replace(b'"actor_name":"', b'"actor_name":"x')
    elif how == "delete":
        del lines[1]
    elif how == "truncate":
        lines = lines[:-2]
    elif how == "resign":  # a forger without the key signs the edited file with another key
        closing = orjson.loads(lines[-1])
        closing["signature"] = "0" * 64
        lines[1] = lines[1].replace(b'"actor_name":"', b'"actor_name":"x')
        lines[-1] = orjson.dumps(closing) + b"\n"
    return b"".join(lines)


@pytest.mark.parametrize("how", ["edit", "delete", "truncate", "resign"])
def test_a_forged_export_is_refused(entries, auditor, tmp_path, how):
    path, data = _export(auditor, tmp_path)
    assert export_verify(data).ok
    path.write_bytes(_forged(data, how))
    assert not export_verify(path.read_bytes()).ok
    with pytest.raises(CommandError, match="导出文件校验失败"):
        call_command("audit", "verify-export", str(path))


def test_only_the_auditor_exports(entries, make_user):
    from shigan.accounts.choices import SystemRole

    for role in (SystemRole.NONE, SystemRole.SYSTEM_ADMIN, SystemRole.SECURITY_ADMIN):
        user = make_user(system_role=role)
        with pytest.raises(DomainError, match="只有审计管理员"):
            audit_export(actor=user, since=timezone.localdate(), until=timezone.localdate())


def test_export_page_downloads_a_signed_file(entries, auditor, client):
    client.force_login(auditor)
    today = timezone.localdate().isoformat()
    response = client.get("/audit/export/", {"since": today, "until": today})
    assert response.status_code == 200
    # The trail names people and addresses: no shared cache keeps it (found by a probe).
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    # the one download path (core.downloads): an attachment, never sniffed, streamed
    assert response["X-Content-Type-Options"] == "nosniff"
    name = f"audit-{today.replace('-', '')}-{today.replace('-', '')}.jsonl"
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{name}"
    assert response.streaming
    data = b"".join(response.streaming_content)
    assert export_verify(data).ok
    bad = client.get("/audit/export/", {"since": today, "until": "2000-01-01"})
    assert bad.status_code == 400 and "开始日期不能晚于结束日期" in bad.content.decode()
