"""Spreadsheet exporters of key tasks, milestones, projects and the livelihood list. The
columns are the importers', so an exported sheet imports back unchanged.

Funds leave as exact numbers: a Decimal is written into the xlsx cell as its own decimal text
(XlsxWriter formats the value with 16 significant digits, which every amount below
`FUNDS_MAX` fits — in 万元 with six places, down to the fen); csv gets the same text. An amount
that would not fit is written as text rather than rounded.
"""

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Model
from django.utils.translation import gettext_lazy

from shigan.core.spreadsheets.exporters import Exporter
from shigan.initiatives.amounts import to_unit
from shigan.initiatives.choices import FundSource, KeyTaskArea, ProjectKind, ProjectState
from shigan.initiatives.imports.indicators import INDICATOR_REPORT_COLUMNS
from shigan.initiatives.imports.key_tasks import KEY_TASK_COLUMNS, MILESTONE_COLUMNS
from shigan.initiatives.imports.livelihood import LIVELIHOOD_COLUMNS
from shigan.initiatives.imports.projects import project_columns
from shigan.initiatives.measures import quantity_text
from shigan.initiatives.models import IndicatorReport, KeyTask, LivelihoodItem, Milestone, Project
from shigan.orgs.models import Unit
from shigan.orgs.scoping import subtree_q

__all__ = [
    "KeyTaskExporter",
    "MilestoneExporter",
    "ProjectExporter",
    "LivelihoodExporter",
    "IndicatorReportExporter",
]

EXACT_DIGITS = 15  # what a spreadsheet number holds without rounding


class InitiativeExporter(Exporter):
    model: type[Model] | None = None
    noun = ""
    unit_path = "unit__path"

    def __init__(self, *, user, unit: Unit, campaign, **options):
        self.user = user
        self.unit = unit
        self.campaign = campaign

    def queryset(self):
        records = self.model.objects.restrict(self.user, "view")
        return records.filter(subtree_q([self.unit.path], self.unit_path))

    def count(self) -> int:
        return self.queryset().count()

    def filename(self, ext: str) -> str:
        return f"{self.unit.name}-{self.noun}.{ext}"

    def unit_ref(self, unit: Unit) -> str:
        return "" if unit.pk == self.unit.pk else (unit.division_code or unit.name)

    def _formats(self, workbook):
        formats = super()._formats(workbook)
        formats["yuan"] = workbook.add_format({"num_format": "#,##0.00"})
        formats["wan"] = workbook.add_format({"num_format": "#,##0.00####"})
        return formats

    @staticmethod
    def _write_cell(sheet, r: int, c: int, value, formats) -> None:
        if isinstance(value, Decimal):
            if len(value.as_tuple().digits) > EXACT_DIGITS:
                sheet.write_string(r, c, str(value))
            else:
                exponent = value.as_tuple().exponent  # an int for a finite amount
                fine = isinstance(exponent, int) and exponent < -2
                fmt = formats["wan"] if fine else formats["yuan"]
                sheet.write_number(r, c, value, fmt)  # the Decimal's own digits, no float
            return
        Exporter._write_cell(sheet, r, c, value, formats)


def _label(choices, value) -> str:
    return str(dict(choices.choices).get(value, value))


class KeyTaskExporter(InitiativeExporter):
    title = gettext_lazy("重点任务")
    columns = KEY_TASK_COLUMNS
    model = KeyTask
    noun = "重点任务"

    def queryset(self):
        # Only the key tasks of the subtree (not those above that the user also sees).
        return super().queryset().filter(campaign=self.campaign)

    def rows(self) -> Iterator[tuple]:
        query = self.queryset().select_related("unit", "owner_unit", "owner_leader")
        for task in query.order_by("unit__path", "area", "pk").iterator(2000):
            yield (
                self.unit_ref(task.unit),
                task.title,
                _label(KeyTaskArea, task.area),
                task.goal,
                (task.owner_unit.division_code or task.owner_unit.name) if task.owner_unit else "",
                task.owner_leader.name if task.owner_leader else "",
                task.starts_on,
                "\n".join(task.roadmap_steps()),
                task.task_book_text,
            )


class MilestoneExporter(InitiativeExporter):
    title = gettext_lazy("时间节点")
    columns = MILESTONE_COLUMNS
    model = Milestone
    noun = "时间节点"
    unit_path = "key_task__unit__path"

    def queryset(self):
        return super().queryset().filter(key_task__campaign=self.campaign)

    def rows(self) -> Iterator[tuple]:
        query = self.queryset().select_related("key_task", "key_task__unit")
        for m in query.order_by("key_task__unit__path", "key_task", "ordinal", "pk").iterator(2000):
            yield (
                self.unit_ref(m.key_task.unit),
                m.key_task.title,
                m.title,
                m.due_on,
                m.weight,
                m.done_on if m.is_done() else None,
                m.evidence_note,
            )


class ProjectExporter(InitiativeExporter):
    """Funds in 元 (two places) or, with `amount_unit="wan"`, in 万元 (six places): exact."""

    title = gettext_lazy("项目资金")
    model = Project
    noun = "项目资金"

    def __init__(self, *, amount_unit: str = "yuan", **kwargs):
        super().__init__(**kwargs)
        self.amount_unit = amount_unit if amount_unit in ("yuan", "wan") else "yuan"
        self.columns = project_columns(self.amount_unit)

    def queryset(self):
        return super().queryset().filter(campaign=self.campaign)

    def rows(self) -> Iterator[tuple]:
        query = self.queryset().select_related("unit", "key_task")
        for p in query.order_by("unit__path", "-approved_on", "pk").iterator(2000):
            yield (
                self.unit_ref(p.unit),
                p.key_task.title if p.key_task else "",
                p.name,
                _label(KeyTaskArea, p.area),
                _label(ProjectKind, p.kind),
                _label(FundSource, p.fund_source),
                to_unit(p.funds_allocated, self.amount_unit),
                to_unit(p.funds_disbursed, self.amount_unit),
                _label(ProjectState, p.state),
                p.approved_on,
                p.started_on,
                p.finished_on,
            )


class LivelihoodExporter(InitiativeExporter):
    """The list in the office's order, numbered as fixed."""

    title = gettext_lazy("民生项目清单")
    columns = LIVELIHOOD_COLUMNS
    model = LivelihoodItem
    noun = "民生项目清单"

    def queryset(self):
        return super().queryset().filter(campaign=self.campaign)

    def rows(self) -> Iterator[tuple]:
        query = self.queryset().select_related("unit", "area")
        for item in query.order_by("number").iterator(2000):
            yield (
                item.number,
                item.area.name,
                item.title,
                item.unit.division_code or item.unit.name,
                item.target,
                item.deadline,
                item.listed_on,
            )


class IndicatorReportExporter(InitiativeExporter):
    """Indicator values with their unit written out ("231千瓦"), so they import back exactly."""

    title = gettext_lazy("指标数值")
    columns = INDICATOR_REPORT_COLUMNS
    model = IndicatorReport
    noun = "指标数值"
    unit_path = "project__unit__path"

    def queryset(self):
        return super().queryset().filter(project__campaign=self.campaign)

    def rows(self) -> Iterator[tuple]:
        query = self.queryset().select_related("project__unit", "indicator")
        for r in query.order_by("project__unit__path", "project__name", "reported_on", "pk"):
            yield (
                self.unit_ref(r.project.unit),
                r.project.name,
                r.indicator.name,
                quantity_text(r.value, r.indicator.measure),
                r.reported_on,
                r.note,
            )
