"""Importers of key tasks and their milestones."""

import re

from django.utils.translation import gettext_lazy

from shigan.core.spreadsheets.importers import Column
from shigan.initiatives.choices import KeyTaskArea
from shigan.initiatives.imports.common import UNIT_COLUMN, InitiativeImporter
from shigan.initiatives.models import KeyTask, Milestone
from shigan.initiatives.services import key_tasks, milestones

__all__ = ["KeyTaskImporter", "MilestoneImporter", "KEY_TASK_COLUMNS", "MILESTONE_COLUMNS"]

STEP_SEPARATORS = re.compile(r"[\n；;]+")


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
        deadline=True,
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
            key_tasks.key_task_create(
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
            milestone = milestones.milestone_add(
                actor=self.actor,
                key_task=v["_task"],
                title=v["title"],
                due_on=v.get("due_on"),
                weight=v.get("weight") or 1,
            )
            if v.get("done_on"):
                milestones.milestone_complete(
                    actor=self.actor, milestone=milestone, done_on=v["done_on"], note=v.get("note")
                )

        return self.save_each(records, write)
