"""The importer of the values projects report for their key tasks' indicators: a "数值（兆瓦）"
column, or "5.31万千瓦" in a cell, lands in the indicator's unit exactly."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shigan.core.spreadsheets.importers import Column
from shigan.core.spreadsheets.values import CellError
from shigan.initiatives.imports.common import UNIT_COLUMN, InitiativeImporter, titled
from shigan.initiatives.measures import MEASURES, header_measure, parse_quantity
from shigan.initiatives.models import Indicator, IndicatorReport, Project
from shigan.initiatives.services import indicators

__all__ = ["IndicatorReportImporter", "INDICATOR_REPORT_COLUMNS"]

VALUE_TITLE = gettext_lazy("新增数值（%(unit)s）")
INDICATOR_REPORT_COLUMNS = (
    UNIT_COLUMN,
    Column("project", gettext_lazy("项目名称"), required=True, aliases=("项目",), max_length=200),
    Column("indicator", gettext_lazy("指标名称"), required=True, aliases=("指标",), max_length=100),
    Column(
        "value",
        gettext_lazy("新增数值"),
        required=True,
        aliases=(
            "数值",
            "填报数值",
            *(
                titled(template, m.label)
                for template in (VALUE_TITLE, gettext_lazy("数值（%(unit)s）"))
                for m in MEASURES.values()
            ),
        ),
        help=gettext_lazy(
            "按指标的计量单位填写，或在表头注明单位（如“数值（兆瓦）”）；单元格也可写“5.31万千瓦”。"
        ),
    ),
    Column("reported_on", gettext_lazy("报告日期"), kind="date", required=True),
    Column("note", gettext_lazy("说明")),
)


class IndicatorReportImporter(InitiativeImporter):
    """Values projects report for their key tasks' indicators. A value is read once its
    indicator (and so its unit) is known: in `clean`, not cell by cell."""

    title = gettext_lazy("指标数值")
    columns = INDICATOR_REPORT_COLUMNS
    key = ("_project_pk", "_indicator_pk", "reported_on", "_value")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.value_measure: str | None = None

    def locate_header(self, rows):
        header, positions = super().locate_header(rows)
        if "value" in positions:
            # the title in the upper row of two, as the sheet spells it
            self.value_measure = header_measure(self.header_cells["value"])
        return header, positions

    def parse_value(self, raw):
        """Kept as the cell holds it (a number stays a number) until its unit is known."""
        return None if raw is None or isinstance(raw, str) and not raw.strip() else raw

    def clean(self, records):
        for record in records:
            values = record.values
            values["_unit"] = unit = self.resolve_unit(record)
            values["_project_pk"] = values["_indicator_pk"] = values["_value"] = None
            if unit is not None and values.get("project"):
                self._resolve(record, unit)

    def _resolve(self, record, unit) -> None:
        values = record.values
        project = Project.objects.filter(
            campaign=self.campaign, unit=unit, name=values["project"]
        ).first()
        if project is None:
            message = _("“%(unit)s”没有名为“%(name)s”的项目。")
            self.cell_error(
                record, "project", message % {"unit": unit.name, "name": values["project"]}
            )
            return
        indicator = Indicator.objects.filter(
            key_task_id=project.key_task_id, name=values.get("indicator") or ""
        ).first()
        if indicator is None or project.key_task_id is None:
            self.cell_error(record, "indicator", _("该项目所属重点任务没有这个指标。"))
            return
        try:
            quantity = parse_quantity(
                values.get("value"), measure=indicator.measure, default=self.value_measure
            )
        except CellError as error:
            self.cell_error(record, "value", error.message)
            return
        values.update(_project=project, _indicator=indicator, _value=quantity)
        values.update(_project_pk=project.pk, _indicator_pk=indicator.pk)

    def existing_keys(self, keys):
        projects = {k[0] for k in keys}
        return set(
            IndicatorReport.objects.filter(project__in=projects).values_list(
                "project_id", "indicator_id", "reported_on", "value"
            )
        )

    def save(self, records, *, skip_invalid):
        def write(v):
            indicators.indicator_report(
                actor=self.actor,
                project=v["_project"],
                indicator=v["_indicator"],
                value=v["_value"],
                reported_on=v["reported_on"],
                note=v.get("note") or "",
            )

        return self.save_each(records, write)
