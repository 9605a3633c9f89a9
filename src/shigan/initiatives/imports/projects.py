"""The importer of projects and their funds.

Fund columns say their unit in the header — "安排资金（万元）", "资金（元）", "资金（亿元）", or as
the English export writes it, "Funds allocated (ten thousand yuan)"; a header without one is in
yuan — and a cell's own suffix wins ("193.7亿元" in a 万元 column is still 193.7亿元)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shigan.core.spreadsheets.importers import Column
from shigan.initiatives.amounts import UNIT_LABELS, header_unit, parse_amount
from shigan.initiatives.choices import FundSource, KeyTaskArea, ProjectKind, ProjectState
from shigan.initiatives.imports.common import (
    KEY_TASK_COLUMN,
    UNIT_COLUMN,
    InitiativeImporter,
    titled,
)
from shigan.initiatives.models import Project
from shigan.initiatives.services import projects

__all__ = ["ProjectImporter", "project_columns", "AMOUNT_UNIT_LABELS"]

AMOUNT_UNIT_LABELS = UNIT_LABELS
ALLOCATED_TITLE = gettext_lazy("安排资金（%(unit)s）")
DISBURSED_TITLE = gettext_lazy("已拨付资金（%(unit)s）")


def _amount_aliases(*bases: str) -> tuple[str, ...]:
    units = ("", "(元)", "(万元)", "(亿元)", "(单位:元)", "(单位:万元)", "(单位:亿元)")
    return tuple(f"{base}{unit}" for base in bases for unit in units)


def _in_every_unit(template) -> tuple:
    """A fund column's title in each unit (and, being lazy, in each language)."""
    return tuple(titled(template, label) for label in AMOUNT_UNIT_LABELS.values())


def project_columns(unit: str = "yuan") -> tuple[Column, ...]:
    """The project sheet's columns, the fund columns titled in `unit` (元 or 万元)."""
    label = AMOUNT_UNIT_LABELS[unit]
    return (
        UNIT_COLUMN,
        KEY_TASK_COLUMN,
        Column("name", gettext_lazy("项目名称"), required=True, aliases=("项目",), max_length=200),
        Column(
            "area",
            gettext_lazy("任务领域"),
            kind="choice",
            choices=tuple(KeyTaskArea.choices),
            help=gettext_lazy("填了重点任务的，领域随重点任务。"),
        ),
        Column(
            "kind",
            gettext_lazy("项目类型"),
            kind="choice",
            required=True,
            aliases=("类型",),
            choices=tuple(ProjectKind.choices),
        ),
        Column(
            "fund_source",
            gettext_lazy("资金来源"),
            kind="choice",
            choices=tuple(FundSource.choices),
        ),
        Column(
            "funds_allocated",
            titled(ALLOCATED_TITLE, label),
            aliases=(
                *_amount_aliases("安排资金", "资金", "下达资金", "项目资金", "资金安排"),
                *_in_every_unit(ALLOCATED_TITLE),
            ),
            help=gettext_lazy("表头注明单位（元、万元、亿元）；单元格也可写“193.7亿元”。"),
        ),
        Column(
            "funds_disbursed",
            titled(DISBURSED_TITLE, label),
            aliases=(
                *_amount_aliases("已拨付资金", "拨付资金", "已拨付"),
                *_in_every_unit(DISBURSED_TITLE),
            ),
        ),
        Column("state", gettext_lazy("状态"), kind="choice", choices=tuple(ProjectState.choices)),
        Column("approved_on", gettext_lazy("立项日期"), kind="date"),
        Column("started_on", gettext_lazy("开工日期"), kind="date"),
        Column("finished_on", gettext_lazy("完工日期"), kind="date"),
    )


class ProjectImporter(InitiativeImporter):
    """Projects with their funds; see the module text for the fund columns' units."""

    title = gettext_lazy("项目资金")
    key = ("_unit_pk", "name")
    amount_keys = ("funds_allocated", "funds_disbursed")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.columns = project_columns()
        self.amount_units: dict[str, str] = {}

    def locate_header(self, rows):
        header, positions = super().locate_header(rows)
        for key in self.amount_keys:
            if key in positions:
                text = self.header_cells[key]  # in the upper row of a two-row header
                self.amount_units[key] = header_unit(text) or "yuan"
        return header, positions

    def parse_funds_allocated(self, raw):
        return parse_amount(raw, default_unit=self.amount_units.get("funds_allocated", "yuan"))

    def parse_funds_disbursed(self, raw):
        return parse_amount(raw, default_unit=self.amount_units.get("funds_disbursed", "yuan"))

    def clean(self, records):
        for record in records:
            values = record.values
            values["_unit"] = unit = self.resolve_unit(record)
            values["_unit_pk"] = getattr(unit, "pk", None)
        self.key_tasks(records, required=False)
        for record in records:
            v = record.values
            if v.get("_unit") is not None and not v.get("key_task") and not v.get("area"):
                self.cell_error(record, "area", _("没有重点任务的项目须填写任务领域。"))

    def existing_keys(self, keys):
        units = {k[0] for k in keys}
        return set(
            Project.objects.filter(campaign=self.campaign, unit__in=units).values_list(
                "unit_id", "name"
            )
        )

    def save(self, records, *, skip_invalid):
        def write(v):
            projects.project_create(
                actor=self.actor,
                campaign=self.campaign,
                unit=v["_unit"],
                name=v["name"],
                kind=v["kind"],
                key_task=v.get("_task"),
                area=v.get("area") or None,
                fund_source=v.get("fund_source") or FundSource.OTHER,
                funds_allocated=v.get("funds_allocated"),
                funds_disbursed=v.get("funds_disbursed"),
                state=v.get("state") or ProjectState.PLANNED,
                approved_on=v.get("approved_on"),
                started_on=v.get("started_on"),
                finished_on=v.get("finished_on"),
            )

        return self.save_each(records, write)
