"""Loading the NBS 2023 division tree (5 levels, 665,276 units) into the unit tree.

The files are validated whole before anything is written; then the tree is written level by
level with paths computed here and bulk inserts, because creating 665,276 nodes one by one
through treebeard takes hours. Units are keyed by (level, code): padding codes to 12 digits
makes four of them collide across levels (see data/divisions/SOURCE.md).
"""

import csv
import gzip
import io
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from shigan.accounts.models import User
from shigan.audit.services import audit_record
from shigan.core.bulk import bulk_insert
from shigan.core.errors import DomainError
from shigan.core.versions import versions_touch
from shigan.orgs.choices import DIVISION_KINDS
from shigan.orgs.errors import ErrorCode
from shigan.orgs.models import Unit
from shigan.orgs.pinyin import name_initials
from shigan.orgs.services.units_bulk import _UNIT_COLUMNS

__all__ = [
    "DATA_DIR",
    "DivisionFileError",
    "DivisionRow",
    "ImportStats",
    "read_divisions",
    "divisions_import",
    "short_names",
    "division_stem",
]

DATA_DIR = Path(__file__).parent / "data" / "divisions"


@dataclass(frozen=True)
class LevelFile:
    level: int
    stem: str
    code_len: int
    parent_column: str | None


LEVELS = (
    LevelFile(1, "provinces", 2, None),
    LevelFile(2, "cities", 4, "provinceCode"),
    LevelFile(3, "areas", 6, "cityCode"),
    LevelFile(4, "streets", 9, "areaCode"),
    LevelFile(5, "villages", 12, "streetCode"),
)


class DivisionFileError(DomainError):
    codes = ErrorCode

    def __init__(self, message: str, *, file: str, line: int | None = None):
        where = f"{file}" + (_("，第 %(line)d 行") % {"line": line} if line else "")
        super().__init__(f"{where}：{message}", code=ErrorCode.BAD_DIVISION_FILE)
        self.file, self.line = file, line


@dataclass(frozen=True)
class DivisionRow:
    level: int
    code: str
    name: str
    parent_code: str | None


@dataclass
class ImportStats:
    created: int = 0
    renamed: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.renamed + self.unchanged


def _open(source: Path, stem: str) -> tuple[io.TextIOBase, str]:
    for name in (f"{stem}.csv.gz", f"{stem}.csv"):
        path = source / name
        if path.exists():
            opener = gzip.open if name.endswith(".gz") else open
            # The caller closes the handle (it reads it in a `with` block).
            return opener(path, "rt", encoding="utf-8", newline=""), name  # noqa: SIM115
    raise DivisionFileError(_("找不到区划文件。"), file=f"{stem}.csv")


def _read_level(source: Path, spec: LevelFile, province: str | None) -> list[DivisionRow]:
    handle, fname = _open(source, spec.stem)
    rows: list[DivisionRow] = []
    seen: set[str] = set()
    with handle:
        reader = csv.DictReader(handle)
        needed = ["code", "name"] + ([spec.parent_column] if spec.parent_column else [])
        missing = [c for c in needed if c not in (reader.fieldnames or [])]
        if missing:
            raise DivisionFileError(
                _("缺少列：%(cols)s。") % {"cols": "、".join(missing)}, file=fname, line=1
            )
        for line, rec in enumerate(reader, start=2):
            code, name = (rec["code"] or "").strip(), (rec["name"] or "").strip()
            if not code.isascii() or not code.isdigit() or len(code) != spec.code_len:
                raise DivisionFileError(
                    _("区划代码“%(code)s”应为 %(n)d 位数字。") % {"code": code, "n": spec.code_len},
                    file=fname,
                    line=line,
                )
            if not name:
                raise DivisionFileError(_("名称为空。"), file=fname, line=line)
            if code in seen:
                raise DivisionFileError(
                    _("区划代码“%(code)s”重复。") % {"code": code}, file=fname, line=line
                )
            seen.add(code)
            parent = (rec[spec.parent_column] or "").strip() if spec.parent_column else None
            if spec.parent_column and not code.startswith(parent or "\0"):
                raise DivisionFileError(
                    _("区划代码“%(code)s”与上级代码“%(parent)s”不符。")
                    % {"code": code, "parent": parent},
                    file=fname,
                    line=line,
                )
            if province and not code.startswith(province):
                continue
            rows.append(DivisionRow(spec.level, code, name, parent))
    return rows


def read_divisions(
    source: Path = DATA_DIR, *, province: str | None = None, depth: int = 5
) -> list[list[DivisionRow]]:
    """Read and check levels 1..depth; every parent reference must resolve."""
    if province is not None and (not province.isdigit() or len(province) != 2):
        raise DomainError(
            _("省级代码应为 2 位数字，例如 15。"), code=ErrorCode.BAD_PROVINCE, field="province"
        )
    if not 1 <= depth <= 5:
        raise DomainError(_("层级应在 1 到 5 之间。"), code=ErrorCode.BAD_DEPTH, field="depth")
    levels: list[list[DivisionRow]] = []
    for spec in LEVELS[:depth]:
        rows = _read_level(Path(source), spec, province)
        if levels:
            parents = {r.code for r in levels[-1]}
            for index, row in enumerate(rows):
                if row.parent_code not in parents:
                    raise DivisionFileError(
                        _("上级区划“%(parent)s”不存在。") % {"parent": row.parent_code},
                        file=f"{spec.stem}.csv",
                        line=_line_of(source, spec, row, index),
                    )
        levels.append(rows)
    if province and not levels[0]:
        raise DomainError(
            _("没有代码为 %(p)s 的省级区划。") % {"p": province}, code=ErrorCode.BAD_PROVINCE
        )
    return levels


def _line_of(source: Path | str, spec: LevelFile, row: DivisionRow, index: int) -> int:
    """The file line of a row (rows may have been filtered by province)."""
    handle, _name = _open(Path(source), spec.stem)
    with handle:
        for line, rec in enumerate(csv.DictReader(handle), start=2):
            if rec["code"].strip() == row.code:
                return line
    return index + 2


# What offices leave off a town's or village's name (阿尔山 for 阿尔山镇), longest first.
SHORT_NAME_SUFFIXES = ("街道办事处", "嘎查村委会", "村委会", "居委会", "街道", "苏木", "镇", "乡")
LEAGUE_CODE_LEN = 4  # the level-2 division's code: the first digits of every code below it


def division_stem(name: str) -> str:
    """The name without the suffix offices leave off; "" when it has none of them."""
    for suffix in SHORT_NAME_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return ""


def short_names(levels: list[list[DivisionRow]]) -> dict[tuple[int, str], str]:
    """(level, code) → 简称 of the towns and villages: the name without its 镇, 苏木, 村委会 …,
    where that stem is not the stem or the name of another division of the same league (so
    that a short name found in a sheet names one unit there). Stems of one character are left
    alone: too short to name anything."""
    stems: dict[tuple[int, str], str] = {}
    taken: Counter[tuple[str, str]] = Counter()  # (league, text) → how many divisions it could name
    for rows in levels[1:]:
        for row in rows:
            league = row.code[:LEAGUE_CODE_LEN]
            taken[league, row.name] += 1
            stem = division_stem(row.name) if row.level >= 4 else ""
            if len(stem) >= 2:
                stems[row.level, row.code] = stem
                taken[league, stem] += 1
    return {key: stem for key, stem in stems.items() if taken[key[1][:LEAGUE_CODE_LEN], stem] == 1}


def _padded(code: str) -> str:
    return code.ljust(12, "0")


@dataclass(frozen=True)
class _Placed:
    path: str
    is_new: bool


# The unit columns the loader writes (the ids come from the table).
_COLUMNS = _UNIT_COLUMNS[1:]


class _LevelWriter:
    """Writes one level: renames what exists, inserts what is new under known parent paths."""

    def __init__(
        self,
        level: int,
        parents: dict[str | None, _Placed],
        next_level: list[DivisionRow],
        shorts: dict[tuple[int, str], str],
    ):
        self.level = level
        self.parents = parents
        self.child_counts = Counter(r.parent_code for r in next_level)
        self.shorts = shorts
        self.existing = {
            code: (pk, path, name, short)
            for code, pk, path, name, short in Unit.objects.filter(
                division_level=level
            ).values_list("division_code", "pk", "path", "name", "short_name")
        }
        self.next_step = self._steps_after_existing_children()

    def _steps_after_existing_children(self) -> dict[str, int]:
        """For every parent path, the step after its last child (any unit, division or not)."""
        steps: dict[str, int] = {}
        cut = (self.level - 1) * Unit.steplen
        for (path,) in Unit.objects.filter(depth=self.level).values_list("path").iterator(20000):
            step = Unit._str2int(path[cut:]) + 1
            if step > steps.get(path[:cut], 0):
                steps[path[:cut]] = step
        return steps

    def _new_path(self, parent_path: str) -> str:
        step = self.next_step.get(parent_path, 1)
        self.next_step[parent_path] = step + 1
        return Unit._get_path(parent_path or None, self.level, step)

    def write(self, rows: list[DivisionRow], stats: ImportStats) -> dict[str | None, _Placed]:
        placed: dict[str | None, _Placed] = {}
        renamed: list[Unit] = []
        shortened: list[Unit] = []
        new_rows: list[tuple[object, ...]] = []
        added_to_existing: Counter[str] = Counter()
        for row in rows:
            padded = _padded(row.code)
            short = self.shorts.get((row.level, row.code), "")
            if padded in self.existing:
                pk, path, name, old_short = self.existing[padded]
                placed[row.code] = _Placed(path, False)
                if name != row.name:
                    initials, alt = name_initials(row.name)
                    renamed.append(Unit(pk=pk, name=row.name, initials=initials, initials_alt=alt))
                    stats.renamed += 1
                else:
                    stats.unchanged += 1
                # A short name someone typed is theirs: only a blank one is filled in.
                if short and not old_short:
                    shortened.append(Unit(pk=pk, short_name=short))
                continue
            parent = self.parents[row.parent_code] if row.parent_code else _Placed("", True)
            path = self._new_path(parent.path)
            placed[row.code] = _Placed(path, True)
            if not parent.is_new:
                added_to_existing[parent.path] += 1
            initials, alt = name_initials(row.name)
            new_rows.append(
                (
                    path,
                    self.level,
                    self.child_counts[row.code],
                    row.name,
                    short,
                    DIVISION_KINDS[self.level],
                    padded,
                    self.level,
                    0,
                    True,
                    initials,
                    alt,
                )
            )
        stats.created += bulk_insert(Unit, _COLUMNS, new_rows)
        Unit.objects.bulk_update(renamed, ["name", "initials", "initials_alt"], batch_size=2000)
        Unit.objects.bulk_update(shortened, ["short_name"], batch_size=2000)
        versions_touch(["orgs"])  # COPY and bulk_update send no signal
        self._count_children(added_to_existing)
        return placed

    @staticmethod
    def _count_children(added: Counter[str]) -> None:
        """Existing parents that got new children: numchild += n, grouped by n."""
        by_count: dict[int, list[str]] = defaultdict(list)
        for parent_path, n in added.items():
            by_count[n].append(parent_path)
        for n, parent_paths in by_count.items():
            for i in range(0, len(parent_paths), 500):
                Unit.objects.filter(path__in=parent_paths[i : i + 500]).update(
                    numchild=F("numchild") + n
                )


@transaction.atomic
def divisions_import(
    *,
    actor: User,
    source: Path = DATA_DIR,
    province: str | None = None,
    depth: int = 5,
    progress: Callable[[str], None] | None = None,
) -> ImportStats:
    """Load (or refresh) the division tree. Re-running changes nothing; renames are updated.
    Towns and villages get their 简称 (`short_names`) where they have none yet."""
    levels = read_divisions(source, province=province, depth=depth)
    shorts = short_names(levels)
    stats = ImportStats()
    placed: dict[str | None, _Placed] = {}
    for index, rows in enumerate(levels, start=1):
        next_level = levels[index] if index < len(levels) else []
        placed = _LevelWriter(index, placed, next_level, shorts).write(rows, stats)
        if progress:
            progress(_("第 %(level)d 级：%(n)d 个单位") % {"level": index, "n": len(rows)})
    audit_record(
        actor=actor,
        action="orgs.division.imported",
        target_type="orgs.unit",
        after={
            "province": province,
            "depth": depth,
            "created": stats.created,
            "renamed": stats.renamed,
            "unchanged": stats.unchanged,
        },
    )
    return stats
