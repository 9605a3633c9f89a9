import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.urls import reverse

from shigan.accounts.system import system_actor
from shigan.audit.guard import guard_dropped
from shigan.audit.models import AuditEntry
from shigan.audit.selectors import audit_verify
from shigan.audit.services import audit_record
from shigan.orgs.choices import Role
from shigan.orgs.services import unit_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_changes(units, make_user):
    admin = make_user(Role.ADMIN, units["own"])
    for short in ("阿旗", "阿巴嘎", "阿巴嘎旗"):
        unit_update(
            actor=admin,
            unit=units["own"],
            name=units["own"].name,
            short_name=short,
            kind=units["own"].kind,
        )
    return list(AuditEntry.objects.filter(action="orgs.unit.updated").order_by("seq"))


def test_chain_verifies_when_untouched(three_changes, capsys):
    assert audit_verify().ok
    call_command("audit", "verify")
    assert "审计记录完好" in capsys.readouterr().out


def test_entry_changed_behind_the_products_back_is_found(three_changes):
    victim = three_changes[1]
    with guard_dropped(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET actor_name = %s WHERE seq = %s", ["intruder", victim.seq]
        )
    result = audit_verify()
    assert not result.ok and result.first_bad_seq == victim.seq and result.problem == "altered"
    with pytest.raises(CommandError, match=f"序号 {victim.seq} 的记录内容被改动"):
        call_command("audit", "verify")


def test_entry_deleted_behind_the_products_back_is_found(three_changes):
    victim = three_changes[1]
    with guard_dropped(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = %s", [victim.seq])
    result = audit_verify()
    assert not result.ok and result.first_bad_seq == victim.seq and result.problem == "missing"


def test_last_entry_deleted_is_found(three_changes):
    with guard_dropped(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = %s", [three_changes[-1].seq])
    assert not audit_verify().ok


def test_rehashed_forgery_breaks_the_link_to_the_next_entry(three_changes):
    """Recomputing the altered entry's own hash is not enough: the next entry points at the old."""
    from shigan.audit.services import entry_digest

    victim = AuditEntry.objects.get(seq=three_changes[0].seq)
    victim.actor_name = "intruder"
    victim.hash = entry_digest(victim)
    with guard_dropped(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET actor_name = %s, hash = %s WHERE seq = %s",
            ["intruder", victim.hash, victim.seq],
        )
    result = audit_verify()
    assert not result.ok and result.first_bad_seq == victim.seq + 1


def test_product_refuses_to_update_or_delete_entries(three_changes):
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(seq=three_changes[0].seq).update(actor_name="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_audit_record_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        audit_record(
            actor=system_actor("test"), action="orgs.unit.created", target_type="x", target_id="1"
        )


def test_unregistered_action_is_refused():
    with transaction.atomic(), pytest.raises(ValueError):
        audit_record(actor=system_actor("test"), action="no.such.action")


def test_only_the_auditor_reads_the_trail(client, three_changes, make_user, units):
    client.force_login(make_user(Role.ADMIN, units["region"]))
    assert client.get(reverse("audit:entry_list")).status_code == 404
    client.force_login(make_user(system_role="auditor"))
    body = client.get(reverse("audit:entry_list")).content.decode()
    assert "修改单位" in body and "orgs.unit.updated" in body
