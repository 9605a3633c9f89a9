"""Many units at once, for importers: the same rules as `unit_create`, checked draft by draft,
then one bulk insert of the units and one of their audit entries."""

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from shigan.accounts.models import User
from shigan.audit.services import AuditItem, audit_record_many
from shigan.core.bulk import bulk_insert, reserve_ids
from shigan.core.versions import versions_touch
from shigan.orgs.errors import ErrorCode
from shigan.orgs.models import Unit
from shigan.orgs.permissions import user_can
from shigan.orgs.scoping import path_upper
from shigan.orgs.services.common import (
    BulkOutcome,
    BulkRejected,
    OrgError,
    _duplicate_name,
    _initials,
    _parent_forbidden,
)
from shigan.orgs.services.units import _clean_unit_fields

__all__ = ["UnitDraft", "unit_bulk_create"]


@dataclass
class UnitDraft:
    """A unit to create. `parent` is a unit, or the index of an earlier draft of the same call."""

    parent: Unit | int
    name: str
    kind: str
    short_name: str = ""
    division_code: str | None = None
    sort_order: int = 0


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


class _UnitPlacer:
    """Checks unit drafts one by one, as `unit_create` would, and gives each valid one the next
    path under its parent (an existing unit or an earlier draft)."""

    def __init__(self, actor: User, drafts: Sequence[UnitDraft]):
        self.actor, self.drafts = actor, drafts
        # .id, not .pk (a property that looks the field up): read once per draft.
        parent_pks = sorted({d.parent.id for d in drafts if isinstance(d.parent, Unit)})
        self.parents = _locked_parents(parent_pks)
        self.next_step, self.sibling_names = _children_index([p for p, _d in self.parents.values()])
        # Existing parent pk → (path, depth, whether the actor may add units under it).
        self.checked: dict[int, tuple[str, int, bool]] = {}
        self.placed: dict[int, tuple[str, int]] = {}  # draft index → (path, depth)
        self.new_children: Counter[str] = Counter()  # parent path → children added
        self.order: list[int] = []  # the valid drafts' indexes

    def _existing_parent(self, parent: Unit) -> tuple[str, int]:
        found = self.checked.get(parent.id)
        if found is None:
            if parent.pk not in self.parents:
                raise OrgError(_("上级单位不存在。"), code=ErrorCode.NO_PARENT, field="parent")
            allowed = user_can(self.actor, "change", parent)
            found = self.checked[parent.pk] = (*self.parents[parent.pk], allowed)
        parent_path, parent_depth, allowed = found
        if not allowed:
            raise _parent_forbidden(parent)
        return parent_path, parent_depth

    def _parent(self, draft: UnitDraft) -> tuple[str, int, object]:
        """The parent's path, depth and what an error calls it."""
        parent = draft.parent
        if isinstance(parent, Unit):
            return (*self._existing_parent(parent), parent)
        if parent not in self.placed:
            raise OrgError(
                _("上级单位所在的行未能导入。"), code=ErrorCode.PARENT_INVALID, field="parent"
            )
        return (*self.placed[parent], self.drafts[parent].name)

    def place(self, index: int, draft: UnitDraft) -> None:
        """Clean and place the draft, or raise the OrgError saying why it cannot be."""
        name, short_name = _clean_unit_fields(
            draft.name, draft.kind, draft.short_name, draft.division_code
        )
        parent_path, parent_depth, parent_label = self._parent(draft)
        siblings = self.sibling_names[parent_path]
        if name in siblings:
            raise _duplicate_name(parent_label, name)
        siblings.add(name)
        step = self.next_step.get(parent_path, 1)
        self.next_step[parent_path] = step + 1
        # Unit._get_path(parent_path, parent_depth + 1, step), without its per-call overhead.
        path = parent_path + Unit._int2str(step).rjust(Unit.steplen, Unit.alphabet[0])
        self.placed[index] = (path, parent_depth + 1)
        self.new_children[parent_path] += 1
        draft.name, draft.short_name = name, short_name
        self.order.append(index)


def _unit_rows(placer: _UnitPlacer, created: list[tuple[int, int]]) -> Iterator[tuple[object, ...]]:
    """The new units' rows; takes the new units' own children out of `placer.new_children`."""
    pop = placer.new_children.pop
    for pk, index in created:
        draft = placer.drafts[index]
        path, depth = placer.placed[index]
        initials, initials_alt = _initials(draft.name)
        yield (
            pk,
            path,
            depth,
            pop(path, 0),
            draft.name,
            draft.short_name,
            draft.kind,
            draft.division_code or None,
            None,
            draft.sort_order,
            True,
            initials,
            initials_alt,
        )


def _unit_audit_items(placer: _UnitPlacer, created: list[tuple[int, int]]) -> Iterator[AuditItem]:
    for pk, index in created:
        draft = placer.drafts[index]
        snapshot = {
            "name": draft.name,
            "short_name": draft.short_name,
            "kind": draft.kind,
            "division_code": draft.division_code or None,
            "path": placer.placed[index][0],
            "active": True,
            "sort_order": draft.sort_order,
        }
        yield AuditItem("orgs.unit", str(pk), draft.name, None, snapshot)


@transaction.atomic
def unit_bulk_create(
    *, actor: User, drafts: Sequence[UnitDraft], skip_invalid: bool = False
) -> BulkOutcome:
    """Create many units at once under existing units or under each other.

    Every draft is checked as `unit_create` would check it. With `skip_invalid` the valid drafts
    are written and the others reported; otherwise any invalid draft refuses the whole call
    (`BulkRejected`) before anything is written.
    """
    outcome = BulkOutcome()
    placer = _UnitPlacer(actor, drafts)
    for index, draft in enumerate(drafts):
        try:
            placer.place(index, draft)
        except OrgError as error:
            outcome.errors[index] = error
    if outcome.errors and not skip_invalid:
        raise BulkRejected(outcome.errors)
    created = list(zip(reserve_ids(Unit, len(placer.order)), placer.order, strict=True))
    outcome.created.update((index, pk) for pk, index in created)
    # Both writes are generators consumed by COPY as they go: the server files the rows away
    # (indexes) while the next ones are being built.
    bulk_insert(Unit, _UNIT_COLUMNS, _unit_rows(placer, created))
    versions_touch(["orgs"])  # COPY sends no signal
    # What is left in new_children are existing parents that got children.
    _add_numchild(placer.new_children)
    items = _unit_audit_items(placer, created)
    audit_record_many(actor=actor, action="orgs.unit.created", items=items)
    return outcome
