"""People named in a sheet (the leaders of a ledger's rows), found on the roster as seen from
the row's unit; a name the roster lacks is a new person."""

import re
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from shigan.core.spreadsheets.values import CellError, names_text, normalize_text
from shigan.orgs.models import Person, Unit
from shigan.orgs.names import split_title
from shigan.orgs.scoping import subtree_q

__all__ = ["Roster", "NewPerson", "leader_entries", "split_title"]


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


def leader_entries(raw: object) -> list[tuple[str, str]]:
    """(name, bracketed note) for each leader named in a cell, in order; a post written in
    front of a name is dropped ("旗委书记巴特尔", and "党组书记 王伟" with a space). A post alone
    stays, for the caller to refuse."""
    found = [
        (m[1], (m[2] or "").strip()) for m in _LEADER.finditer(names_text(normalize_text(raw)))
    ]
    entries = []
    for i, (name, note) in enumerate(found):
        post, bare = split_title(name)
        if post and not bare and i + 1 < len(found) and not split_title(found[i + 1][0])[0]:
            continue  # "党组书记 王伟": the post of the name after it
        entries.append((bare or name, note))
    return entries


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

    def __init__(self, root: Unit) -> None:
        ancestors = Unit.lineage_paths(root.path)[:-1]
        people = Person.objects.filter(
            subtree_q([root.path], "unit__path") | Q(unit__path__in=ancestors), active=True
        ).select_related("unit")
        self.by_name: dict[str, list[Person]] = {}
        for person in people:
            self.by_name.setdefault(person.name, []).append(person)
        self.new: dict[str, NewPerson] = {}

    def resolve(self, raw: object, unit: Unit) -> list[Person | NewPerson]:
        """The people a 责任领导 cell names (the first is the lead), as seen from the row's
        unit; raises CellError for a name two people share at the same distance."""
        found: list[Person | NewPerson] = []
        for name, note in leader_entries(raw):
            person = self._one(name, note, unit)
            if person not in found:
                found.append(person)
        return found

    def _one(self, name: str, note: str, unit: Unit) -> Person | NewPerson:
        if split_title(name) == (name, ""):
            raise CellError(
                _("“%(name)s”是职务，不是姓名，请填写责任领导的姓名。") % {"name": name}
            )
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
