"""The roster's write path: one check of a person for the one-by-one and the bulk services,
updates, deactivation, audit; and the same for units (issue 13, point 9)."""

import pytest

from shigan.audit.models import AuditEntry
from shigan.orgs.choices import PersonRank, UnitKind
from shigan.orgs.models import Person, Unit
from shigan.orgs.services import (
    BulkRejected,
    OrgError,
    PersonDraft,
    UnitDraft,
    person_bulk_create,
    person_create,
    person_deactivate,
    person_reactivate,
    person_update,
    unit_bulk_create,
    unit_create,
)

pytestmark = pytest.mark.django_db


def _error(exc: OrgError) -> tuple:
    return (exc.code, exc.field, exc.message)


BAD_PEOPLE = [
    # (name, rank, post, phone, unit key): each breaks one rule
    ("  ", PersonRank.COUNTY, "", "", "own"),
    ("巴" * 51, PersonRank.COUNTY, "", "", "own"),
    ("巴特尔", PersonRank.COUNTY, "职" * 101, "", "own"),
    ("巴特尔", "general", "", "", "own"),
    ("巴特尔", PersonRank.COUNTY, "", "12345", "own"),
    ("巴特尔", PersonRank.COUNTY, "", "8234567", "own"),
    ("巴特尔", PersonRank.COUNTY, "", "", "sibling"),
]


def test_single_and_bulk_person_checks_give_the_same_errors(units, make_user):
    editor = make_user("editor", units["own"])
    single = []
    for name, rank, post, phone, unit in BAD_PEOPLE:
        with pytest.raises(OrgError) as exc:
            person_create(
                actor=editor, unit=units[unit], name=name, rank=rank, post=post, phone=phone
            )
        single.append(_error(exc.value))
    drafts = [PersonDraft(units[u], n, r, p, ph) for n, r, p, ph, u in BAD_PEOPLE]
    with pytest.raises(BulkRejected) as exc:
        person_bulk_create(actor=editor, drafts=drafts)
    bulk = [_error(exc.value.errors[i]) for i in range(len(BAD_PEOPLE))]
    assert bulk == single
    assert [e[:2] for e in single] == [
        ("name_required", "name"),
        ("name_too_long", "name"),
        ("post_too_long", "post"),
        ("invalid_rank", "rank"),
        ("invalid_phone", "phone"),
        ("invalid_phone", "phone"),
        ("forbidden", "unit"),
    ]
    assert "联系电话“12345”" in single[4][2]
    assert not Person.objects.exists()
    assert not AuditEntry.objects.filter(action="orgs.person.created").exists()


def test_phone_is_stored_in_one_spelling_and_initials_are_spelt(units, make_user):
    editor = make_user("editor", units["own"])
    person = person_create(
        actor=editor,
        unit=units["own"],
        name="孟和巴雅尔",
        rank=PersonRank.SECTION,
        phone="（０４７９）８２３４５６７",
    )
    bulk = person_bulk_create(
        actor=editor,
        drafts=[PersonDraft(units["own"], "长青", PersonRank.OTHER, phone="+86 139 1234 5678")],
    )
    other = Person.objects.get(pk=bulk.created[0])
    person.refresh_from_db()
    assert (person.phone, person.initials, person.active) == ("0479-8234567", "mhbye", True)
    assert other.phone == "13912345678"
    assert {other.initials, other.initials_alt} == {"cq", "zq"}  # 长 read both ways


def test_update_moves_and_audits(units, make_user):
    editor = make_user("editor", units["own"])
    person = person_create(actor=editor, unit=units["own"], name="乌云", rank=PersonRank.SECTION)
    person_update(
        actor=editor,
        person=person,
        name="乌云其其格",
        rank=PersonRank.COUNTY,
        post="副旗长",
        phone="13812345678",
        unit=units["child"],
    )
    person.refresh_from_db()
    assert (person.name, person.unit, person.post, person.phone, person.initials) == (
        "乌云其其格",
        units["child"],
        "副旗长",
        "13812345678",
        "wyqqg",
    )
    entry = AuditEntry.objects.get(action="orgs.person.updated", target_id=str(person.pk))
    assert entry.before["name"] == "乌云" and entry.after["unit"] == units["child"].pk
    with pytest.raises(OrgError) as exc:
        person_update(actor=editor, person=person, name="乌云", rank="x", unit=units["child"])
    assert exc.value.field == "rank"
    with pytest.raises(OrgError) as exc:
        person_update(
            actor=editor, person=person, name="乌云", rank="county", unit=units["sibling"]
        )
    assert exc.value.code == "forbidden"
    person.refresh_from_db()
    assert person.name == "乌云其其格"


def test_deactivate_and_reactivate(units, make_user):
    editor = make_user("editor", units["own"])
    viewer = make_user("viewer", units["own"])
    person = person_create(actor=editor, unit=units["own"], name="乌云", rank=PersonRank.SECTION)
    with pytest.raises(OrgError):
        person_deactivate(actor=viewer, person=person)
    person_deactivate(actor=editor, person=person)
    assert not Person.objects.get(pk=person.pk).active
    with pytest.raises(OrgError) as exc:
        person_deactivate(actor=editor, person=person)
    assert exc.value.code == "unchanged"
    person_reactivate(actor=editor, person=person)
    assert Person.objects.get(pk=person.pk).active
    actions = list(
        AuditEntry.objects.filter(target_id=str(person.pk), action__startswith="orgs.person")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["orgs.person.created", "orgs.person.deactivated", "orgs.person.reactivated"]


BAD_UNITS = [
    # (name, kind, short name, division code, parent key)
    ("", UnitKind.DEPARTMENT, "", None, "own"),
    ("部" * 101, UnitKind.DEPARTMENT, "", None, "own"),
    ("宣传部", "ministry", "", None, "own"),
    ("宣传部", UnitKind.DEPARTMENT, "宣" * 51, None, "own"),
    ("宣传部", UnitKind.DEPARTMENT, "", "1525220000001", "own"),
    ("宣传部", UnitKind.DEPARTMENT, "", None, "sibling"),
    ("child", UnitKind.DEPARTMENT, "", None, "own"),  # the name of an existing child
]


def test_single_and_bulk_unit_checks_give_the_same_errors(units, make_user):
    admin = make_user("admin", units["own"])
    rows = [(units["child"].name if n == "child" else n, *rest) for n, *rest in BAD_UNITS]
    single = []
    for name, kind, short, code, parent in rows:
        with pytest.raises(OrgError) as exc:
            unit_create(
                actor=admin,
                parent=units[parent],
                name=name,
                kind=kind,
                short_name=short,
                division_code=code,
            )
        single.append(_error(exc.value))
    drafts = [UnitDraft(units[p], n, k, s, c) for n, k, s, c, p in rows]
    before = Unit.objects.count()
    with pytest.raises(BulkRejected) as exc:
        unit_bulk_create(actor=admin, drafts=drafts)
    bulk = [_error(exc.value.errors[i]) for i in range(len(rows))]
    assert bulk == single
    assert [e[0] for e in single] == [
        "name_required",
        "name_too_long",
        "invalid_kind",
        "short_name_too_long",
        "bad_code",
        "forbidden",
        "duplicate_name",
    ]
    assert Unit.objects.count() == before
