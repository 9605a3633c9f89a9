"""Writes on the unit tree, people and roles. Each runs in one transaction with its audit entry."""

import logging
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from shigan.audit.services import AuditItem, audit_record, audit_record_many
from shigan.core.bulk import bulk_insert, reserve_ids
from shigan.core.errors import DomainError, RowsRejected
from shigan.core.versions import versions_touch
from shigan.metrics.engine import facts_move_subtree, metric_changes, unit_ancestor_ids
from shigan.orgs.choices import PersonRank, Role, UnitKind
from shigan.orgs.models import Membership, Person, Unit
from shigan.orgs.phones import normalize_phone
from shigan.orgs.pinyin import name_initials
from shigan.orgs.scoping import ALL, path_upper, user_scope_paths

logger = logging.getLogger(__name__)

__all__ = [
    "OrgError",
    "membership_sync_mapped",
    "unit_create",
    "unit_update",
    "unit_move",
    "membership_grant",
    "membership_revoke",
    "person_create",
    "person_update",
    "person_deactivate",
    "person_reactivate",
    "user_can",
    "UnitDraft",
    "MembershipDraft",
    "BulkOutcome",
    "BulkRejected",
    "unit_bulk_create",
    "membership_bulk_grant",
    "PersonDraft",
    "person_bulk_create",
]


class OrgError(DomainError):
    pass


def user_can(user, action: str, unit: Unit) -> bool:
    """Whether `user` may `action` on `unit` (a role on the unit or one of its ancestors)."""
    if user is None:  # the system itself: CLI, demo loader, importers run by an operator
        return True
    paths = user_scope_paths(user, action)
    return paths is ALL or any(unit.path.startswith(p) for p in paths)


def _require(user, action: str, unit: Unit) -> None:
    if not user_can(user, action, unit):
        raise OrgError(_("您没有在“%(unit)s”进行此操作的权限。") % {"unit": unit}, code="forbidden")


def _unit_snapshot(unit: Unit) -> dict:
    return {
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "division_code": unit.division_code,
        "path": unit.path,
        "active": unit.active,
        "sort_order": unit.sort_order,
    }


def _clean_name(name: str, field: str = "name") -> str:
    name = (name or "").strip()
    if not name:
        raise OrgError(_("单位名称不能为空。"), code="name_required", field=field)
    if len(name) > 100:
        raise OrgError(_("单位名称不能超过 100 个字。"), code="name_too_long", field=field)
    return name


def _clean_unit_fields(
    name: str, kind: str, short_name: str = "", division_code: str | None = None
) -> tuple[str, str]:
    """The checks of a unit's own fields, shared by the one-by-one and the bulk services;
    returns the cleaned name and short name."""
    name = _clean_name(name)
    if kind not in UnitKind.values:
        raise OrgError(_("单位类型无效。"), code="invalid_kind", field="kind")
    short_name = (short_name or "").strip()
    if len(short_name) > 50:
        raise OrgError(_("简称不能超过 50 个字。"), code="short_name_too_long", field="short_name")
    if division_code and len(division_code) > 12:
        raise OrgError(_("行政区划代码应为 12 位数字。"), code="bad_code", field="division_code")
    return name, short_name


def _parent_forbidden(parent) -> OrgError:
    return OrgError(
        _("您没有在“%(unit)s”进行此操作的权限。") % {"unit": parent},
        code="forbidden",
        field="parent",
    )


def _duplicate_name(parent_label, name: str) -> OrgError:
    return OrgError(
        _("“%(parent)s”下已有名为“%(name)s”的单位。") % {"parent": parent_label, "name": name},
        code="duplicate_name",
        field="name",
    )


def _check_sibling_name(parent: Unit | None, name: str, exclude: Unit | None = None) -> None:
    siblings = Unit.objects.get_children(parent) if parent else Unit.objects.get_root_nodes()
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude.pk)
    if siblings.filter(name=name).exists():
        raise _duplicate_name(parent or _("顶层"), name)


@transaction.atomic
def unit_create(
    *,
    actor,
    parent: Unit | None,
    name: str,
    kind: str,
    short_name: str = "",
    division_code: str | None = None,
    sort_order: int = 0,
) -> Unit:
    name, short_name = _clean_unit_fields(name, kind, short_name, division_code)
    if parent is None and actor is not None and not actor.is_superuser:
        raise OrgError(_("只有系统管理员可以创建顶层单位。"), code="forbidden")
    if parent is not None:
        parent = Unit.objects.select_for_update().get(pk=parent.pk)
        if not user_can(actor, "change", parent):
            raise _parent_forbidden(parent)
    _check_sibling_name(parent, name)
    unit = Unit(
        name=name,
        short_name=short_name,
        kind=kind,
        division_code=division_code or None,
        sort_order=sort_order,
    )
    unit.initials, unit.initials_alt = name_initials(name)
    unit = (
        Unit.objects.add_child(parent, instance=unit)
        if parent
        else Unit.objects.add_root(instance=unit)
    )
    audit_record(actor=actor, action="orgs.unit.created", target=unit, after=_unit_snapshot(unit))
    return unit


@transaction.atomic
def unit_update(
    *, actor, unit: Unit, name: str, short_name: str = "", kind: str, active: bool = True
) -> Unit:
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    _require(actor, "change", unit)
    before = _unit_snapshot(unit)
    name, short_name = _clean_unit_fields(name, kind, short_name)
    if name != unit.name:
        _check_sibling_name(Unit.objects.get_parent(unit), name, exclude=unit)
    unit.name, unit.short_name, unit.kind, unit.active = name, short_name, kind, active
    unit.initials, unit.initials_alt = name_initials(name)
    unit.save(update_fields=["name", "short_name", "kind", "active", "initials", "initials_alt"])
    audit_record(
        actor=actor,
        action="orgs.unit.updated",
        target=unit,
        before=before,
        after=_unit_snapshot(unit),
    )
    return unit


@transaction.atomic
def unit_move(*, actor, unit: Unit, new_parent: Unit) -> Unit:
    """Move a unit, with its whole subtree, to the end of `new_parent`'s children."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    new_parent = Unit.objects.select_for_update().get(pk=new_parent.pk)
    _require(actor, "change", unit)
    _require(actor, "change", new_parent)
    if new_parent.path.startswith(unit.path):
        raise OrgError(
            _("不能把“%(unit)s”移到它自己或它的下级单位“%(target)s”之下。")
            % {"unit": unit, "target": new_parent},
            code="move_into_descendant",
            field="new_parent",
        )
    if Unit.objects.get_parent(unit) == new_parent:
        raise OrgError(_("“%(unit)s”已在该单位之下。") % {"unit": unit}, code="same_parent")
    _check_sibling_name(new_parent, unit.name)
    before = _unit_snapshot(unit)
    old_ancestors = unit_ancestor_ids(unit)[:-1]
    Unit.objects.move(unit, new_parent, pos="last-child")
    versions_touch(["orgs"])  # treebeard moves with queryset updates: no signal
    unit.refresh_from_db()
    facts_move_subtree(
        unit=unit, old_ancestor_ids=old_ancestors, new_ancestor_ids=unit_ancestor_ids(unit)[:-1]
    )
    audit_record(
        actor=actor,
        action="orgs.unit.moved",
        target=unit,
        before=before,
        after={**_unit_snapshot(unit), "parent": new_parent.pk},
    )
    return unit


def _check_grantee(user) -> None:
    """三员分立: the audit administrator reads the audit trail and holds no unit role."""
    if getattr(user, "is_auditor", False):
        raise OrgError(
            _("三员分立：审计管理员只能查看审计记录，不能在单位担任角色。"),
            code="separation",
            field="user",
        )


@transaction.atomic
def membership_grant(*, actor, user, unit: Unit, role: str) -> Membership:
    if role not in Role.values:
        raise OrgError(_("角色无效。"), code="invalid_role", field="role")
    _require(actor, "manage", unit)
    _check_grantee(user)
    if Membership.objects.filter(user=user, unit=unit, role=role).exists():
        raise OrgError(
            _("%(user)s 在“%(unit)s”已有“%(role)s”角色。")
            % {"user": user, "unit": unit, "role": Role(role).label},
            code="duplicate_membership",
        )
    with metric_changes(Membership) as changes:
        membership = Membership.objects.create(user=user, unit=unit, role=role)
        changes.created([membership.pk])
    audit_record(
        actor=actor,
        action="orgs.membership.granted",
        target=membership,
        after={"user": user.username, "unit": unit.pk, "role": role},
    )
    user.__dict__.pop("_shigan_scope", None)
    return membership


@transaction.atomic
def membership_revoke(*, actor, membership: Membership) -> None:
    _require(actor, "manage", membership.unit)
    if (
        actor is not None
        and not actor.is_superuser
        and membership.user_id == actor.pk
        and membership.role == Role.ADMIN
    ):
        raise OrgError(_("不能撤销自己的管理员角色，请由上级管理员操作。"), code="self_revoke")
    before = {"user": membership.user.username, "unit": membership.unit_id, "role": membership.role}
    audit_record(actor=actor, action="orgs.membership.revoked", target=membership, before=before)
    with metric_changes(Membership, [membership.pk]):
        membership.delete()
    membership.user.__dict__.pop("_shigan_scope", None)


# ---------------------------------------------------------------------------------------------
# Bulk writes, for importers: the same rules as the one-by-one services, checked row by row,
# then one bulk insert of the records and one of their audit entries.


@dataclass
class UnitDraft:
    """A unit to create. `parent` is a unit, or the index of an earlier draft of the same call."""

    parent: Unit | int
    name: str
    kind: str
    short_name: str = ""
    division_code: str | None = None
    sort_order: int = 0


@dataclass
class MembershipDraft:
    user: object
    unit: Unit
    role: str


@dataclass
class BulkOutcome:
    created: dict[int, int] = field(default_factory=dict)  # draft index → new pk
    errors: dict[int, OrgError] = field(default_factory=dict)  # draft index → why refused


class BulkRejected(RowsRejected, OrgError):
    """Some drafts break a rule and the caller asked for all or nothing: nothing was written."""

    def __init__(self, errors: dict[int, OrgError]):
        super().__init__(
            _("有 %(n)d 条记录不符合要求，全部未保存。") % {"n": len(errors)}, errors=errors
        )


_initials = lru_cache(maxsize=65536)(name_initials)

_UNIT_COLUMNS = (
    "id",
    "path",
    "depth",
    "numchild",
    "name",
    "short_name",
    "kind",
    "division_code",
    "division_level",
    "sort_order",
    "active",
    "initials",
    "initials_alt",
)


def _locked_parents(pks: list[int]) -> dict[int, tuple[str, int]]:
    parents: dict[int, tuple[str, int]] = {}
    for i in range(0, len(pks), 5000):
        chunk = pks[i : i + 5000]
        for pk, path, depth in (
            Unit.objects.select_for_update().filter(pk__in=chunk).values_list("pk", "path", "depth")
        ):
            parents[pk] = (path, depth)
    return parents


def _children_index(parent_paths: list[str]) -> tuple[dict[str, int], dict[str, set[str]]]:
    """For every parent path: the step after its last child, and its children's names."""
    next_step: dict[str, int] = {}
    names: dict[str, set[str]] = defaultdict(set)
    by_depth: dict[int, list[str]] = defaultdict(list)
    for p in parent_paths:
        by_depth[len(p) // Unit.steplen].append(p)
    for depth, paths in by_depth.items():
        wanted = set(paths)
        cut = depth * Unit.steplen
        if len(paths) <= 20:
            queries = [Unit.objects.filter(path__gt=p, path__lt=path_upper(p)) for p in paths]
        else:
            queries = [Unit.objects.filter(path__gt=min(paths), path__lt=path_upper(max(paths)))]
        for query in queries:
            for path, name in (
                query.filter(depth=depth + 1).values_list("path", "name").iterator(20000)
            ):
                prefix = path[:cut]
                if prefix not in wanted:
                    continue
                step = Unit._str2int(path[cut:]) + 1
                if step > next_step.get(prefix, 0):
                    next_step[prefix] = step
                names[prefix].add(name)
    return next_step, names


def _add_numchild(added: dict[str, int]) -> None:
    """numchild += n for the units at these paths (one statement on PostgreSQL)."""
    if not added:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Unit._meta.db_table} AS u SET numchild = u.numchild + v.n "
                "FROM unnest(%s::text[], %s::int[]) AS v(path, n) WHERE u.path = v.path",
                [list(added), list(added.values())],
            )
        return
    by_count: dict[int, list[str]] = defaultdict(list)
    for parent_path, n in added.items():
        by_count[n].append(parent_path)
    for n, paths in by_count.items():
        for i in range(0, len(paths), 500):
            Unit.objects.filter(path__in=paths[i : i + 500]).update(numchild=F("numchild") + n)


@transaction.atomic
def unit_bulk_create(
    *, actor, drafts: Sequence[UnitDraft], skip_invalid: bool = False
) -> BulkOutcome:
    """Create many units at once under existing units or under each other.

    Every draft is checked as `unit_create` would check it. With `skip_invalid` the valid drafts
    are written and the others reported; otherwise any invalid draft refuses the whole call
    (`BulkRejected`) before anything is written.
    """
    outcome = BulkOutcome()
    errors = outcome.errors
    parent_pks = sorted({d.parent.pk for d in drafts if isinstance(d.parent, Unit)})
    parents = _locked_parents(parent_pks)
    next_step, sibling_names = _children_index([p for p, _d in parents.values()])
    # Existing parent pk → (path, depth, whether the actor may add units under it).
    checked: dict[int, tuple[str, int, bool]] = {}
    placed: dict[int, tuple[str, int]] = {}  # draft index → (path, depth)
    new_children: Counter = Counter()  # parent path → children added
    order: list[int] = []
    steplen, pad, int2str = Unit.steplen, Unit.alphabet[0], Unit._int2str
    for index, draft in enumerate(drafts):
        parent = draft.parent
        try:
            name, short_name = _clean_unit_fields(
                draft.name, draft.kind, draft.short_name, draft.division_code
            )
            if isinstance(parent, Unit):
                parent_pk = parent.pk
                found = checked.get(parent_pk)
                if found is None:
                    if parent_pk not in parents:
                        raise OrgError(_("上级单位不存在。"), code="no_parent", field="parent")
                    found = checked[parent_pk] = (
                        *parents[parent_pk],
                        user_can(actor, "change", parent),
                    )
                parent_path, parent_depth, allowed = found
                if not allowed:
                    raise _parent_forbidden(parent)
                parent_label = parent
            else:
                if parent not in placed:
                    raise OrgError(
                        _("上级单位所在的行未能导入。"), code="parent_invalid", field="parent"
                    )
                parent_path, parent_depth = placed[parent]
                parent_label = drafts[parent].name
            siblings = sibling_names[parent_path]
            if name in siblings:
                raise _duplicate_name(parent_label, name)
        except OrgError as error:
            errors[index] = error
            continue
        siblings.add(name)
        step = next_step.get(parent_path, 1)
        next_step[parent_path] = step + 1
        # Unit._get_path(parent_path, parent_depth + 1, step), without its per-call overhead.
        placed[index] = (parent_path + int2str(step).rjust(steplen, pad), parent_depth + 1)
        new_children[parent_path] += 1
        draft.name, draft.short_name = name, short_name
        order.append(index)
    if outcome.errors and not skip_invalid:
        raise BulkRejected(outcome.errors)
    ids = reserve_ids(Unit, len(order))
    created = outcome.created
    for pk, index in zip(ids, order, strict=True):
        created[index] = pk

    # Both writes are generators consumed by COPY as they go: the server files the rows away
    # (indexes) while the next ones are being built.
    def unit_rows():
        pop = new_children.pop
        for pk, index in zip(ids, order, strict=True):
            draft = drafts[index]
            path, depth = placed[index]
            name = draft.name
            initials, initials_alt = _initials(name)
            yield (
                pk,
                path,
                depth,
                pop(path, 0),
                name,
                draft.short_name,
                draft.kind,
                draft.division_code or None,
                None,
                draft.sort_order,
                True,
                initials,
                initials_alt,
            )

    def audit_items():
        for pk, index in zip(ids, order, strict=True):
            draft = drafts[index]
            snapshot = {
                "name": draft.name,
                "short_name": draft.short_name,
                "kind": draft.kind,
                "division_code": draft.division_code or None,
                "path": placed[index][0],
                "active": True,
                "sort_order": draft.sort_order,
            }
            yield AuditItem("orgs.unit", str(pk), draft.name, None, snapshot)

    bulk_insert(Unit, _UNIT_COLUMNS, unit_rows())
    versions_touch(["orgs"])  # COPY sends no signal
    # What is left in new_children are existing parents that got children.
    _add_numchild(new_children)
    audit_record_many(actor=actor, action="orgs.unit.created", items=audit_items())
    return outcome


@transaction.atomic
def membership_bulk_grant(
    *, actor, drafts: Sequence[MembershipDraft], skip_invalid: bool = False
) -> BulkOutcome:
    """Grant many roles at once; each draft is checked as `membership_grant` would check it."""
    outcome = BulkOutcome()
    user_ids = {d.user.pk for d in drafts}
    unit_ids = {d.unit.pk for d in drafts}
    existing = set(
        Membership.objects.filter(user_id__in=user_ids, unit_id__in=unit_ids).values_list(
            "user_id", "unit_id", "role"
        )
    )
    allowed: dict[int, bool] = {}
    order: list[int] = []
    for index, draft in enumerate(drafts):
        try:
            if draft.role not in Role.values:
                raise OrgError(_("角色无效。"), code="invalid_role", field="role")
            if draft.unit.pk not in allowed:
                allowed[draft.unit.pk] = user_can(actor, "manage", draft.unit)
            if not allowed[draft.unit.pk]:
                raise _unit_forbidden(draft.unit)
            _check_grantee(draft.user)
            key = (draft.user.pk, draft.unit.pk, draft.role)
            if key in existing:
                raise OrgError(
                    _("%(user)s 在“%(unit)s”已有“%(role)s”角色。")
                    % {"user": draft.user, "unit": draft.unit, "role": Role(draft.role).label},
                    code="duplicate_membership",
                )
        except OrgError as error:
            outcome.errors[index] = error
            continue
        existing.add(key)
        order.append(index)
    if outcome.errors and not skip_invalid:
        raise BulkRejected(outcome.errors)
    ids = reserve_ids(Membership, len(order))
    now = timezone.now()
    from django.db import connection

    now_db = connection.ops.adapt_datetimefield_value(now)
    rows, audit_items = [], []
    for pk, index in zip(ids, order, strict=True):
        draft = drafts[index]
        rows.append((pk, draft.user.pk, draft.unit.pk, draft.role, now_db))
        audit_items.append(
            AuditItem(
                "orgs.membership",
                str(pk),
                f"{draft.user} · {draft.unit} · {Role(draft.role).label}",
                None,
                {"user": draft.user.get_username(), "unit": draft.unit.pk, "role": draft.role},
            )
        )
        outcome.created[index] = pk
        draft.user.__dict__.pop("_shigan_scope", None)
    bulk_insert(Membership, ("id", "user", "unit", "role", "granted_at"), rows)
    versions_touch(["orgs"])  # COPY sends no signal
    audit_record_many(actor=actor, action="orgs.membership.granted", items=audit_items)
    return outcome


# ---------------------------------------------------------------------------------------------
# People (the roster). One check of a draft serves the one-by-one and the bulk services.


@dataclass
class PersonDraft:
    unit: Unit
    name: str
    rank: str
    post: str = ""
    phone: str = ""


_PERSON_LIMITS = (("name", 50, _lazy("姓名")), ("post", 100, _lazy("职务")))


def _check_person(actor, draft: PersonDraft, allowed: dict[int, bool]) -> None:
    """Clean `draft` in place, or raise the OrgError naming the field that breaks a rule.
    `allowed` caches, per unit, whether the actor may record there."""
    draft.name, draft.post = (draft.name or "").strip(), (draft.post or "").strip()
    if not draft.name:
        raise OrgError(_("姓名不能为空。"), code="name_required", field="name")
    for key, limit, label in _PERSON_LIMITS:
        if len(getattr(draft, key)) > limit:
            raise OrgError(
                _("%(field)s不能超过 %(n)d 个字。") % {"field": label, "n": limit},
                code=f"{key}_too_long",
                field=key,
            )
    if draft.rank not in PersonRank.values:
        raise OrgError(_("职级无效。"), code="invalid_rank", field="rank")
    phone = normalize_phone(draft.phone)
    if phone is None:
        raise OrgError(
            _("联系电话“%(value)s”不是有效的手机号或带区号的固定电话（如 0479-8234567）。")
            % {"value": draft.phone},
            code="invalid_phone",
            field="phone",
        )
    draft.phone = phone
    unit = draft.unit
    if unit.pk not in allowed:
        allowed[unit.pk] = user_can(actor, "record", unit)
    if not allowed[unit.pk]:
        raise _unit_forbidden(unit)


def _unit_forbidden(unit: Unit) -> OrgError:
    return OrgError(
        _("您没有在“%(unit)s”进行此操作的权限。") % {"unit": unit},
        code="forbidden",
        field="unit",
    )


def _person_snapshot(person) -> dict:
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
    *, actor, unit: Unit, name: str, rank: str, post: str = "", phone: str = "", user=None
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
    actor,
    person: Person,
    name: str,
    rank: str,
    post: str = "",
    phone: str = "",
    unit: Unit | None = None,
) -> Person:
    """Change a person's particulars; `unit` moves them (the actor records at both units)."""
    person = Person.objects.select_for_update().select_related("unit").get(pk=person.pk)
    if not user_can(actor, "record", person.unit):
        raise _unit_forbidden(person.unit)
    draft = PersonDraft(unit or person.unit, name, rank, post or "", phone or "")
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


def _person_set_active(actor, person: Person, active: bool) -> Person:
    person = Person.objects.select_for_update().select_related("unit").get(pk=person.pk)
    if not user_can(actor, "record", person.unit):
        raise _unit_forbidden(person.unit)
    if person.active == active:
        message = _("%(name)s 已在册。") if active else _("%(name)s 已停用。")
        raise OrgError(message % {"name": person}, code="unchanged", field="active")
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
def person_deactivate(*, actor, person: Person) -> Person:
    """Take a person off the roster (left, retired): their records stay, new ones cannot name
    them. Nobody is deleted, so history keeps its names."""
    return _person_set_active(actor, person, False)


@transaction.atomic
def person_reactivate(*, actor, person: Person) -> Person:
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
    *, actor, drafts: Sequence[PersonDraft], skip_invalid: bool = False
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


def _mapped_unit(ref: str) -> Unit | None:
    """A unit named in the login role mapping: by division code, or by names from the top."""
    if ref.isdigit():
        found = list(Unit.objects.filter(division_code=ref.ljust(12, "0"))[:2])
        return found[0] if len(found) == 1 else None
    unit = None
    for name in [part.strip() for part in ref.split("/") if part.strip()]:
        level = Unit.objects.get_root_nodes() if unit is None else Unit.objects.get_children(unit)
        unit = level.filter(name=name).first()
        if unit is None:
            return None
    return unit


@transaction.atomic
def membership_sync_mapped(*, user, source: str, grants, previous: list) -> list[list]:
    """The roles an external login's group → role mapping gives (accounts.external): grant the
    mapped roles the user lacks, take back those the mapping gave before and no longer gives.
    Roles granted by hand are never touched. Returns the [unit id, role] pairs now mapped."""
    actor_name = f"{source}:role-map"
    wanted: list[list] = []
    for grant in grants:
        unit = _mapped_unit(grant.unit)
        if unit is None:
            logger.warning("login role mapping: no single unit %r", grant.unit)
            continue
        wanted.append([unit.pk, grant.role])
        if not Membership.objects.filter(user=user, unit=unit, role=grant.role).exists():
            with metric_changes(Membership) as changes:
                membership = Membership.objects.create(user=user, unit=unit, role=grant.role)
                changes.created([membership.pk])
            audit_record(
                actor=None,
                actor_name=actor_name,
                action="orgs.membership.granted",
                target=membership,
                after={"user": user.username, "unit": unit.pk, "role": grant.role},
            )
    stale = [pair for pair in previous if list(pair) not in wanted]
    for unit_id, role in stale:
        for membership in Membership.objects.filter(user=user, unit_id=unit_id, role=role):
            audit_record(
                actor=None,
                actor_name=actor_name,
                action="orgs.membership.revoked",
                target=membership,
                before={"user": user.username, "unit": unit_id, "role": role},
            )
            with metric_changes(Membership, [membership.pk]):
                membership.delete()
    user.__dict__.pop("_shigan_scope", None)
    return wanted
