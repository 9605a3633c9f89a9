"""Writes on the unit tree, one unit at a time: create, update, move."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from shigan.accounts.models import User
from shigan.audit.services import audit_record
from shigan.core.actors import is_system_actor, require_actor
from shigan.core.edits import refuse_edited_elsewhere
from shigan.core.versions import versions_touch
from shigan.orgs.choices import UnitKind
from shigan.orgs.errors import ErrorCode
from shigan.orgs.models import Unit
from shigan.orgs.permissions import user_can
from shigan.orgs.pinyin import name_initials
from shigan.orgs.services.common import OrgError, _duplicate_name, _parent_forbidden, _require
from shigan.orgs.signals import unit_moved

__all__ = ["unit_create", "unit_update", "unit_move"]

_KINDS = frozenset(UnitKind.values)  # Django builds the list anew on every access


def _ancestor_ids(unit: Unit) -> list[int]:
    """The ids of the unit's ancestors, from the root down."""
    paths = Unit.lineage_paths(unit.path)[:-1]
    ids = dict(Unit.objects.filter(path__in=paths).values_list("path", "pk"))
    return [ids[p] for p in paths]


def _unit_snapshot(unit: Unit) -> dict[str, object]:
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
        raise OrgError(_("单位名称不能为空。"), code=ErrorCode.NAME_REQUIRED, field=field)
    if len(name) > 100:
        raise OrgError(_("单位名称不能超过 100 个字。"), code=ErrorCode.NAME_TOO_LONG, field=field)
    return name


def _clean_unit_fields(
    name: str, kind: str, short_name: str = "", division_code: str | None = None
) -> tuple[str, str]:
    """The checks of a unit's own fields, shared by the one-by-one and the bulk services;
    returns the cleaned name and short name."""
    name = _clean_name(name)
    if kind not in _KINDS:
        raise OrgError(_("单位类型无效。"), code=ErrorCode.INVALID_KIND, field="kind")
    short_name = (short_name or "").strip()
    if len(short_name) > 50:
        raise OrgError(
            _("简称不能超过 50 个字。"), code=ErrorCode.SHORT_NAME_TOO_LONG, field="short_name"
        )
    if division_code and len(division_code) > 12:
        raise OrgError(
            _("行政区划代码应为 12 位数字。"), code=ErrorCode.BAD_CODE, field="division_code"
        )
    return name, short_name


def _check_sibling_name(parent: Unit | None, name: str, exclude: Unit | None = None) -> None:
    siblings = Unit.objects.get_children(parent) if parent else Unit.objects.get_root_nodes()
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude.pk)
    if siblings.filter(name=name).exists():
        raise _duplicate_name(parent or _("顶层"), name)


@transaction.atomic
def unit_create(
    *,
    actor: User,
    parent: Unit | None,
    name: str,
    kind: str,
    short_name: str = "",
    division_code: str | None = None,
    sort_order: int = 0,
) -> Unit:
    name, short_name = _clean_unit_fields(name, kind, short_name, division_code)
    require_actor(actor)
    if parent is None and not is_system_actor(actor) and not actor.is_superuser:
        raise OrgError(_("只有系统管理员可以创建顶层单位。"), code=ErrorCode.FORBIDDEN)
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
    *,
    actor: User,
    unit: Unit,
    name: str | None = None,
    short_name: str | None = None,
    kind: str | None = None,
    active: bool | None = None,
    seen: Mapping[str, Any] | None = None,
) -> Unit:
    """Change the given fields (None: unchanged); `seen`, what the user's form showed for them,
    refuses a change over someone else's (core.edits)."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    _require(actor, "change", unit)
    refuse_edited_elsewhere(unit, seen)
    before = _unit_snapshot(unit)
    kind = unit.kind if kind is None else kind
    name, short_name = _clean_unit_fields(
        unit.name if name is None else name,
        kind,
        unit.short_name if short_name is None else short_name,
    )
    if name != unit.name:
        _check_sibling_name(Unit.objects.get_parent(unit), name, exclude=unit)
    unit.name, unit.short_name, unit.kind = name, short_name, kind
    unit.active = unit.active if active is None else active
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
def unit_move(*, actor: User, unit: Unit, new_parent: Unit) -> Unit:
    """Move a unit, with its whole subtree, to the end of `new_parent`'s children."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    new_parent = Unit.objects.select_for_update().get(pk=new_parent.pk)
    _require(actor, "change", unit)
    _require(actor, "change", new_parent)
    if new_parent.path.startswith(unit.path):
        raise OrgError(
            _("不能把“%(unit)s”移到它自己或它的下级单位“%(target)s”之下。")
            % {"unit": unit, "target": new_parent},
            code=ErrorCode.MOVE_INTO_DESCENDANT,
            field="new_parent",
        )
    if Unit.objects.get_parent(unit) == new_parent:
        raise OrgError(_("“%(unit)s”已在该单位之下。") % {"unit": unit}, code=ErrorCode.SAME_PARENT)
    _check_sibling_name(new_parent, unit.name)
    before = _unit_snapshot(unit)
    old_ancestors = _ancestor_ids(unit)
    Unit.objects.move(unit, new_parent, pos="last-child")
    versions_touch(["orgs"])  # treebeard moves with queryset updates: no signal
    unit.refresh_from_db()
    # The figures counted under the subtree follow it (metrics).
    unit_moved.send(
        sender=Unit, unit=unit, old_ancestor_ids=old_ancestors, new_ancestor_ids=_ancestor_ids(unit)
    )
    audit_record(
        actor=actor,
        action="orgs.unit.moved",
        target=unit,
        before=before,
        after={**_unit_snapshot(unit), "parent": new_parent.pk},
    )
    return unit
