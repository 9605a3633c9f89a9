"""Writes on the roster (people of a unit). One check of a draft serves the one-by-one and the
bulk services."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from shigan.accounts.models import User
from shigan.audit.services import AuditItem, audit_record, audit_record_many
from shigan.core.bulk import bulk_insert, reserve_ids
from shigan.core.edits import refuse_edited_elsewhere
from shigan.core.errors import FieldCode
from shigan.core.spreadsheets.values import names_text
from shigan.orgs.choices import PersonRank
from shigan.orgs.errors import ErrorCode
from shigan.orgs.models import Person, Unit
from shigan.orgs.names import split_title
from shigan.orgs.permissions import user_can
from shigan.orgs.phones import invalid_phone_message, normalize_phone
from shigan.orgs.services.common import (
    BulkOutcome,
    BulkRejected,
    OrgError,
    _initials,
    _unit_forbidden,
)

__all__ = [
    "PersonDraft",
    "person_create",
    "person_update",
    "person_deactivate",
    "person_reactivate",
    "person_bulk_create",
]


@dataclass
class PersonDraft:
    unit: Unit
    name: str
    rank: str
    post: str = ""
    phone: str = ""


_PERSON_LIMITS = (("name", 50, _lazy("姓名")), ("post", 100, _lazy("职务")))


def _check_name(name: str) -> None:
    """A person's name alone: not blank, no post written in front of it ("旗委书记巴特尔"), not
    a post instead of it ("党组书记")."""
    if not name:
        raise OrgError(_("姓名不能为空。"), code=ErrorCode.NAME_REQUIRED, field="name")
    post, bare = split_title(name)
    if post and bare:
        raise OrgError(
            _("“%(value)s”以职务“%(post)s”开头，姓名一栏只填姓名（%(name)s），职务填在“职务”一栏。")
            % {"value": name, "post": post, "name": bare},
            code=ErrorCode.NAME_WITH_POST,
            field="name",
        )
    if post:
        raise OrgError(
            _("“%(name)s”是职务，不是姓名，请只填写姓名。") % {"name": name},
            code=ErrorCode.NAME_WITH_POST,
            field="name",
        )


def _check_person(actor: User, draft: PersonDraft, allowed: dict[int, bool]) -> None:
    """Clean `draft` in place, or raise the OrgError naming the field that breaks a rule.
    `allowed` caches, per unit, whether the actor may record there."""
    draft.name, draft.post = names_text(draft.name or ""), (draft.post or "").strip()
    _check_name(draft.name)
    for key, limit, label in _PERSON_LIMITS:
        if len(getattr(draft, key)) > limit:
            raise OrgError(
                _("%(field)s不能超过 %(n)d 个字。") % {"field": label, "n": limit},
                code=FieldCode.too_long(key),
                field=key,
            )
    if draft.rank not in PersonRank.values:
        raise OrgError(_("职级无效。"), code=ErrorCode.INVALID_RANK, field="rank")
    phone = normalize_phone(draft.phone)
    if phone is None:
        raise OrgError(
            _("联系电话%(problem)s") % {"problem": invalid_phone_message(draft.phone)},
            code=ErrorCode.INVALID_PHONE,
            field="phone",
        )
    draft.phone = phone
    unit = draft.unit
    if unit.pk not in allowed:
        allowed[unit.pk] = user_can(actor, "record", unit)
    if not allowed[unit.pk]:
        raise _unit_forbidden(unit)


def _person_snapshot(person: "Person | PersonDraft") -> dict[str, object]:
    return {
        "name": person.name,
        "unit": person.unit_id if isinstance(person, Person) else person.unit.pk,
        "rank": person.rank,
        "post": person.post,
        "phone": person.phone,
        "active": getattr(person, "active", True),
    }


def _person_label(name: str, post: str) -> str:
    return f"{name}（{post}）" if post else name


@transaction.atomic
def person_create(
    *,
    actor: User,
    unit: Unit,
    name: str,
    rank: str,
    post: str = "",
    phone: str = "",
    user: User | None = None,
) -> Person:
    draft = PersonDraft(unit=unit, name=name, rank=rank, post=post or "", phone=phone or "")
    _check_person(actor, draft, {})
    person = Person(unit=unit, name=draft.name, rank=rank, post=draft.post, phone=draft.phone)
    person.user = user
    person.initials, person.initials_alt = _person_initials(draft.name)
    person.save()
    audit_record(
        actor=actor, action="orgs.person.created", target=person, after=_person_snapshot(person)
    )
    return person


@transaction.atomic
def person_update(
    *,
    actor: User,
    person: Person,
    name: str | None = None,
    rank: str | None = None,
    post: str | None = None,
    phone: str | None = None,
    unit: Unit | None = None,
    seen: Mapping[str, Any] | None = None,
) -> Person:
    """Change the given particulars (None: unchanged); `unit` moves them (the actor records at
    both units). `seen`, what the user's form showed, refuses a change over someone else's."""
    person = Person.objects.select_for_update().select_related("unit").get(pk=person.pk)
    if not user_can(actor, "record", person.unit):
        raise _unit_forbidden(person.unit)
    refuse_edited_elsewhere(person, seen)
    given = {"name": name, "rank": rank, "post": post, "phone": phone}
    draft = PersonDraft(
        unit or person.unit,
        **{key: getattr(person, key) if value is None else value for key, value in given.items()},
    )
    _check_person(actor, draft, {})
    before = _person_snapshot(person)
    person.unit, person.name, person.rank = draft.unit, draft.name, draft.rank
    person.post, person.phone = draft.post, draft.phone
    person.initials, person.initials_alt = _person_initials(draft.name)
    person.save()
    audit_record(
        actor=actor,
        action="orgs.person.updated",
        target=person,
        before=before,
        after=_person_snapshot(person),
    )
    return person


def _person_set_active(actor: User, person: Person, active: bool) -> Person:
    person = Person.objects.select_for_update().select_related("unit").get(pk=person.pk)
    if not user_can(actor, "record", person.unit):
        raise _unit_forbidden(person.unit)
    if person.active == active:
        message = _("%(name)s 已在册。") if active else _("%(name)s 已停用。")
        raise OrgError(message % {"name": person}, code=ErrorCode.UNCHANGED, field="active")
    before = _person_snapshot(person)
    person.active = active
    person.save(update_fields=["active"])
    audit_record(
        actor=actor,
        action="orgs.person.reactivated" if active else "orgs.person.deactivated",
        target=person,
        before=before,
        after=_person_snapshot(person),
    )
    return person


@transaction.atomic
def person_deactivate(*, actor: User, person: Person) -> Person:
    """Take a person off the roster (left, retired): their records stay, new ones cannot name
    them. Nobody is deleted, so history keeps its names."""
    return _person_set_active(actor, person, False)


@transaction.atomic
def person_reactivate(*, actor: User, person: Person) -> Person:
    return _person_set_active(actor, person, True)


def _person_initials(name: str) -> tuple[str, str]:
    plain, alt = _initials(name)
    return plain[:50], alt[:50]


_PERSON_COLUMNS = (
    "id",
    "name",
    "unit",
    "post",
    "rank",
    "user",
    "phone",
    "active",
    "initials",
    "initials_alt",
)


@transaction.atomic
def person_bulk_create(
    *, actor: User, drafts: Sequence[PersonDraft], skip_invalid: bool = False
) -> BulkOutcome:
    """Create many people at once; each draft is checked by `person_create`'s own check."""
    outcome = BulkOutcome()
    allowed: dict[int, bool] = {}
    order: list[int] = []
    for index, draft in enumerate(drafts):
        try:
            _check_person(actor, draft, allowed)
        except OrgError as error:
            outcome.errors[index] = error
            continue
        order.append(index)
    if outcome.errors and not skip_invalid:
        raise BulkRejected(outcome.errors)
    ids = reserve_ids(Person, len(order))
    rows, audit_items = [], []
    for pk, index in zip(ids, order, strict=True):
        draft = drafts[index]
        initials, initials_alt = _person_initials(draft.name)
        rows.append(
            (
                pk,
                draft.name,
                draft.unit.pk,
                draft.post,
                draft.rank,
                None,
                draft.phone,
                True,
                initials,
                initials_alt,
            )
        )
        label = _person_label(draft.name, draft.post)
        audit_items.append(AuditItem("orgs.person", str(pk), label, None, _person_snapshot(draft)))
        outcome.created[index] = pk
    bulk_insert(Person, _PERSON_COLUMNS, rows)
    audit_record_many(actor=actor, action="orgs.person.created", items=audit_items)
    return outcome
