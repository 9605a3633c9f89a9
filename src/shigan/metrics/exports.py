"""A figure's records as a spreadsheet: what a drill-down lists, every row."""

from collections.abc import Iterator

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from shigan.core.spreadsheets.exporters import Exporter
from shigan.core.spreadsheets.importers import Column
from shigan.metrics.tables import record_row, shaped

__all__ = ["FigureRecordsExporter"]


class FigureRecordsExporter(Exporter):
    def __init__(self, *, title: str, records: QuerySet[Model]) -> None:
        # Each figure's sheet has its own title; Exporter declares `title` a class variable.
        self.title = title  # type: ignore[misc]
        self.shape, self.records = shaped(records)
        columns = [
            Column("no", _("序号"), kind="int"),
            Column("text", _("记录")),
            Column("unit", _("单位")),
            Column("date", _("日期"), kind="date"),
        ]
        if self.shape.has_aspect:
            columns.append(Column("aspect", _("方面")))
        if self.shape.has_state:
            columns.append(Column("state", _("状态")))
        if self.shape.amount_field:
            columns.append(Column("amount", _("金额（元）")))
        self.columns = columns

    def count(self) -> int:
        return self.records.count()

    def rows(self) -> Iterator[tuple[object, ...]]:
        keys = [c.key for c in self.columns][1:]
        for n, record in enumerate(self.records.iterator(2000), start=1):
            row = record_row(record, self.shape)
            values = [row[k] for k in keys]
            yield (n, *[str(v) if k == "amount" and v is not None else v
                        for k, v in zip(keys, values, strict=True)])  # fmt: skip
