"""Spreadsheet importers of the unit tree: units (and departments) under a unit, memberships.

Also `Roster`: the people a sheet names, as seen from a row's unit (a ledger's 责任领导).

Rows are parsed and checked here; they are written by `unit_bulk_create` and
`membership_bulk_grant`, which apply the same rules as the one-by-one services.
"""

import re
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rapidfuzz import fuzz, process

from shigan.core.spreadsheets.importers import (
    Column,
    Importer,
    Record,
    RowError,
    cyclic_gc_paused,
)
from shigan.core.spreadsheets.values import (
    CellError,
    label_index,
    match_key,
    normalize_text,
    parse_division_code,
)
from shigan.orgs.choices import PersonRank, Role, UnitKind
from shigan.orgs.divisions import division_stem
from shigan.orgs.models import Membership, Person, Unit
from shigan.orgs.phones import normalize_phone
from shigan.orgs.scoping import subtree_q
from shigan.orgs.services import (
    MembershipDraft,
    PersonDraft,
    UnitDraft,
    membership_bulk_grant,
    person_bulk_create,
    unit_bulk_create,
)

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

PATH_SEPARATOR = "/"
SUGGEST_POOL = 50  # near misses weighed for a suggestion

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


def parse_rank(raw) -> str:
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


def parse_phone(raw) -> str:
    phone = normalize_phone(raw)
    if phone is None:
        raise CellError(
            _("“%(value)s”不是有效的手机号或带区号的固定电话（如 0479-8234567）。")
            % {"value": normalize_text(raw)}
        )
    return phone


def _norm(text) -> str:
    return normalize_text(text).replace(" ", "")


class UnitIndex:
    """The units of one subtree in memory, found by name, short name, division code or path of
    names from the subtree's top ("锡林郭勒盟/阿巴嘎旗"), with suggestions for near misses."""

    def __init__(self, root: Unit):
        self.root = root
        self.rows: dict[int, tuple[str, int, str, str, str | None]] = {}
        self.by_key: dict[str, dict[str, list[int]]] = {
            "name": defaultdict(list),
            "short": defaultdict(list),
            "code": defaultdict(list),
            "path": defaultdict(list),
        }
        self.children: set[tuple[int, str]] = set()  # (parent pk, name)
        query = Unit.objects.subtree_of(root).values_list(
            "pk", "path", "depth", "name", "short_name", "division_code"
        )
        with cyclic_gc_paused():  # tens of thousands of long-lived tuples and lists
            self._load(query, root)
        self._units: dict[int, Unit] = {}
        self._choices: list[str] | None = None
        self._blank: list | None = None
        self._slots: list[int] = []

    def _load(self, query, root: Unit) -> None:
        name_path: dict[str, str] = {}
        pk_of_path: dict[str, int] = {}
        root_cut = len(root.path) - Unit.steplen
        for pk, path, depth, name, short, code in query.iterator(20000):
            self.rows[pk] = (path, depth, name, short, code)
            pk_of_path[path] = pk
            parent_path = path[: -Unit.steplen]
            own = _norm(name)
            names = (
                name_path[parent_path] + PATH_SEPARATOR + own if len(path) > len(root.path) else own
            )
            name_path[path] = names
            self.by_key["name"][own].append(pk)
            if short:
                self.by_key["short"][_norm(short)].append(pk)
            if code:
                self.by_key["code"][code].append(pk)
            self.by_key["path"][names].append(pk)
            if len(path) > root_cut + Unit.steplen and parent_path in pk_of_path:
                self.children.add((pk_of_path[parent_path], name))
        self.name_path = {pk_of_path[p]: n for p, n in name_path.items()}

    def unit(self, pk: int) -> Unit:
        unit = self._units.get(pk)
        if unit is None:
            if self._blank is None:  # every field's default, in order (positional is faster)
                fields = Unit._meta.concrete_fields
                self._blank = [f.get_default() for f in fields]
                self._slots = [
                    i
                    for name in ("id", "path", "depth", "name", "short_name", "division_code")
                    for i, f in enumerate(fields)
                    if f.attname == name
                ]
            values = self._blank.copy()
            for i, value in zip(self._slots, (pk, *self.rows[pk]), strict=True):
                values[i] = value
            unit = self._units[pk] = Unit(*values)
        return unit

    def has_child(self, parent_pk: int, name: str) -> bool:
        return (parent_pk, name) in self.children

    def candidates(self, text: str) -> list[int]:
        """Existing units that `text` may name (several when ambiguous)."""
        ref = _norm(text)
        if not ref:
            return []
        if ref.isdigit():
            try:
                code = parse_division_code(ref)
            except CellError:
                return []
            return list(self.by_key["code"].get(code, []))
        if PATH_SEPARATOR in ref:
            ref = PATH_SEPARATOR.join(part for part in ref.split(PATH_SEPARATOR) if part)
            found = self.by_key["path"].get(ref)
            if found is None:
                found = self.by_key["path"].get(self.name_path[self.root.pk] + "/" + ref, [])
            return list(found)
        return list(self.by_key["name"].get(ref) or self.by_key["short"].get(ref) or [])

    def suggest(self, text: str) -> str | None:
        """The unit a near miss most likely means, the same answer every time: a unit whose
        name is the text plus a 镇, 苏木, 村委会 … first, the highest in the tree (a town before
        a village of the same stem); else the closest spelling, the higher unit, the earlier
        path."""
        if self._choices is None:
            self._choices = sorted({*self.by_key["name"], *self.by_key["short"]})
        ref = _norm(text).split(PATH_SEPARATOR)[-1]
        matches = process.extract(
            ref, self._choices, scorer=fuzz.WRatio, score_cutoff=70, limit=SUGGEST_POOL
        )
        best: tuple | None = None
        for choice, score, _i in matches:
            for pk in (*self.by_key["name"].get(choice, ()), *self.by_key["short"].get(choice, ())):
                path, depth, name, _short, _code = self.rows[pk]
                if division_stem(_norm(name)) == ref:  # the text is its name less 镇, 村委会 …
                    rank = (0, depth, 0.0, path)
                else:
                    rank = (1, -round(score, 3), depth, path)
                if best is None or rank < best[0]:
                    best = (rank, name)
        return best[1] if best else None

    def not_found(self, text: str) -> str:
        message = _("在“%(root)s”及其下级单位中找不到“%(value)s”。") % {
            "root": self.root.name,
            "value": text,
        }
        suggestion = self.suggest(text)
        if suggestion:
            message += _("您是不是要找“%(name)s”？") % {"name": suggestion}
        return message

    def ambiguous(self, text: str, n: int) -> str:
        return _("有 %(n)d 个单位都叫“%(value)s”，请填写 12 位行政区划代码或“上级/名称”路径。") % {
            "n": n,
            "value": text,
        }

    def resolve(self, text: str) -> Unit:
        found = self.candidates(text)
        if not found:
            raise CellError(self.not_found(text))
        if len(found) > 1:
            raise CellError(self.ambiguous(text, len(found)))
        return self.unit(found[0])


class UnitImporter(Importer):
    """A sheet of units (departments, offices, …) under `unit`. Parents may be existing units of
    the subtree or rows above in the same sheet. Key: (parent, name)."""

    title = gettext_lazy("单位")
    columns = UNIT_COLUMNS
    key = ("parent", "name")
    cacheable_parsers = ("division_code", "parent")

    def __init__(self, *, unit: Unit, **kwargs):
        super().__init__(**kwargs)
        self.unit = unit
        self.index = UnitIndex(unit)

    def parse_division_code(self, raw):
        return parse_division_code(raw)

    def parse_parent(self, raw):
        return normalize_text(raw)

    def clean(self, records: list[Record]) -> None:
        new_by_name: dict[str, list[Record]] = defaultdict(list)
        new_by_path: dict[str, list[Record]] = defaultdict(list)
        new_path_of: dict[int, str] = {}  # id(record) → name path
        # A sheet names the same parents over and over: ref → (existing pks, the existing unit
        # when exactly one, the normalised ref, whether it is a path).
        resolved: dict[str, tuple[list[int], Unit | None, str, bool]] = {}
        norms: dict[str, str] = {}  # name → _norm(name)
        index, top = self.index, self.unit
        name_path, children = index.name_path, index.children
        root_name = name_path[top.pk]
        title = self.column_title("parent")
        department = UnitKind.DEPARTMENT
        for record in records:
            values = record.values
            values["kind"] = values.get("kind") or department
            values["sort_order"] = values.get("sort_order") or 0
            ref = values.get("parent") or ""
            name = values.get("name") or ""
            if not ref and name == top.name:
                values["parent"] = "self"  # the subtree's top itself (an exported root row)
                continue
            if not ref:
                parent = top
            else:
                entry = resolved.get(ref)
                if entry is None:
                    existing = index.candidates(ref)
                    norm = _norm(ref)
                    is_path = PATH_SEPARATOR in norm
                    if is_path:
                        norm = PATH_SEPARATOR.join(p for p in norm.split(PATH_SEPARATOR) if p)
                    unit = index.unit(existing[0]) if len(existing) == 1 else None
                    entry = resolved[ref] = (existing, unit, norm, is_path)
                existing, unit, norm, is_path = entry
                if is_path:
                    new = new_by_path.get(norm) or new_by_path.get(
                        root_name + PATH_SEPARATOR + norm, []
                    )
                else:
                    new = new_by_name.get(norm, [])
                if unit is not None and not new:
                    parent = unit
                else:
                    found = len(existing) + len(new)
                    if found == 0:
                        message = index.not_found(ref)
                    elif found > 1:
                        message = index.ambiguous(ref, found)
                    elif new and not new[0].ok:
                        message = _("上级单位（第 %(row)d 行）有错误。") % {"row": new[0].row}
                    else:
                        message = ""
                    if message:
                        record.errors.append(
                            RowError(record.row, title, record.raw["parent"], message)
                        )
                        continue
                    parent = new[0]
            values["parent"] = parent
            if not name:
                continue
            if isinstance(parent, Unit):
                parent_pk = parent.pk
                if (parent_pk, name) in children:
                    continue  # exists: the key check counts it unchanged
                parent_path = name_path[parent_pk]
            else:
                parent_path = new_path_of[id(parent)]
            own = norms.get(name)
            if own is None:
                own = norms[name] = _norm(name)
            own_path = parent_path + PATH_SEPARATOR + own
            new_path_of[id(record)] = own_path
            new_by_path[own_path].append(record)
            new_by_name[own].append(record)

    def natural_key(self, record: Record):
        values = record.values
        parent = values.get("parent")
        if isinstance(parent, Unit):
            return (parent.pk, values["name"])
        if parent == "self":
            return ("self",)
        return (("row", parent.row), values["name"])

    def existing_keys(self, keys: set[tuple]) -> set[tuple]:
        found = {("self",)} & keys
        found |= {k for k in keys if isinstance(k[0], int) and self.index.has_child(*k)}
        return found

    def save(self, records: list[Record], *, skip_invalid: bool):
        position = {id(r): i for i, r in enumerate(records)}
        drafts = []
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
        return outcome.errors


class MembershipImporter(Importer):
    """A sheet of roles (用户名, 单位, 角色) on units of `unit`'s subtree. Key: the three."""

    title = gettext_lazy("角色授权")
    columns = MEMBERSHIP_COLUMNS
    key = ("username", "unit", "role")

    def __init__(self, *, unit: Unit, **kwargs):
        super().__init__(**kwargs)
        self.unit = unit
        self.index = UnitIndex(unit)

    def parse_unit(self, raw):
        return self.index.resolve(raw)

    def clean(self, records: list[Record]) -> None:
        names = {r.values["username"] for r in records if r.values.get("username")}
        users = {}
        model = get_user_model()
        names_list = list(names)
        for i in range(0, len(names_list), 5000):
            for user in model.objects.filter(username__in=names_list[i : i + 5000], is_active=True):
                users[user.username] = user
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
                    )
                )
                continue
            record.values["user"] = user

    def natural_key(self, record: Record):
        values = record.values
        return (values["user"].pk, values["unit"].pk, values["role"])

    def existing_keys(self, keys: set[tuple]) -> set[tuple]:
        user_ids = {k[0] for k in keys}
        unit_ids = {k[1] for k in keys}
        existing = set(
            Membership.objects.filter(user_id__in=user_ids, unit_id__in=unit_ids).values_list(
                "user_id", "unit_id", "role"
            )
        )
        return keys & existing

    def save(self, records: list[Record], *, skip_invalid: bool):
        drafts = [
            MembershipDraft(user=r.values["user"], unit=r.values["unit"], role=r.values["role"])
            for r in records
        ]
        outcome = membership_bulk_grant(actor=self.actor, drafts=drafts, skip_invalid=skip_invalid)
        return outcome.errors


class PersonImporter(Importer):
    """A roster sheet (序号, 姓名, 单位, 职务, 职级, 联系电话) for `unit`'s subtree; a blank 单位 is
    `unit` itself. Key: (unit, name, post): a re-imported roster adds nobody twice."""

    title = gettext_lazy("人员名册")
    columns = PERSON_COLUMNS
    key = ("unit", "name", "post")
    cacheable_parsers = ("unit", "rank", "phone")

    def __init__(self, *, unit: Unit, **kwargs):
        super().__init__(**kwargs)
        self.unit = unit
        self.index = UnitIndex(unit)

    def parse_seq(self, raw):
        return None  # a row number of the sheet, whatever the office wrote there

    def parse_unit(self, raw):
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

    def natural_key(self, record: Record):
        values = record.values
        return (values["unit"].pk, values["name"], values["post"])

    def existing_keys(self, keys: set[tuple]) -> set[tuple]:
        unit_ids = sorted({k[0] for k in keys})
        found: set[tuple] = set()
        for i in range(0, len(unit_ids), 2000):
            found.update(
                Person.objects.filter(unit_id__in=unit_ids[i : i + 2000]).values_list(
                    "unit_id", "name", "post"
                )
            )
        return keys & found

    def save(self, records: list[Record], *, skip_invalid: bool):
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
        return outcome.errors


# -- people named in a sheet (leaders of a ledger's rows) -----------------------------------

# "张三（分管）、李四/王五" → (张三, 分管), (李四, ""), (王五, "")
_LEADER = re.compile(r"([^、，,;；/\s（(）)]+)\s*(?:[（(]([^）)]*)[）)])?")


@dataclass(frozen=True)
class NewPerson:
    """A leader the ledger names who is not on the roster: registered at the row's unit."""

    unit: Unit
    name: str
    pk = None

    def __str__(self) -> str:
        return f"{self.name}（{self.unit.name}）"


def leader_entries(raw) -> list[tuple[str, str]]:
    """(name, bracketed note) for each leader named in a cell, in order."""
    return [(m[1], (m[2] or "").strip()) for m in _LEADER.finditer(normalize_text(raw))]


def _steps(path: str) -> int:
    return len(path) // Unit.steplen


def _distance(a: str, b: str) -> int:
    """Steps through the tree from one unit to the other (via their nearest common one)."""
    common = 0
    while common < min(_steps(a), _steps(b)) and a[: (common + 1) * 4] == b[: (common + 1) * 4]:
        common += 1
    return _steps(a) + _steps(b) - 2 * common


class Roster:
    """The active people an import may name: the unit's subtree and its ancestors."""

    def __init__(self, root: Unit):
        ancestors = Unit.lineage_paths(root.path)[:-1]
        people = Person.objects.filter(
            subtree_q([root.path], "unit__path") | Q(unit__path__in=ancestors), active=True
        ).select_related("unit")
        self.by_name: dict[str, list[Person]] = {}
        for person in people:
            self.by_name.setdefault(person.name, []).append(person)
        self.new: dict[str, NewPerson] = {}

    def resolve(self, raw, unit: Unit) -> list:
        """The people a 责任领导 cell names (the first is the lead), as seen from the row's
        unit; raises CellError for a name two people share at the same distance."""
        found = []
        for name, note in leader_entries(raw):
            person = self._one(name, note, unit)
            if person not in found:
                found.append(person)
        return found

    def _one(self, name: str, note: str, unit: Unit):
        candidates = self.by_name.get(name, [])
        if note:  # "张三（阿巴嘎旗）" names the unit
            named = [p for p in candidates if note in (p.unit.name, p.unit.short_name)]
            if len(named) == 1:
                return named[0]
        if not candidates:
            # One name the roster lacks is one new person, registered at the unit of the
            # first row that names them.
            return self.new.setdefault(name, NewPerson(unit, name))
        ranked = sorted(candidates, key=lambda p: _distance(p.unit.path, unit.path))
        nearest = _distance(ranked[0].unit.path, unit.path)
        tied = [p for p in ranked if _distance(p.unit.path, unit.path) == nearest]
        if len(tied) > 1:
            raise CellError(
                _(
                    "有 %(n)d 位“%(name)s”与本行单位同样近：%(who)s。"
                    "请在姓名后用括号注明单位，如“%(name)s（%(unit)s）”。"
                )
                % {
                    "n": len(tied),
                    "name": name,
                    "who": "、".join(f"{p.name}（{p.unit.name}）" for p in tied),
                    "unit": tied[0].unit.name,
                }
            )
        return ranked[0]
