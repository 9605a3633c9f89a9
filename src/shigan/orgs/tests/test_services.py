import pytest
from django.db import connection

from shigan.audit.models import AuditEntry
from shigan.core.errors import DomainError
from shigan.orgs import services
from shigan.orgs.choices import Role, UnitKind
from shigan.orgs.models import Membership, Unit

pytestmark = pytest.mark.django_db


def audit_count(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


def test_unit_create_writes_unit_and_exactly_one_audit_entry(units, make_user):
    admin = make_user(Role.ADMIN, units["own"])
    before = audit_count("orgs.unit.created")
    dept = services.unit_create(
        actor=admin, parent=units["own"], name="阿巴嘎旗委组织部", kind=UnitKind.DEPARTMENT
    )
    assert Unit.objects.get_parent(dept) == units["own"]
    assert dept.division_code is None
    assert audit_count("orgs.unit.created") == before + 1
    entry = AuditEntry.objects.get(action="orgs.unit.created", target_id=str(dept.pk))
    assert entry.actor == admin and entry.after["name"] == "阿巴嘎旗委组织部"
    units["own"].refresh_from_db()
    assert Unit.objects.get_children(units["own"]).filter(pk=dept.pk).exists()


def test_failing_service_leaves_neither_unit_nor_audit_entry(units, make_user, monkeypatch):
    admin = make_user(Role.ADMIN, units["own"])
    units_before, audit_before = Unit.objects.count(), AuditEntry.objects.count()

    def broken_audit(**kwargs):
        raise RuntimeError("audit storage failed")

    monkeypatch.setattr(services.units, "audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        services.unit_create(actor=admin, parent=units["own"], name="临时部门", kind="department")
    assert Unit.objects.count() == units_before
    assert AuditEntry.objects.count() == audit_before


def test_unit_create_refuses_duplicate_sibling_name_and_writes_nothing(units, make_user):
    admin = make_user(Role.ADMIN, units["own"])
    existing = units["child"].name
    audit_before = AuditEntry.objects.count()
    with pytest.raises(DomainError) as exc:
        services.unit_create(actor=admin, parent=units["own"], name=existing, kind="department")
    assert exc.value.code == "duplicate_name" and existing in exc.value.message
    assert AuditEntry.objects.count() == audit_before


def test_unit_create_outside_scope_is_refused(units, make_user):
    admin = make_user(Role.ADMIN, units["own"])
    with pytest.raises(DomainError) as exc:
        services.unit_create(actor=admin, parent=units["sibling"], name="某部门", kind="department")
    assert exc.value.code == "forbidden"


def test_editor_cannot_create_units(units, make_user):
    editor = make_user(Role.EDITOR, units["own"])
    with pytest.raises(DomainError):
        services.unit_create(actor=editor, parent=units["own"], name="某部门", kind="department")


def test_unit_move_moves_the_whole_subtree(units, make_user):
    region_admin = make_user(Role.ADMIN, units["region"])
    sumu, gacha = units["child"], units["grandchild"]
    subtree_size = Unit.objects.subtree_of(sumu).count()
    moved = services.unit_move(actor=region_admin, unit=sumu, new_parent=units["sibling"])
    gacha.refresh_from_db()
    assert Unit.objects.get_parent(moved) == units["sibling"]
    assert Unit.objects.get_parent(gacha) == moved
    assert Unit.objects.subtree_of(moved).count() == subtree_size
    assert Unit.objects.subtree_of(units["sibling"]).filter(pk=gacha.pk).exists()
    assert not Unit.objects.subtree_of(units["own"]).filter(pk=gacha.pk).exists()
    assert audit_count("orgs.unit.moved") == 1
    # The league holds both the old and the new parent: the tree a move can break (the whole
    # region's 16,000 units are checked node by node, a minute and a half for nothing more).
    assert Unit.objects.find_problems(parent=units["parent"]) == ([], [], [], [], [])


def test_unit_move_under_own_descendant_is_refused_with_clear_message(units, make_user):
    admin = make_user(Role.ADMIN, units["region"])
    paths_before = list(Unit.objects.subtree_of(units["own"]).values_list("path", flat=True))
    with pytest.raises(DomainError) as exc:
        services.unit_move(actor=admin, unit=units["own"], new_parent=units["grandchild"])
    assert exc.value.code == "move_into_descendant"
    assert "下级单位" in exc.value.message and units["own"].name in exc.value.message
    assert (
        list(Unit.objects.subtree_of(units["own"]).values_list("path", flat=True)) == paths_before
    )
    assert audit_count("orgs.unit.moved") == 0


def test_membership_grant_and_revoke_each_write_one_audit_entry(units, make_user):
    admin = make_user(Role.ADMIN, units["parent"])
    someone = make_user()
    membership = services.membership_grant(
        actor=admin, user=someone, unit=units["own"], role=Role.EDITOR
    )
    assert audit_count("orgs.membership.granted") == 2  # the fixture's grant and this one
    services.membership_revoke(actor=admin, membership=membership)
    assert audit_count("orgs.membership.revoked") == 1
    assert not Membership.objects.filter(user=someone).exists()


def test_unit_admin_cannot_grant_outside_subtree(units, make_user):
    admin = make_user(Role.ADMIN, units["own"])
    someone = make_user()
    with pytest.raises(DomainError):
        services.membership_grant(actor=admin, user=someone, unit=units["parent"], role="viewer")
    assert not Membership.objects.filter(user=someone).exists()


def test_editor_cannot_manage_memberships(units, make_user):
    editor = make_user(Role.EDITOR, units["own"])
    someone = make_user()
    with pytest.raises(DomainError):
        services.membership_grant(actor=editor, user=someone, unit=units["child"], role="viewer")


def test_restrict_covers_the_whole_subtree_and_nothing_else(units, make_user):
    viewer = make_user(Role.VIEWER, units["own"])
    visible = Unit.objects.restrict(viewer, "view")
    assert visible.count() == Unit.objects.subtree_of(units["own"]).count()
    for name in ("own", "child", "grandchild"):
        assert visible.filter(pk=units[name].pk).exists()
    for name in ("parent", "sibling", "unrelated", "region"):
        assert not visible.filter(pk=units[name].pk).exists()


def test_subtree_range_compares_paths_byte_by_byte():
    """`path >= p AND path < p_next` needs a byte-wise collation: C on PostgreSQL, SQLite's
    default BINARY (no COLLATE clause on the column)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT collation_name FROM information_schema.columns "
                "WHERE table_name = 'orgs_unit' AND column_name = 'path'"
            )
            assert cursor.fetchone()[0] == "C"
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'orgs_unit'")
            ddl = cursor.fetchone()[0]
            column = next(part for part in ddl.split(",") if '"path"' in part)
            assert "COLLATE" not in column.upper()


def test_person_create_requires_record_right(units, make_user):
    viewer = make_user(Role.VIEWER, units["own"])
    editor = make_user(Role.EDITOR, units["own"])
    with pytest.raises(DomainError):
        services.person_create(actor=viewer, unit=units["own"], name="张三", rank="county")
    person = services.person_create(
        actor=editor, unit=units["own"], name="张三", rank="county", post="旗委书记"
    )
    assert str(person) == "张三（旗委书记）"
