"""Units found by what a sheet calls them: by name, short name, division code or a path of
names from a subtree's top, with suggestions for near misses (every app's importer uses it).

Offices also write a unit with the names of the units above it run together, the way an
address is written: "内蒙古自治区锡林郭勒盟阿巴嘎旗别力古台镇", "内蒙古自治区别力古台镇",
"阿巴嘎旗别力古台镇", or as a path from the region down ("内蒙古自治区/锡林郭勒盟/阿巴嘎旗/
别力古台镇"). The names of the subtree's top and of the units above it are dropped from the
front; what is left is a unit's name, or a unit's name run together with a unit's below it."""

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from shigan.core.spreadsheets.importers import cyclic_gc_paused
from shigan.core.spreadsheets.values import CellError, normalize_text, parse_division_code
from shigan.orgs.divisions import division_stem
from shigan.orgs.models import Unit

__all__ = ["UnitIndex", "PATH_SEPARATOR"]

PATH_SEPARATOR = "/"
SUGGEST_POOL = 50  # near misses weighed for a suggestion


def _norm(text: object) -> str:
    return normalize_text(text).replace(" ", "")


class UnitIndex:
    """The units of one subtree in memory, found by name, short name, division code or path of
    names from the subtree's top ("锡林郭勒盟/阿巴嘎旗"), with suggestions for near misses."""

    def __init__(self, root: Unit) -> None:
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
        # The names (and short names) of the top and the units above it, from the region down.
        above = [*Unit.objects.get_ancestors(root), root]
        self._above = [{_norm(n) for n in (u.name, u.short_name) if n} for u in above]
        self._choices: list[str] | None = None
        self._blank: list[object] | None = None
        self._slots: list[int] = []

    def _load(self, query: QuerySet[Unit, tuple[Any, ...]], root: Unit) -> None:
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

    def candidates(self, text: object) -> list[int]:
        """Existing units that `text` may name (several when ambiguous)."""
        ref = _norm(text)
        if not ref:
            return []
        if ref.isdigit():
            try:
                code = parse_division_code(ref)
            except CellError:
                return []
            return list(self.by_key["code"].get(code, [])) if code is not None else []
        if PATH_SEPARATOR in ref:
            parts = [part for part in ref.split(PATH_SEPARATOR) if part]
            found = self.by_key["path"].get(PATH_SEPARATOR.join(parts))
            if found is None:
                below = self._below_top(parts)  # "内蒙古自治区/锡林郭勒盟/阿巴嘎旗/…"
                path = PATH_SEPARATOR.join([self.name_path[self.root.pk], *below])
                found = self.by_key["path"].get(path, [])
            return list(found)
        found = self.by_key["name"].get(ref) or self.by_key["short"].get(ref)
        return list(found) if found else self._run_together(ref)

    def _below_top(self, parts: list[str]) -> list[str]:
        """A path's parts with the names of the top and the units above it dropped."""
        level = 0
        while parts and level < len(self._above):
            if parts[0] in self._above[level]:
                parts = parts[1:]
            level += 1
        return parts

    def _named(self, ref: str) -> list[int]:
        return self.by_key["name"].get(ref) or self.by_key["short"].get(ref) or []

    def _run_together(self, ref: str) -> list[int]:
        """The units a name run together with the names above it names: the top's and its
        ancestors' names dropped from the front, then a unit's name, or the names of units each
        below the one before run together ("阿巴嘎旗别力古台镇别力古台社区居委会")."""
        rest, last = ref, -1
        for level, names in enumerate(self._above):
            name = next((n for n in sorted(names, key=len, reverse=True) if rest.startswith(n)), "")
            if name:
                rest, last = rest[len(name) :], level
        if not rest:  # the top itself, after the units above it; not a unit above the top
            return [self.root.pk] if last == len(self._above) - 1 else []
        if rest != ref and (found := self._named(rest)):
            return list(found)
        return self._descend(rest, [self.root.path])

    def _descend(self, rest: str, within: list[str], depth: int = 0) -> list[int]:
        """Units named by `rest`, names run together from the top down ("阿巴嘎旗别力古台镇…"),
        below the units at the paths `within` (and not one of them)."""

        def below(pks: list[int]) -> list[int]:
            return [
                pk
                for pk in pks
                if any(self.rows[pk][0].startswith(p) and self.rows[pk][0] != p for p in within)
            ]

        if depth and (found := below(self._named(rest))):
            return found
        if depth > 6:  # deeper than any tree of divisions
            return []
        for cut in range(2, len(rest) - 1):
            heads = below(self._named(rest[:cut]))
            if heads and (
                found := self._descend(rest[cut:], [self.rows[h][0] for h in heads], depth + 1)
            ):
                return found
        return []

    def suggest(self, text: object) -> str | None:
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
        # ((whether not a stem match, closeness or depth, depth or closeness, path), name)
        best: tuple[tuple[int, float, float, str], str] | None = None
        for choice, score, _i in matches:
            for pk in (*self.by_key["name"].get(choice, ()), *self.by_key["short"].get(choice, ())):
                path, depth, name, _short, _code = self.rows[pk]
                rank: tuple[int, float, float, str]
                if division_stem(_norm(name)) == ref:  # the text is its name less 镇, 村委会 …
                    rank = (0, depth, 0.0, path)
                else:
                    rank = (1, -round(score, 3), depth, path)
                if best is None or rank < best[0]:
                    best = (rank, name)
        return best[1] if best else None

    def not_found(self, text: object) -> str:
        message = _("在“%(root)s”及其下级单位中找不到“%(value)s”。") % {
            "root": self.root.name,
            "value": text,
        }
        suggestion = self.suggest(text)
        if suggestion:
            message += _("您是不是要找“%(name)s”？") % {"name": suggestion}
        return message

    def ambiguous(self, text: object, n: int) -> str:
        return _("有 %(n)d 个单位都叫“%(value)s”，请填写 12 位行政区划代码或“上级/名称”路径。") % {
            "n": n,
            "value": text,
        }

    def resolve(self, text: object) -> Unit:
        found = self.candidates(text)
        if not found:
            raise CellError(self.not_found(text))
        if len(found) > 1:
            raise CellError(self.ambiguous(text, len(found)))
        return self.unit(found[0])
