"""Spreadsheet exporters: a batch's participating units, a campaign's aspects, visits."""

from collections.abc import Iterator

from django.utils.translation import gettext_lazy

from shigan.campaigns.choices import AspectKind, VisitPurpose
from shigan.campaigns.imports import PARTICIPATION_COLUMNS
from shigan.campaigns.models import Batch, Campaign
from shigan.campaigns.selectors import aspect_list, participation_list
from shigan.core.spreadsheets.exporters import Exporter
from shigan.core.spreadsheets.importers import Column

__all__ = ["ParticipationExporter", "AspectExporter", "VisitExporter", "ASPECT_COLUMNS"]

ASPECT_COLUMNS = (
    Column("kind", gettext_lazy("类别"), kind="choice", choices=tuple(AspectKind.choices)),
    Column("ordinal", gettext_lazy("序号"), kind="int"),
    Column("name", gettext_lazy("名称")),
)

VISIT_COLUMNS = (
    Column("visited_on", gettext_lazy("指导日期"), kind="date"),
    Column("group", gettext_lazy("指导组")),
    Column("unit", gettext_lazy("被指导单位")),
    Column("code", gettext_lazy("行政区划代码")),
    Column("purpose", gettext_lazy("事项"), kind="choice", choices=tuple(VisitPurpose.choices)),
    Column("notes", gettext_lazy("情况记录")),
    Column("created_by", gettext_lazy("登记人")),
)


class ParticipationExporter(Exporter):
    """The units of a batch the user sees; the sheet imports back unchanged."""

    title = gettext_lazy("参学单位")
    columns = PARTICIPATION_COLUMNS

    def __init__(self, *, user, batch: Batch):
        self.user = user
        self.batch = batch

    def queryset(self):
        return participation_list(user=self.user, batch=self.batch)

    def count(self) -> int:
        return self.queryset().count()

    def filename(self, ext: str) -> str:
        return f"{self.batch.campaign.name}-{self.batch.name}-参学单位.{ext}"

    def rows(self) -> Iterator[tuple]:
        query = self.queryset().values_list("unit__name", "unit__division_code", "enrolled_on")
        for name, code, day in query.iterator(5000):
            yield (code or name, day)


class AspectExporter(Exporter):
    title = gettext_lazy("方面")
    columns = ASPECT_COLUMNS

    def __init__(self, *, user, campaign: Campaign):
        self.user = user
        self.campaign = campaign

    def count(self) -> int:
        return aspect_list(campaign=self.campaign).count()

    def filename(self, ext: str) -> str:
        return f"{self.campaign.name}-方面.{ext}"

    def rows(self) -> Iterator[tuple]:
        labels = dict(AspectKind.choices)
        for aspect in aspect_list(campaign=self.campaign):
            yield (str(labels[aspect.kind]), aspect.ordinal, aspect.name)


class VisitExporter(Exporter):
    """The visits a list page shows (its queryset, already scoped and filtered)."""

    title = gettext_lazy("指导记录")
    columns = VISIT_COLUMNS

    def __init__(self, *, visits, campaign: Campaign):
        self.visits = visits
        self.campaign = campaign

    def count(self) -> int:
        return self.visits.count()

    def filename(self, ext: str) -> str:
        return f"{self.campaign.name}-指导记录.{ext}"

    def rows(self) -> Iterator[tuple]:
        labels = dict(VisitPurpose.choices)
        for visit in self.visits.iterator(2000):
            yield (
                visit.visited_on,
                visit.group.name,
                visit.unit.name,
                visit.unit.division_code or "",
                str(labels.get(visit.purpose, visit.purpose)),
                visit.notes,
                visit.created_by.username if visit.created_by else "",
            )
