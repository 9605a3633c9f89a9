"""person_bulk_create: the rules of person_create, all or nothing, one audit entry each."""

import pytest

from shigan.audit.models import AuditEntry
from shigan.orgs.models import Person
from shigan.orgs.services import BulkRejected, PersonDraft, person_bulk_create

pytestmark = pytest.mark.django_db


def test_people_are_created_with_their_audit_entries(units, make_user):
    editor = make_user("editor", units["own"])
    drafts = [
        PersonDraft(units["own"], " 巴特尔 ", "county", "旗委书记"),
        PersonDraft(units["child"], "乌云", "section"),
    ]
    outcome = person_bulk_create(actor=editor, drafts=drafts)
    people = Person.objects.filter(pk__in=outcome.created.values()).order_by("pk")
    assert [(p.name, p.unit, p.rank, p.post) for p in people] == [
        ("巴特尔", units["own"], "county", "旗委书记"),
        ("乌云", units["child"], "section", ""),
    ]
    entry = AuditEntry.objects.get(action="orgs.person.created", target_id=str(people[0].pk))
    assert entry.actor == editor and entry.target_repr == "巴特尔（旗委书记）"
    assert entry.after == {
        "name": "巴特尔",
        "unit": units["own"].pk,
        "rank": "county",
        "post": "旗委书记",
        "phone": "",
        "active": True,
    }


def test_one_bad_draft_writes_nothing_unless_skipped(units, make_user):
    editor = make_user("editor", units["own"])
    drafts = [
        PersonDraft(units["own"], "巴特尔", "county"),
        PersonDraft(units["own"], "", "county"),
        PersonDraft(units["own"], "孟和", "general"),
        PersonDraft(units["sibling"], "其木格", "county"),
    ]
    with pytest.raises(BulkRejected) as exc:
        person_bulk_create(actor=editor, drafts=drafts)
    codes = {i: e.code for i, e in exc.value.errors.items()}
    assert codes == {1: "name_required", 2: "invalid_rank", 3: "forbidden"}
    assert not Person.objects.exists()
    outcome = person_bulk_create(actor=editor, drafts=drafts, skip_invalid=True)
    assert list(outcome.created) == [0] and set(outcome.errors) == {1, 2, 3}
    assert list(Person.objects.values_list("name", flat=True)) == ["巴特尔"]
