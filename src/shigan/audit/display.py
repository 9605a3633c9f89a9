"""How the audit trail reads on a page: objects by their names and people by their names.

An entry stores the object's text as it was written (`target_repr`). Some records have no name
of their own and wrote the id of the problem or topic they belong to ("3067: 待审核"); on the page
that id is replaced by the owner's name, looked up once per page for all its entries. The stored
entry (and the API) is unchanged."""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils.translation import gettext as _

from shigan.audit.models import AuditEntry
from shigan.core.actors import SYSTEM_USERNAME, is_system_actor

__all__ = ["DisplayEntry", "display_entries"]

# The owner an anonymous record names itself by: the first of these foreign keys it has.
OWNERS = ("problem", "topic", "project", "key_task", "activity", "unit")
ID_PREFIX = re.compile(r"^\d+: ")


@dataclass(frozen=True)
class DisplayEntry:
    entry: object
    actor: str
    target: str


def _owner_field(model: type[Model]) -> str | None:
    for name in OWNERS:
        try:
            if model._meta.get_field(name).is_relation:
                return name
        except FieldDoesNotExist:
            continue
    return None


def _owner_names(entries: Iterable[AuditEntry]) -> dict[tuple[str, str], str]:
    """(target_type, target_id) → the owner's name, for the entries that need it."""
    wanted: dict[str, set[str]] = {}
    for e in entries:
        if e.target_type and e.target_id and ID_PREFIX.match(e.target_repr or ""):
            wanted.setdefault(e.target_type, set()).add(e.target_id)
    names: dict[tuple[str, str], str] = {}
    for target_type, ids in wanted.items():
        try:
            model = apps.get_model(target_type)
        except (LookupError, ValueError):
            continue
        owner = _owner_field(model)
        if owner is None:
            continue
        pks = [int(pk) for pk in ids if pk.isdigit()]
        for obj in model._default_manager.filter(pk__in=pks).select_related(owner):
            names[(target_type, str(obj.pk))] = str(getattr(obj, owner))
    return names


def _actor_name(entry: AuditEntry) -> str:
    """The person's name; the system as 系统（每日巡检） with the reason it acted for (kept in
    `actor_name` as "system: <reason>")."""
    if entry.actor_id and entry.actor and is_system_actor(entry.actor):
        prefix = f"{SYSTEM_USERNAME}: "
        reason = (
            entry.actor_name.removeprefix(prefix) if entry.actor_name != SYSTEM_USERNAME else ""
        )
        return _("系统（%(reason)s）") % {"reason": reason} if reason else _("系统")
    return (entry.actor.display_name if entry.actor_id and entry.actor else "") or entry.actor_name


def display_entries(entries: Iterable[AuditEntry]) -> list[DisplayEntry]:
    entries = list(entries)
    owners = _owner_names(entries)
    rows = []
    for e in entries:
        target = e.target_repr or e.target_id
        owner = owners.get((e.target_type, e.target_id))
        if owner:
            target = f"{owner} · {ID_PREFIX.sub('', target)}"
        actor = _actor_name(e)
        rows.append(DisplayEntry(entry=e, actor=actor, target=target))
    return rows
