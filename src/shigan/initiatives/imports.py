"""Spreadsheet importers of key tasks, milestones, projects and the livelihood list of a
unit's subtree in one campaign. Rows are parsed and checked here and written one by one
through the services, inside the import's transaction.

Fund columns say their unit in the header — "安排资金（万元）", "资金（元）", "资金（亿元）", or as
the English export writes it, "Funds allocated (ten thousand yuan)"; a header without one is in
yuan — and a cell's own suffix wins ("193.7亿元" in a 万元 column is still 193.7亿元).
Indicator values (the indicator_reports sheet) work the same way with units of measure: a
"数值（兆瓦）" column, or "5.31万千瓦" in a cell, lands in the indicator's unit exactly.

Negative or non-numeric amounts are refused naming the row and the column as the sheet spells
it; the whole sheet is then refused (all-or-nothing) or that row.
"""

import re
from collections import defaultdict

from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shigan.core.errors import DomainError
from shigan.core.spreadsheets.importers import Column, Importer, Record, RowError
from shigan.core.spreadsheets.values import CellError, normalize_text
from shigan.initiatives import services
from shigan.initiatives.amounts import UNIT_LABELS, header_unit, parse_amount
from shigan.initiatives.choices import FundSource, KeyTaskArea, ProjectKind, ProjectState
from shigan.initiatives.measures import MEASURES, header_measure, parse_quantity
from shigan.initiatives.models import (
    Indicator,
    IndicatorReport,
    KeyTask,
    LivelihoodArea,
    LivelihoodItem,
    Milestone,
    Project,
)
from shigan.orgs.imports import UnitIndex
from shigan.orgs.models import Person, Unit
from shigan.orgs.scoping import subtree_q

__all__ = [
    "KeyTaskImporter",
    "MilestoneImporter",
    "ProjectImporter",
    "LivelihoodImporter",
    "KEY_TASK_COLUMNS",
    "MILESTONE_COLUMNS",
    "project_columns",
    "LIVELIHOOD_COLUMNS",
    "AMOUNT_UNIT_LABELS",
    "IndicatorReportImporter",
    "INDICATOR_REPORT_COLUMNS",
]

STEP_SEPARATORS = re.compile(r"[\n；;]+")
AMOUNT_UNIT_LABELS = UNIT_LABELS
ALLOCATED_TITLE = gettext_lazy("安排资金（%(unit)s）")
DISBURSED_TITLE = gettext_lazy("已拨付资金（%(unit)s）")

UNIT_COLUMN = Column(
    "unit",
    gettext_lazy("单位"),
    aliases=("单位名称", "填报单位"),
    help=gettext_lazy("填名称、12 位行政区划代码或“上级/名称”路径；不填则为导入所在的单位。"),
)
KEY_TASK_COLUMN = Column(
    "key_task", gettext_lazy("重点任务"), aliases=("任务名称", "所属重点任务"), max_length=200
)


def _amount_aliases(*bases: str) -> tuple[str, ...]:
    units = ("", "(元)", "(万元)", "(亿元)", "(单位:元)", "(单位:万元)", "(单位:亿元)")
    return tuple(f"{base}{unit}" for base in bases for unit in units)


KEY_TASK_COLUMNS = (
    UNIT_COLUMN,
    Column("title", gettext_lazy("任务名称"), required=True, aliases=("重点任务",), max_length=200),
    Column(
        "area",
        gettext_lazy("任务领域"),
        kind="choice",
        required=True,
        aliases=("领域",),
        choices=tuple(KeyTaskArea.choices),
    ),
    Column("goal", gettext_lazy("目标"), aliases=("任务目标",)),
    Column(
        "owner_unit",
        gettext_lazy("牵头单位"),
        help=gettext_lazy("填单位名称或 12 位行政区划代码（本次主题教育范围内）。"),
    ),
    Column("owner_leader", gettext_lazy("责任领导"), help=gettext_lazy("填已登记人员的姓名。")),
    Column("starts_on", gettext_lazy("开始日期"), kind="date"),
    Column("roadmap", gettext_lazy("路线图"), help=gettext_lazy("每个步骤一行，或用分号分隔。")),
    Column("task_book_text", gettext_lazy("任务书"), aliases=("任务书内容",)),
)

MILESTONE_COLUMNS = (
    UNIT_COLUMN,
    Column(
        "key_task",
        gettext_lazy("重点任务"),
        required=True,
        aliases=("任务名称",),
        max_length=200,
    ),
    Column("title", gettext_lazy("节点名称"), required=True, aliases=("时间节点",), max_length=200),
    Column(
        "due_on",
        gettext_lazy("完成时限"),
        kind="date",
        help=gettext_lazy("须为工作日；不填为“时限未定”。"),
    ),
    Column("weight", gettext_lazy("权重"), kind="int", help=gettext_lazy("不填为 1（等权）。")),
    Column(
        "done_on",
        gettext_lazy("完成日期"),
        kind="date",
        help=gettext_lazy("已完成的节点填写；不填为未完成。"),
    ),
    Column("note", gettext_lazy("完成情况")),
)


def _titled(template, unit):
    """A column title naming its unit, translated when shown (so a sheet in either language
    matches it)."""
    return lazy(lambda: str(template) % {"unit": unit}, str)()


def _in_every_unit(template) -> tuple:
    """A fund column's title in each unit (and, being lazy, in each language)."""
    return tuple(_titled(template, label) for label in AMOUNT_UNIT_LABELS.values())


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
            _titled(ALLOCATED_TITLE, label),
            aliases=(
                *_amount_aliases("安排资金", "资金", "下达资金", "项目资金", "资金安排"),
                *_in_every_unit(ALLOCATED_TITLE),
            ),
            help=gettext_lazy("表头注明单位（元、万元、亿元）；单元格也可写“193.7亿元”。"),
        ),
        Column(
            "funds_disbursed",
            _titled(DISBURSED_TITLE, label),
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


LIVELIHOOD_COLUMNS = (
    Column("number", gettext_lazy("序号"), kind="int", aliases=("编号",)),
    Column(
        "area",
        gettext_lazy("民生领域"),
        required=True,
        aliases=("领域", "方面"),
        help=gettext_lazy("填已设置的民生领域名称。"),
    ),
    Column("title", gettext_lazy("项目名称"), required=True, aliases=("民生项目",), max_length=200),
    Column(
        "unit",
        gettext_lazy("责任单位"),
        aliases=("单位",),
        help=gettext_lazy("填名称或 12 位行政区划代码；不填则为导入所在的单位。"),
    ),
    Column("target", gettext_lazy("目标任务"), aliases=("目标",)),
    Column("deadline", gettext_lazy("完成时限"), kind="date"),
    Column("listed_on", gettext_lazy("列入日期"), kind="date"),
)


class InitiativeImporter(Importer):
    """Shared: the import's unit (its subtree) and campaign, unit and people lookups."""

    def __init__(self, *, unit: Unit, campaign, **kwargs):
        super().__init__(**kwargs)
        self.unit = unit
        self.campaign = campaign
        self._indexes: dict[int, UnitIndex] = {}
        self._people = None

    def index(self, root: Unit) -> UnitIndex:
        if root.pk not in self._indexes:
            self._indexes[root.pk] = UnitIndex(root)
        return self._indexes[root.pk]

    def resolve_unit(self, record: Record, key: str = "unit", root: Unit | None = None):
        text = normalize_text(record.values.get(key) or "")
        if not text:
            return self.unit if key == "unit" else None
        try:
            return self.index(root or self.unit).resolve(text)
        except CellError as error:
            self.fail(record, key, error.message)
            return None

    def resolve_person(self, record: Record, key: str) -> Person | None:
        name = record.values.get(key) or ""
        if not name:
            return None
        if self._people is None:
            root = self.campaign.root_unit
            self._people = defaultdict(list)
            people = Person.objects.filter(subtree_q([root.path], "unit__path"))
            for person in people.select_related("unit"):
                self._people[person.name].append(person)
        found = self._people.get(name, [])
        if len(found) == 1:
            return found[0]
        message = (
            _("找不到人员“%(name)s”，请先在单位中登记。")
            if not found
            else _("有 %(n)d 位人员都叫“%(name)s”。")
        ) % {"name": name, "n": len(found)}
        self.fail(record, key, message)
        return None

    def fail(self, record: Record, key: str, message: str) -> None:
        record.errors.append(
            RowError(record.row, self.column_title(key), record.raw.get(key, ""), message)
        )

    def key_tasks(self, records: list[Record], *, required: bool) -> None:
        """Each row's key task, by title, among those of its unit and the unit's ancestors."""
        titles = {r.values.get("key_task") for r in records if r.values.get("key_task")}
        tasks = defaultdict(list)
        query = KeyTask.objects.filter(campaign=self.campaign, title__in=titles)
        for task in query.select_related("unit"):
            tasks[task.title].append(task)
        for record in records:
            unit, title = record.values.get("_unit"), record.values.get("key_task")
            record.values["_task"] = None
            if not title or unit is None:
                if required and unit is not None:
                    self.fail(record, "key_task", _("必填，不能为空。"))
                continue
            found = [t for t in tasks.get(title, []) if unit.path.startswith(t.unit.path)]
            if len(found) == 1:
                record.values["_task"] = found[0]
            elif not found:
                message = _("“%(unit)s”及其上级没有这个重点任务。") % {"unit": unit.name}
                self.fail(record, "key_task", message)
            else:
                self.fail(record, "key_task", _("有多个同名的重点任务，请改名区分。"))

    def save_each(self, records: list[Record], write) -> dict[int, DomainError]:
        refused = {}
        for i, record in enumerate(records):
            try:
                write(record.values)
            except DomainError as error:
                refused[i] = error
        return refused


class KeyTaskImporter(InitiativeImporter):
    title = gettext_lazy("重点任务")
    columns = KEY_TASK_COLUMNS
    key = ("_unit_pk", "title")

    def clean(self, records):
        for record in records:
            values = record.values
            values["_unit"] = unit = self.resolve_unit(record)
            values["_unit_pk"] = getattr(unit, "pk", None)
            values["_owner_unit"] = self.resolve_unit(
                record, "owner_unit", root=self.campaign.root_unit
            )
            values["_leader"] = self.resolve_person(record, "owner_leader")

    def existing_keys(self, keys):
        units = {k[0] for k in keys}
        return set(
            KeyTask.objects.filter(campaign=self.campaign, unit__in=units).values_list(
                "unit_id", "title"
            )
        )

    def save(self, records, *, skip_invalid):
        def write(v):
            steps = [s.strip() for s in STEP_SEPARATORS.split(v.get("roadmap") or "") if s.strip()]
            services.key_task_create(
                actor=self.actor,
                campaign=self.campaign,
                unit=v["_unit"],
                area=v["area"],
                title=v["title"],
                goal=v.get("goal") or "",
                owner_unit=v.get("_owner_unit"),
                owner_leader=v.get("_leader"),
                starts_on=v.get("starts_on"),
                roadmap="\n".join(steps),
                task_book_text=v.get("task_book_text") or "",
            )

        return self.save_each(records, write)


class MilestoneImporter(InitiativeImporter):
    title = gettext_lazy("时间节点")
    columns = MILESTONE_COLUMNS
    key = ("_task_pk", "title")

    def clean(self, records):
        for record in records:
            record.values["_unit"] = self.resolve_unit(record) if record.ok else None
        self.key_tasks(records, required=True)
        for record in records:
            task = record.values.get("_task")
            record.values["_task_pk"] = getattr(task, "pk", None)

    def existing_keys(self, keys):
        tasks = {k[0] for k in keys}
        return set(Milestone.objects.filter(key_task__in=tasks).values_list("key_task", "title"))

    def save(self, records, *, skip_invalid):
        def write(v):
            milestone = services.milestone_add(
                actor=self.actor,
                key_task=v["_task"],
                title=v["title"],
                due_on=v.get("due_on"),
                weight=v.get("weight") or 1,
            )
            if v.get("done_on"):
                services.milestone_complete(
                    actor=self.actor, milestone=milestone, done_on=v["done_on"], note=v.get("note")
                )

        return self.save_each(records, write)


class ProjectImporter(InitiativeImporter):
    """Projects with their funds; see the module text for the fund columns' units."""

    title = gettext_lazy("项目资金")
    key = ("_unit_pk", "name")
    amount_keys = ("funds_allocated", "funds_disbursed")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.columns = project_columns()
        self.amount_units: dict[str, str] = {}
        self.headers: dict[str, str] = {}

    def locate_header(self, rows):
        header, positions = super().locate_header(rows)
        for key in self.amount_keys:
            if key in positions:
                text = str(rows[header][positions[key]])
                self.amount_units[key] = header_unit(text) or "yuan"
                self.headers[self.column_title(key)] = text.strip()
        return header, positions

    def records(self, rows):
        records = super().records(rows)
        for record in records:  # errors name the fund columns as the sheet spells them
            for error in record.errors:
                error.column = self.headers.get(error.column, error.column)
        return records

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
                self.fail(record, "area", _("没有重点任务的项目须填写任务领域。"))

    def existing_keys(self, keys):
        units = {k[0] for k in keys}
        return set(
            Project.objects.filter(campaign=self.campaign, unit__in=units).values_list(
                "unit_id", "name"
            )
        )

    def save(self, records, *, skip_invalid):
        def write(v):
            services.project_create(
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


class LivelihoodImporter(InitiativeImporter):
    """The office's livelihood list; rows keep the sheet's 序号 when given."""

    title = gettext_lazy("民生项目清单")
    columns = LIVELIHOOD_COLUMNS
    key = ("title",)

    def clean(self, records):
        areas = {a.name: a for a in LivelihoodArea.objects.filter(campaign=self.campaign)}
        for record in records:
            values = record.values
            values["_unit"] = self.resolve_unit(record, root=self.campaign.root_unit)
            if not values.get("unit"):
                values["_unit"] = self.unit
            name = values.get("area")
            values["_area"] = areas.get(name)
            if name and values["_area"] is None:
                self.fail(
                    record,
                    "area",
                    _("没有名为“%(name)s”的民生领域，可选：%(names)s。")
                    % {"name": name, "names": "、".join(areas) or "—"},
                )

    def existing_keys(self, keys):
        titles = {k[0] for k in keys}
        return {
            (t,)
            for t in LivelihoodItem.objects.filter(
                campaign=self.campaign, title__in=titles
            ).values_list("title", flat=True)
        }

    def save(self, records, *, skip_invalid):
        def write(v):
            services.livelihood_item_create(
                actor=self.actor,
                campaign=self.campaign,
                area=v["_area"],
                title=v["title"],
                unit=v["_unit"],
                target=v.get("target") or "",
                deadline=v.get("deadline"),
                number=v.get("number"),
                listed_on=v.get("listed_on"),
            )

        return self.save_each(records, write)


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
                _titled(template, m.label)
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
        self.value_header = ""

    def locate_header(self, rows):
        header, positions = super().locate_header(rows)
        if "value" in positions:
            self.value_header = str(rows[header][positions["value"]]).strip()
            self.value_measure = header_measure(self.value_header)
        return header, positions

    def records(self, rows):
        records = super().records(rows)
        for record in records:  # errors name the value column as the sheet spells it
            for error in record.errors:
                if error.column == self.column_title("value"):
                    error.column = self.value_header or error.column
        return records

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
            self.fail(record, "project", message % {"unit": unit.name, "name": values["project"]})
            return
        indicator = Indicator.objects.filter(
            key_task_id=project.key_task_id, name=values.get("indicator") or ""
        ).first()
        if indicator is None or project.key_task_id is None:
            self.fail(record, "indicator", _("该项目所属重点任务没有这个指标。"))
            return
        try:
            quantity = parse_quantity(
                values.get("value"), measure=indicator.measure, default=self.value_measure
            )
        except CellError as error:
            self.fail(record, "value", error.message)
            return
        values.update(_project=project, _indicator=indicator, _value=quantity)
        values.update(_project_pk=project.pk, _indicator_pk=indicator.pk)

    def fail(self, record, key, message):
        super().fail(record, key, message)
        if key == "value" and self.value_header:
            record.errors[-1].column = self.value_header

    def existing_keys(self, keys):
        projects = {k[0] for k in keys}
        return set(
            IndicatorReport.objects.filter(project__in=projects).values_list(
                "project_id", "indicator_id", "reported_on", "value"
            )
        )

    def save(self, records, *, skip_invalid):
        def write(v):
            services.indicator_report(
                actor=self.actor,
                project=v["_project"],
                indicator=v["_indicator"],
                value=v["_value"],
                reported_on=v["reported_on"],
                note=v.get("note") or "",
            )

        return self.save_each(records, write)
