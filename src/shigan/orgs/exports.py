"""Spreadsheet exporters of the unit tree: a subtree of units, and the roles granted in it.

The unit sheet has the importer's columns, so an exported subtree imports back unchanged.
"""

from collections.abc import Iterator

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy

from shigan.core.spreadsheets.exporters import Exporter
from shigan.orgs.choices import PersonRank, Role, UnitKind
from shigan.orgs.imports import MEMBERSHIP_COLUMNS, PERSON_COLUMNS, UNIT_COLUMNS
from shigan.orgs.models import Membership, Person, Unit, UnitQuerySet
from shigan.orgs.scoping import Viewer, path_upper
from shigan.orgs.unit_index import PATH_SEPARATOR

__all__ = ["UnitExporter", "MembershipExporter", "PersonExporter"]


class UnitExporter(Exporter):
    """Every unit of `unit`'s subtree the user may see, in tree order."""

    title = gettext_lazy("单位")
    columns = UNIT_COLUMNS

    def __init__(self, *, user: Viewer, unit: Unit) -> None:
        self.user = user
        self.unit = unit

    def queryset(self) -> UnitQuerySet:
        units = Unit.objects.restrict(self.user)
        return units.subtree_of(self.unit).order_by("path")

    def count(self) -> int:
        return self.queryset().count()

    def filename(self, ext: str) -> str:
        return f"{self.unit.name}-单位.{ext}"

    def rows(self) -> Iterator[tuple[object, ...]]:
        labels = dict(UnitKind.choices)
        names: dict[str, str] = {}
        query = self.queryset().values_list(
            "path", "name", "short_name", "kind", "division_code", "sort_order"
        )
        top = len(self.unit.path)
        for path, name, short_name, kind, code, sort_order in query.iterator(5000):
            parent_names = names.get(path[: -Unit.steplen], "") if len(path) > top else ""
            own = f"{parent_names}{PATH_SEPARATOR}{name}" if parent_names else name
            names[path] = own
            yield (
                own,
                name,
                short_name,
                str(labels.get(kind, kind)),
                code or "",
                parent_names,
                sort_order,
            )


class MembershipExporter(Exporter):
    """The roles granted on the units of `unit`'s subtree that the user may see."""

    title = gettext_lazy("角色授权")
    columns = MEMBERSHIP_COLUMNS

    def __init__(self, *, user: Viewer, unit: Unit) -> None:
        self.user = user
        self.unit = unit

    def queryset(self) -> QuerySet[Membership]:
        return (
            Membership.objects.restrict(self.user, "view")
            .filter(unit__path__gte=self.unit.path, unit__path__lt=path_upper(self.unit.path))
            .order_by("unit__path", "user__username", "role")
        )

    def count(self) -> int:
        return self.queryset().count()

    def filename(self, ext: str) -> str:
        return f"{self.unit.name}-角色授权.{ext}"

    def rows(self) -> Iterator[tuple[object, ...]]:
        labels = dict(Role.choices)
        query = self.queryset().values_list(
            "user__username", "unit__name", "unit__division_code", "role", "unit__path"
        )
        names: dict[str, str] = {}
        for username, _unit_name, code, role, path in query.iterator(5000):
            # A division code names the unit without ambiguity; other units by their path.
            if code:
                ref = code
            else:
                ref = names.get(path) or _name_path(self.unit, path)
                names[path] = ref
            yield (username, ref, str(labels.get(role, role)))


class PersonExporter(Exporter):
    """The roster of `unit`'s subtree (people on it, not those who left) the user may see, in
    the importer's columns: a unit by its name, or its path where the name is not unique."""

    title = gettext_lazy("人员名册")
    columns = PERSON_COLUMNS

    def __init__(self, *, user: Viewer, unit: Unit) -> None:
        self.user = user
        self.unit = unit

    def queryset(self) -> QuerySet[Person]:
        people = Person.objects.restrict(self.user)
        return people.filter(
            active=True, unit__path__gte=self.unit.path, unit__path__lt=path_upper(self.unit.path)
        ).order_by("unit__path", "pk")

    def count(self) -> int:
        return self.queryset().count()

    def filename(self, ext: str) -> str:
        return f"{self.unit.name}-人员名册.{ext}"

    def unit_refs(self, units: dict[str, tuple[str, str | None]]) -> dict[str, str]:
        """Unit path → how the sheet names it: its name, or where another unit of the subtree
        has that name too, its division code or else its path of names."""
        clashes = set(
            Unit.objects.subtree_of(self.unit)
            .filter(name__in={name for name, _code in units.values()})
            .order_by()
            .values("name")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .values_list("name", flat=True)
        )
        return {
            path: name if name not in clashes else code or _name_path(self.unit, path)
            for path, (name, code) in units.items()
        }

    def rows(self) -> Iterator[tuple[object, ...]]:
        labels = dict(PersonRank.choices)
        people = list(
            self.queryset().values_list(
                "name", "unit__path", "unit__name", "unit__division_code", "post", "rank", "phone"
            )
        )
        refs = self.unit_refs({p[1]: (p[2], p[3]) for p in people})
        for seq, (name, path, _unit, _code, post, rank, phone) in enumerate(people, start=1):
            yield (seq, name, refs[path], post, str(labels.get(rank, rank)), phone)


def _name_path(top: Unit, path: str) -> str:
    paths = [path[:i] for i in range(len(top.path), len(path) + 1, Unit.steplen)]
    by_path = dict(Unit.objects.filter(path__in=paths).values_list("path", "name"))
    return PATH_SEPARATOR.join(by_path[p] for p in paths if p in by_path)
