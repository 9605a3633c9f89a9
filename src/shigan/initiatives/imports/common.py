"""What the delivery importers share: the unit column, the key-task column, titles naming
their unit, and the base importer (the import's unit and campaign, unit, people and key-task
lookups, rows written one by one)."""

from collections import defaultdict

from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shigan.core.errors import DomainError
from shigan.core.spreadsheets.importers import Column, Importer, Record
from shigan.core.spreadsheets.values import CellError, names_text, normalize_text
from shigan.initiatives.models import KeyTask
from shigan.orgs.imports import UnitIndex
from shigan.orgs.models import Person, Unit
from shigan.orgs.scoping import subtree_q

UNIT_COLUMN = Column(
    "unit",
    gettext_lazy("单位"),
    aliases=("单位名称", "填报单位"),
    help=gettext_lazy("填名称、12 位行政区划代码或“上级/名称”路径；不填则为导入所在的单位。"),
)
KEY_TASK_COLUMN = Column(
    "key_task", gettext_lazy("重点任务"), aliases=("任务名称", "所属重点任务"), max_length=200
)


def titled(template, unit):
    """A column title naming its unit, translated when shown (so a sheet in either language
    matches it)."""
    return lazy(lambda: str(template) % {"unit": unit}, str)()


class InitiativeImporter(Importer):
    """Shared: the import's unit (its subtree) and campaign, unit and people lookups."""

    def __init__(self, *, unit: Unit, campaign, **kwargs):
        super().__init__(**kwargs)
        self.unit = unit
        self.campaign = campaign
        self._indexes: dict[int, UnitIndex] = {}
        self._people: dict[str, list[Person]] | None = None

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
            self.cell_error(record, key, error.message)
            return None

    def resolve_person(self, record: Record, key: str) -> Person | None:
        name = names_text(record.values.get(key))
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
        self.cell_error(record, key, message)
        return None

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
                    self.cell_error(record, "key_task", _("必填，不能为空。"))
                continue
            found = [t for t in tasks.get(title, []) if unit.path.startswith(t.unit.path)]
            if len(found) == 1:
                record.values["_task"] = found[0]
            elif not found:
                message = _("“%(unit)s”及其上级没有这个重点任务。") % {"unit": unit.name}
                self.cell_error(record, "key_task", message)
            else:
                self.cell_error(record, "key_task", _("有多个同名的重点任务，请改名区分。"))

    def save_each(self, records: list[Record], write) -> dict[int, DomainError]:
        refused = {}
        for i, record in enumerate(records):
            try:
                write(record.values)
            except DomainError as error:
                refused[i] = error
        return refused
