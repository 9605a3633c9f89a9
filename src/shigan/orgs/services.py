"""Writes on the unit tree, people and roles. Each runs in one transaction with its audit entry."""

from django.db import transaction
from django.utils.translation import gettext as _

from shigan.audit.services import audit_record
from shigan.core.errors import DomainError
from shigan.orgs.choices import ROLE_ACTIONS, PersonRank, Role, UnitKind
from shigan.orgs.models import Membership, Person, Unit
from shigan.orgs.pinyin import name_initials
from shigan.orgs.scoping import ALL, user_scope_paths

__all__ = [
    "OrgError",
    "unit_create",
    "unit_update",
    "unit_move",
    "membership_grant",
    "membership_revoke",
    "person_create",
    "user_can",
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


def _check_sibling_name(parent: Unit | None, name: str, exclude: Unit | None = None) -> None:
    siblings = Unit.objects.get_children(parent) if parent else Unit.objects.get_root_nodes()
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude.pk)
    if siblings.filter(name=name).exists():
        raise OrgError(
            _("“%(parent)s”下已有名为“%(name)s”的单位。")
            % {"parent": parent or _("顶层"), "name": name},
            code="duplicate_name",
            field="name",
        )


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
    name = _clean_name(name)
    if kind not in UnitKind.values:
        raise OrgError(_("单位类型无效。"), code="invalid_kind", field="kind")
    if parent is None and actor is not None and not actor.is_superuser:
        raise OrgError(_("只有系统管理员可以创建顶层单位。"), code="forbidden")
    if parent is not None:
        parent = Unit.objects.select_for_update().get(pk=parent.pk)
        _require(actor, "change", parent)
    _check_sibling_name(parent, name)
    unit = Unit(
        name=name,
        short_name=(short_name or "").strip(),
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
    name = _clean_name(name)
    if kind not in UnitKind.values:
        raise OrgError(_("单位类型无效。"), code="invalid_kind", field="kind")
    if name != unit.name:
        _check_sibling_name(Unit.objects.get_parent(unit), name, exclude=unit)
    unit.name, unit.short_name, unit.kind, unit.active = name, short_name.strip(), kind, active
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
    Unit.objects.move(unit, new_parent, pos="last-child")
    unit.refresh_from_db()
    audit_record(
        actor=actor,
        action="orgs.unit.moved",
        target=unit,
        before=before,
        after={**_unit_snapshot(unit), "parent": new_parent.pk},
    )
    return unit


@transaction.atomic
def membership_grant(*, actor, user, unit: Unit, role: str) -> Membership:
    if role not in Role.values:
        raise OrgError(_("角色无效。"), code="invalid_role", field="role")
    _require(actor, "manage", unit)
    if Membership.objects.filter(user=user, unit=unit, role=role).exists():
        raise OrgError(
            _("%(user)s 在“%(unit)s”已有“%(role)s”角色。")
            % {"user": user, "unit": unit, "role": Role(role).label},
            code="duplicate_membership",
        )
    membership = Membership.objects.create(user=user, unit=unit, role=role)
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
    before = {"user": membership.user.username, "unit": membership.unit_id, "role": membership.role}
    audit_record(actor=actor, action="orgs.membership.revoked", target=membership, before=before)
    membership.delete()
    membership.user.__dict__.pop("_shigan_scope", None)


@transaction.atomic
def person_create(*, actor, unit: Unit, name: str, rank: str, post: str = "", user=None) -> Person:
    name = (name or "").strip()
    if not name:
        raise OrgError(_("姓名不能为空。"), code="name_required", field="name")
    if rank not in PersonRank.values:
        raise OrgError(_("职级无效。"), code="invalid_rank", field="rank")
    _require(actor, "record", unit)
    person = Person.objects.create(unit=unit, name=name, rank=rank, post=post.strip(), user=user)
    audit_record(
        actor=actor,
        action="orgs.person.created",
        target=person,
        after={"name": name, "unit": unit.pk, "rank": rank, "post": person.post},
    )
    return person


def role_actions(role: str) -> set[str]:
    return ROLE_ACTIONS.get(role, set())
