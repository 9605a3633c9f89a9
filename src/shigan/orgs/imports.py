"""Spreadsheet importers of the unit tree: units (and departments) under a unit, memberships,
people. `UnitIndex` (`orgs.unit_index`) finds the units a sheet names and `Roster`
(`orgs.roster`) the people; both are imported from here too, by the other apps' importers.

Rows are parsed and checked here; they are written by `unit_bulk_create` and
`membership_bulk_grant`, which apply the same rules as the one-by-one services.
"""

from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shigan.accounts.models import User
from shigan.core.errors import DomainError
from shigan.core.spreadsheets.importers import (
    Column,
    Importer,
    Record,
    RowError,
)
from shigan.core.spreadsheets.values import (
    CellError,
    label_index,
    match_key,
    names_text,
    normalize_text,
    parse_division_code,
    parse_text,
)
from shigan.orgs.choices import PersonRank, Role, UnitKind
from shigan.orgs.models import Membership, Person, Unit
from shigan.orgs.phones import invalid_phone_message, normalize_phone
from shigan.orgs.roster import NewPerson, Roster, leader_entries
from shigan.orgs.services import (
    MembershipDraft,
    PersonDraft,
    UnitDraft,
    membership_bulk_grant,
    person_bulk_create,
    unit_bulk_create,
)
from shigan.orgs.unit_index import PATH_SEPARATOR, UnitIndex, _norm

__all__ = [
    "UnitIndex",
    "UnitImporter",
    "MembershipImporter",
    "PersonImporter",
    "UNIT_COLUMNS",
    "MEMBERSHIP_COLUMNS",
    "PERSON_COLUMNS",
    "parse_rank",
    "Roster",
    "NewPerson",
    "leader_entries",
]

UNIT_COLUMNS = (
    Column(
        "path",
        gettext_lazy("层级路径"),
        help=gettext_lazy("导出时填写，导入时不读取。"),
    ),
    Column(
        "name",
        gettext_lazy("名称"),
        required=True,
        aliases=("单位名称", "部门名称", "单位", "部门"),
        max_length=100,
    ),
    Column("short_name", gettext_lazy("简称"), aliases=("单位简称",), max_length=50),
    Column(
        "kind",
        gettext_lazy("类型"),
        kind="choice",
        aliases=("单位类型",),
        choices=tuple(UnitKind.choices),
        help=gettext_lazy("不填则为“部门”。"),
    ),
    Column("division_code", gettext_lazy("行政区划代码"), aliases=("区划代码", "代码")),
    Column(
        "parent",
        gettext_lazy("上级单位"),
        aliases=("上级", "所属单位", "上级单位名称"),
        help=gettext_lazy(
            "填名称、简称、12 位行政区划代码，或“上级/名称”路径；不填则为导入所在的单位。"
        ),
    ),
    Column("sort_order", gettext_lazy("排序"), kind="int", aliases=("序号", "排序号")),
)

MEMBERSHIP_COLUMNS = (
    Column("username", gettext_lazy("用户名"), required=True, aliases=("账号", "登录名")),
    Column(
        "unit",
        gettext_lazy("单位"),
        required=True,
        aliases=("单位名称", "所在单位"),
        help=gettext_lazy("填名称、简称、12 位行政区划代码，或“上级/名称”路径。"),
    ),
    Column("role", gettext_lazy("角色"), kind="choice", required=True, choices=tuple(Role.choices)),
)

# The roster as offices keep it: 序号, 姓名, 单位, 职务, 职级, 联系电话.
PERSON_COLUMNS = (
    Column("seq", gettext_lazy("序号"), kind="int", help=gettext_lazy("导入时不读取。")),
    Column("name", gettext_lazy("姓名"), required=True, aliases=("人员姓名",), max_length=50),
    Column(
        "unit",
        gettext_lazy("单位"),
        aliases=("所在单位", "工作单位", "单位名称"),
        help=gettext_lazy(
            "填名称、简称、12 位行政区划代码，或“上级/名称”路径；不填则为导入所在的单位。"
        ),
    ),
    Column("post", gettext_lazy("职务"), aliases=("现任职务", "职位"), max_length=100),
    Column(
        "rank",
        gettext_lazy("职级"),
        kind="choice",
        aliases=("级别", "职务级别"),
        choices=tuple(PersonRank.choices),
        help=gettext_lazy("也可填“正处”“副科”“厅级”“一级调研员”等；不填则为“其他”。"),
    ),
    Column("phone", gettext_lazy("联系电话"), aliases=("电话", "手机", "手机号码", "联系方式")),
)

# Words offices write for a rank, tried in order (the first found in the cell wins): the
# 职级 titles of the civil service first (主任科员 before 科员), then grades (正处, 副科, 厅级).
RANK_WORDS = (
    ("巡视员", PersonRank.BUREAU),
    ("调研员", PersonRank.COUNTY),
    ("主任科员", PersonRank.SECTION),
    ("科员", PersonRank.OTHER),
    ("办事员", PersonRank.OTHER),
    ("省部", PersonRank.PROVINCIAL),
    ("部级", PersonRank.PROVINCIAL),
    ("省级", PersonRank.PROVINCIAL),
    ("厅", PersonRank.BUREAU),
    ("局级", PersonRank.BUREAU),
    ("地级", PersonRank.BUREAU),
    ("处", PersonRank.COUNTY),
    ("县级", PersonRank.COUNTY),
    ("科", PersonRank.SECTION),
    ("乡级", PersonRank.SECTION),
    ("无", PersonRank.OTHER),
)

_RANK_LABELS = label_index(PersonRank.choices)


def parse_rank(raw: object) -> str:
    """A 职级 cell: a PersonRank label (any language) or a usual word (正处, 副科, 厅级 …);
    blank is 其他."""
    text = normalize_text(raw)
    if not text:
        return PersonRank.OTHER
    value = _RANK_LABELS.get(match_key(text))
    if value is not None:
        return value
    for word, rank in RANK_WORDS:
        if word in text:
            return rank
    labels = "、".join(str(label) for _v, label in PersonRank.choices)
    raise CellError(
        _("“%(value)s”不是可选的职级，可选：%(labels)s（也可填“正处”“副科”“厅级”等）。")
        % {"value": text, "labels": labels}
    )


def parse_phone(raw: object) -> str:
    phone = normalize_phone(raw)
    if phone is None:
        raise CellError(invalid_phone_message(raw))
    return phone


class _SheetParents:
    """The parents a units sheet names, found among the subtree's units and the new units of
    the rows above (by name or by a path of names); one per `UnitImporter.clean`."""

    def __init__(self, importer: "UnitImporter"):
        self.index, self.top = importer.index, importer.unit
        self.title = importer.column_title("parent")
        self.letter = importer.column_letter("parent")
        self.new_by_name: dict[str, list[Record]] = defaultdict(list)
        self.new_by_path: dict[str, list[Record]] = defaultdict(list)
        self.new_path_of: dict[int, str] = {}  # id(record) → name path
        # A sheet names the same parents over and over: ref → (existing pks, the existing unit
        # when exactly one, the normalised ref, whether it is a path).
        self.resolved: dict[str, tuple[list[int], Unit | None, str, bool]] = {}
        self.norms: dict[str, str] = {}  # name → _norm(name)

    def _resolve(self, ref: str) -> tuple[list[int], Unit | None, str, bool]:
        entry = self.resolved.get(ref)
        if entry is None:
            existing = self.index.candidates(ref)
            norm = _norm(ref)
            is_path = PATH_SEPARATOR in norm
            if is_path:
                norm = PATH_SEPARATOR.join(p for p in norm.split(PATH_SEPARATOR) if p)
            unit = self.index.unit(existing[0]) if len(existing) == 1 else None
            entry = self.resolved[ref] = (existing, unit, norm, is_path)
        return entry

    def _new(self, norm: str, is_path: bool) -> list[Record]:
        """The rows above that create the parent named `norm`."""
        if not is_path:
            return self.new_by_name.get(norm, [])
        root_name = self.index.name_path[self.top.pk]
        return self.new_by_path.get(norm) or self.new_by_path.get(
            root_name + PATH_SEPARATOR + norm, []
        )

    def find(self, record: Record, ref: str) -> Unit | Record | None:
        """The parent `ref` names (a unit, or the record of a row above); None after adding
        the row's error when there is no single one."""
        if not ref:
            return self.top
        existing, unit, norm, is_path = self._resolve(ref)
        new = self._new(norm, is_path)
        if unit is not None and not new:
            return unit
        found = len(existing) + len(new)
        if found == 0:
            message = self.index.not_found(ref)
        elif found > 1:
            message = self.index.ambiguous(ref, found)
        elif new and not new[0].ok:
            message = _("上级单位（第 %(row)d 行）有错误。") % {"row": new[0].row}
        else:
            return new[0]
        record.errors.append(
            RowError(record.row, self.title, record.raw["parent"], message, self.letter)
        )
        return None

    def add(self, record: Record, parent: Unit | Record, name: str) -> None:
        """Remember the unit a row creates, so rows below can name it as their parent."""
        if isinstance(parent, Unit):
            # .id, not .pk: the pk property costs a lookup of the field, once per row.
            if (parent.id, name) in self.index.children:
                return  # exists: the key check counts it unchanged
            parent_path = self.index.name_path[parent.id]
        else:
            parent_path = self.new_path_of[id(parent)]
        own = self.norms.get(name)
        if own is None:
            own = self.norms[name] = _norm(name)
        own_path = parent_path + PATH_SEPARATOR + own
        self.new_path_of[id(record)] = own_path
        self.new_by_path[own_path].append(record)
        self.new_by_name[own].append(record)


class UnitImporter(Importer):
    """A sheet of units (departments, offices, …) under `unit`. Parents may be existing units of
    the subtree or rows above in the same sheet. Key: (parent, name)."""

    title = gettext_lazy("单位")
    columns = UNIT_COLUMNS
    key = ("parent", "name")
    cacheable_parsers = ("division_code", "parent")

    def __init__(self, *, unit: Unit, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.unit = unit
        self.index = UnitIndex(unit)

    def parse_division_code(self, raw: object) -> str | None:
        return parse_division_code(raw)

    def parse_parent(self, raw: object) -> str:
        return normalize_text(raw)

    def clean(self, records: list[Record]) -> None:
        parents = _SheetParents(self)
        top = self.unit
        for record in records:
            values = record.values
            values["kind"] = values.get("kind") or UnitKind.DEPARTMENT
            values["sort_order"] = values.get("sort_order") or 0
            ref = values.get("parent") or ""
            name = values.get("name") or ""
            if not ref and name == top.name:
                values["parent"] = "self"  # the subtree's top itself (an exported root row)
                continue
            parent = parents.find(record, ref)
            if parent is None:
                continue
            values["parent"] = parent
            if name:
                parents.add(record, parent, name)

    def natural_key(self, record: Record) -> tuple[Any, ...]:
        values = record.values
        parent = values.get("parent")
        if isinstance(parent, Unit):
            return (parent.id, values["name"])
        if parent == "self":
            return ("self",)
        assert isinstance(parent, Record)  # a row above creates it (`_SheetParents.find`)
        return (("row", parent.row), values["name"])

    def existing_keys(self, keys: set[tuple[Any, ...]]) -> set[tuple[Any, ...]]:
        found = {("self",)} & keys
        found |= {k for k in keys if isinstance(k[0], int) and self.index.has_child(*k)}
        return found

    def save(self, records: list[Record], *, skip_invalid: bool) -> dict[int, DomainError]:
        position = {id(r): i for i, r in enumerate(records)}
        drafts: list[UnitDraft] = []
        append = drafts.append
        for record in records:
            values = record.values
            parent = values["parent"]
            append(
                UnitDraft(
                    # -1: the parent row was refused, so this one is refused too.
                    parent if isinstance(parent, Unit) else position.get(id(parent), -1),
                    values["name"],
                    values["kind"],
                    values.get("short_name") or "",
                    values.get("division_code"),
                    values.get("sort_order") or 0,
                )
            )
        outcome = unit_bulk_create(actor=self.actor, drafts=drafts, skip_invalid=skip_invalid)
        errors: dict[int, DomainError] = dict(outcome.errors)
        return errors


class MembershipImporter(Importer):
    """A sheet of roles (用户名, 单位, 角色) on units of `unit`'s subtree. Key: the three."""

    title = gettext_lazy("角色授权")
    columns = MEMBERSHIP_COLUMNS
    key = ("username", "unit", "role")

    def __init__(self, *, unit: Unit, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.unit = unit
        self.index = UnitIndex(unit)

    def parse_unit(self, raw: object) -> Unit:
        return self.index.resolve(raw)

    def clean(self, records: list[Record]) -> None:
        names = {r.values["username"] for r in records if r.values.get("username")}
        users: dict[str, User] = {}
        model = get_user_model()
        names_list = list(names)
        for i in range(0, len(names_list), 5000):
            for found in model.objects.filter(
                username__in=names_list[i : i + 5000], is_active=True
            ):
                users[found.username] = found
        title = self.column_title("username")
        for record in records:
            username = record.values.get("username")
            if not username:
                continue
            user = users.get(username)
            if user is None:
                record.errors.append(
                    RowError(
                        record.row,
                        title,
                        username,
                        _("没有用户名为“%(name)s”的有效账号。") % {"name": username},
                        self.column_letter("username"),
                    )
                )
                continue
            record.values["user"] = user

    def natural_key(self, record: Record) -> tuple[Any, ...]:
        values = record.values
        return (values["user"].pk, values["unit"].pk, values["role"])

    def existing_keys(self, keys: set[tuple[Any, ...]]) -> set[tuple[Any, ...]]:
        user_ids = {k[0] for k in keys}
        unit_ids = {k[1] for k in keys}
        existing = set(
            Membership.objects.filter(user_id__in=user_ids, unit_id__in=unit_ids).values_list(
                "user_id", "unit_id", "role"
            )
        )
        return keys & existing

    def save(self, records: list[Record], *, skip_invalid: bool) -> dict[int, DomainError]:
        drafts = [
            MembershipDraft(user=r.values["user"], unit=r.values["unit"], role=r.values["role"])
            for r in records
        ]
        outcome = membership_bulk_grant(actor=self.actor, drafts=drafts, skip_invalid=skip_invalid)
        errors: dict[int, DomainError] = dict(outcome.errors)
        return errors


class PersonImporter(Importer):
    """A roster sheet (序号, 姓名, 单位, 职务, 职级, 联系电话) for `unit`'s subtree; a blank 单位 is
    `unit` itself. Key: (unit, name, post): a re-imported roster adds nobody twice."""

    title = gettext_lazy("人员名册")
    columns = PERSON_COLUMNS
    key = ("unit", "name", "post")
    cacheable_parsers = ("unit", "rank", "phone")

    def __init__(self, *, unit: Unit, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.unit = unit
        self.index = UnitIndex(unit)

    def parse_seq(self, raw: object) -> None:
        return None  # a row number of the sheet, whatever the office wrote there

    def parse_name(self, raw: object) -> str:
        # "王  伟" is 王伟; a post in front ("旗委书记巴特尔") is refused by the person service.
        return names_text(parse_text(raw, max_length=50))

    def parse_unit(self, raw: object) -> Unit | None:
        return self.index.resolve(raw) if normalize_text(raw) else None

    parse_rank = staticmethod(parse_rank)
    parse_phone = staticmethod(parse_phone)

    def clean(self, records: list[Record]) -> None:
        for record in records:
            values = record.values
            values["unit"] = values.get("unit") or self.unit
            values["post"] = values.get("post") or ""
            values["rank"] = values.get("rank") or PersonRank.OTHER
            values["phone"] = values.get("phone") or ""

    def natural_key(self, record: Record) -> tuple[Any, ...]:
        values = record.values
        return (values["unit"].pk, values["name"], values["post"])

    def existing_keys(self, keys: set[tuple[Any, ...]]) -> set[tuple[Any, ...]]:
        unit_ids = sorted({k[0] for k in keys})
        found: set[tuple[Any, ...]] = set()
        for i in range(0, len(unit_ids), 2000):
            found.update(
                Person.objects.filter(unit_id__in=unit_ids[i : i + 2000]).values_list(
                    "unit_id", "name", "post"
                )
            )
        return keys & found

    def save(self, records: list[Record], *, skip_invalid: bool) -> dict[int, DomainError]:
        drafts = [
            PersonDraft(
                unit=r.values["unit"],
                name=r.values["name"],
                rank=r.values["rank"],
                post=r.values["post"],
                phone=r.values["phone"],
            )
            for r in records
        ]
        outcome = person_bulk_create(actor=self.actor, drafts=drafts, skip_invalid=skip_invalid)
        errors: dict[int, DomainError] = dict(outcome.errors)
        return errors
