"""The petition ledger as a spreadsheet, for a unit's subtree. Petitioners are masked unless
the user holds the right for that petition (`access.can_reveal`); each petition exported in the
clear writes an audit entry. Exports are never kept as job results on disk: they stream."""

from collections.abc import Iterator
from itertools import islice

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shigan.core.spreadsheets.exporters import Exporter
from shigan.core.spreadsheets.importers import Column
from shigan.orgs.models import Unit
from shigan.petitions import selectors, services
from shigan.petitions.choices import (
    Category,
    Channel,
    PetitionState,
    Satisfaction,
    UnionCategory,
)
from shigan.petitions.imports import COLUMNS as INTAKE_COLUMNS

__all__ = ["PetitionExporter", "IntakeTemplate", "EXPORT_COLUMNS"]

CHUNK = 500
YES, NO = gettext_lazy("是"), gettext_lazy("否")

EXPORT_COLUMNS = (
    Column("number", gettext_lazy("编号")),
    Column("unit", gettext_lazy("登记单位")),
    *INTAKE_COLUMNS[:-1],
    Column("handling_unit", gettext_lazy("办理单位")),
    Column("state", gettext_lazy("状态")),
    Column("accepted_on", gettext_lazy("受理日期"), kind="date"),
    Column("due_on", gettext_lazy("当前办理期限"), kind="date"),
    Column("replied_on", gettext_lazy("答复日期"), kind="date"),
    Column("on_time", gettext_lazy("按期答复")),
    Column("local", gettext_lazy("就地化解")),
    Column("satisfaction", gettext_lazy("满意度")),
)


def _yes(value) -> str:
    return str(YES) if value else str(NO)


class PetitionExporter(Exporter):
    title = gettext_lazy("信访件")
    columns = EXPORT_COLUMNS

    def __init__(self, *, user, unit: Unit, **filters):
        self.user = user
        self.unit = unit
        self.filters = filters

    def queryset(self):
        return selectors.petition_list(user=self.user, unit=self.unit, **self.filters)

    def count(self) -> int:
        return self.queryset().count()

    def filename(self, ext: str) -> str:
        return _("%(unit)s-信访件.%(ext)s") % {"unit": self.unit.name, "ext": ext}

    def rows(self) -> Iterator[tuple]:
        labels = {
            "channel": dict(Channel.choices),
            "category": dict(Category.choices + UnionCategory.choices),
            "state": dict(PetitionState.choices),
            "satisfaction": dict(Satisfaction.choices),
        }
        query = self.queryset().select_related("intake_agent").order_by("received_on", "pk")
        records = query.iterator(CHUNK)
        while chunk := list(islice(records, CHUNK)):
            people = services.petitioners_read(user=self.user, petitions=chunk, purpose="export")
            for p in chunk:
                yield self._row(p, people[p.pk], labels)

    @staticmethod
    def _row(p, people, labels) -> tuple:
        def joined(attr):
            return "、".join(getattr(x, attr) for x in people if getattr(x, attr))

        return (
            p.number,
            p.unit.name,
            p.received_on,
            str(labels["channel"][p.channel]),
            joined("name"),
            joined("id_number"),
            joined("phone"),
            joined("address"),
            p.title,
            p.request,
            str(labels["category"][p.category]),
            _yes(p.first_time),
            p.handling_unit.name,
            str(labels["state"][p.state]),
            p.accepted_on,
            p.due_on,
            p.replied_on,
            _yes(p.replied_on_time) if p.replied_on else "",
            _yes(p.resolved_locally) if p.replied_on else "",
            str(labels["satisfaction"].get(p.satisfaction, "")),
        )


class IntakeTemplate(Exporter):
    """The blank intake sheet, with drop-down lists on the choice columns."""

    title = gettext_lazy("信访件")
    columns = INTAKE_COLUMNS

    def rows(self) -> Iterator[tuple]:
        return iter(())
