"""Spreadsheet exporters of the unit tree: a subtree of units, and the roles granted in it.

The unit sheet has the importer's columns, so an exported subtree imports back unchanged.
"""

from collections.abc import Iterator

from django.utils.translation import gettext_lazy

from shigan.core.spreadsheets.exporters import Exporter
from shigan.orgs.choices import Role, UnitKind
from shigan.orgs.imports import MEMBERSHIP_COLUMNS, PATH_SEPARATOR, UNIT_COLUMNS
from shigan.orgs.models import Membership, Unit

__all__ = ["UnitExporter", "MembershipExporter"]


class UnitExporter(Exporter):
    """Every unit of `unit`'s subtree the user may see, in tree order."""

    title = gettext_lazy("单位")
    columns = UNIT_COLUMNS

    def __init__(self, *, user, unit: Unit):
        self.user = user
        self.unit = unit

    def queryset(self):
        units = Unit.objects.all() if self.user is None else Unit.objects.restrict(self.user)
        return units.subtree_of(self.unit).order_by("path")

    def count(self) -> int:
        return self.queryset().count()

    def filename(self, ext: str) -> str:
        return f"{self.unit.name}-单位.{ext}"

    def rows(self) -> Iterator[tuple]:
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

    def __init__(self, *, user, unit: Unit):
        self.user = user
        self.unit = unit

    def queryset(self):
        memberships = (
            Membership.objects.all()
            if self.user is None  # the system itself (CLI)
            else Membership.objects.restrict(self.user, "view")
        )
        return memberships.filter(
            unit__path__gte=self.unit.path, unit__path__lt=_upper(self.unit.path)
        ).order_by("unit__path", "user__username", "role")

    def count(self) -> int:
        return self.queryset().count()

    def filename(self, ext: str) -> str:
        return f"{self.unit.name}-角色授权.{ext}"

    def rows(self) -> Iterator[tuple]:
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


def _upper(path: str) -> str:
    from shigan.orgs.scoping import path_upper

    return path_upper(path)


def _name_path(top: Unit, path: str) -> str:
    paths = [path[:i] for i in range(len(top.path), len(path) + 1, Unit.steplen)]
    by_path = dict(Unit.objects.filter(path__in=paths).values_list("path", "name"))
    return PATH_SEPARATOR.join(by_path[p] for p in paths if p in by_path)
