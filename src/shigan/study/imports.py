"""The study ledger sheet: 序号, 单位, 学习形式, 主题, 日期, 参加人数, 参加领导.

Offices keep it their own way — a merged title row above the header, dates written
2023年4月13日, leaders separated by 、 or ，. Rows are saved through `study_activity_create`.
"""

import re
from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rapidfuzz import fuzz, process

from shigan.core.errors import DomainError
from shigan.core.spreadsheets.importers import Column, Importer, Record, RowError
from shigan.core.spreadsheets.values import names_text, normalize_text
from shigan.orgs.imports import UnitIndex
from shigan.orgs.models import Person, Unit
from shigan.orgs.scoping import path_upper
from shigan.study.choices import StudyKind
from shigan.study.models import StudyActivity
from shigan.study.services import study_activity_create

__all__ = ["StudyActivityImporter", "STUDY_COLUMNS", "split_names"]

STUDY_COLUMNS = (
    Column("seq", gettext_lazy("序号"), kind="int", aliases=("编号", "序")),
    Column(
        "unit",
        gettext_lazy("单位"),
        aliases=("单位名称", "学习单位", "组织单位", "党组织"),
        help=gettext_lazy("不填则为导入所在的单位。"),
    ),
    Column(
        "kind",
        gettext_lazy("学习形式"),
        kind="choice",
        required=True,
        aliases=("形式", "学习方式", "类型", "活动形式"),
        choices=tuple(StudyKind.choices),
    ),
    Column(
        "title",
        gettext_lazy("主题"),
        required=True,
        aliases=("学习主题", "活动主题", "学习内容", "标题", "内容"),
        max_length=200,
    ),
    Column(
        "held_on",
        gettext_lazy("日期"),
        kind="date",
        required=True,
        aliases=("学习日期", "时间", "学习时间", "活动时间", "举办时间"),
    ),
    Column(
        "participants",
        gettext_lazy("参加人数"),
        kind="int",
        aliases=("人数", "参学人数", "参加人员数"),
    ),
    Column(
        "leaders",
        gettext_lazy("参加领导"),
        aliases=("参加领导干部", "领导干部", "参学领导"),
        help=gettext_lazy("姓名用“、”或“，”隔开，须是本单位或下级单位已登记的人员。"),
    ),
)

_SEPARATORS = re.compile(r"[、，,;；/\s]+")

# What offices call a kind of study besides its name: a shortened name, with or without the
# party committee's (党组's) title. Nothing that might mean two kinds (党课 is one of 三会一课,
# and a 专题党课 a lecture or a meeting) is read for one.
KIND_WORDS = {
    "中心组学习": StudyKind.CENTRAL_GROUP,
    "理论中心组学习": StudyKind.CENTRAL_GROUP,
    "党委理论学习中心组学习": StudyKind.CENTRAL_GROUP,
    "党组理论学习中心组学习": StudyKind.CENTRAL_GROUP,
    "党委(党组)理论学习中心组学习": StudyKind.CENTRAL_GROUP,
    "主题党日活动": StudyKind.PARTY_DAY,
    "读书班学习": StudyKind.READING_CLASS,
}


def split_names(text) -> list[str]:
    return [n for n in _SEPARATORS.split(names_text(normalize_text(text))) if n]


class StudyActivityImporter(Importer):
    """Sessions of `unit` and its subtree, for `campaign`. Key: (unit, kind, title, date):
    importing the same sheet twice adds nothing."""

    title = gettext_lazy("学习活动")
    columns = STUDY_COLUMNS
    key = ("unit", "kind", "title", "held_on")

    def __init__(self, *, unit: Unit, campaign=None, **kwargs):
        super().__init__(**kwargs)
        self.unit = unit
        self.campaign = campaign
        self.index = UnitIndex(unit)
        self._people: dict[str, list[Person]] | None = None  # by unit path
        self.kind_column = next(c for c in STUDY_COLUMNS if c.key == "kind")

    def parse_seq(self, raw):
        return normalize_text(raw)  # only a row label; never checked

    def parse_kind(self, raw):
        kind = KIND_WORDS.get(normalize_text(raw).replace(" ", ""))
        return kind or self.parse_choice(self.kind_column, raw)

    def parse_leaders(self, raw):
        return split_names(raw)

    def parse_unit(self, raw) -> Unit:
        if not normalize_text(raw):
            return self.unit
        return self.index.resolve(raw)

    def people_by_unit_path(self) -> dict[str, list[Person]]:
        if self._people is None:
            people = Person.objects.filter(
                unit__path__gte=self.unit.path, unit__path__lt=path_upper(self.unit.path)
            ).select_related("unit")
            self._people = defaultdict(list)
            for person in people:
                self._people[person.unit.path].append(person)
        return self._people

    def _candidates(self, unit: Unit) -> list[Person]:
        return [
            person
            for path, people in self.people_by_unit_path().items()
            if path.startswith(unit.path)
            for person in people
        ]

    def clean(self, records: list[Record]) -> None:
        title = str(self.column_title("leaders"))
        for record in records:
            names = record.values.get("leaders") or []
            unit = record.values.get("unit")
            if not names or not isinstance(unit, Unit):
                record.values["leaders"] = []
                continue
            candidates = self._candidates(unit)
            by_name = defaultdict(list)
            for person in candidates:
                by_name[person.name].append(person)
            resolved = []
            for name in names:
                found = by_name.get(name, [])
                if len(found) == 1:
                    resolved.append(found[0])
                    continue
                if found:
                    message = _(
                        "“%(unit)s”及其下级有 %(n)d 位名叫“%(name)s”的人员，请在页面上选择。"
                    ) % {"unit": unit.name, "n": len(found), "name": name}
                else:
                    message = _("在“%(unit)s”及其下级单位的人员中找不到“%(name)s”。") % {
                        "unit": unit.name,
                        "name": name,
                    }
                    match = process.extractOne(
                        name, list(by_name), scorer=fuzz.WRatio, score_cutoff=60
                    )
                    if match:
                        message += _("您是不是要找“%(name)s”？") % {"name": match[0]}
                    else:
                        message += _("请先在单位页面登记该人员。")
                record.errors.append(
                    RowError(record.row, title, name, message, self.column_letter("leaders"))
                )
            record.values["leaders"] = resolved

    def natural_key(self, record: Record):
        unit = record.values.get("unit")
        if not isinstance(unit, Unit):
            return None
        v = record.values
        return (unit.pk, v.get("kind"), v.get("title"), v.get("held_on"))

    def existing_keys(self, keys: set[tuple]) -> set[tuple]:
        if not keys:
            return set()
        found = StudyActivity.objects.filter(
            unit_id__in={k[0] for k in keys},
            title__in={k[2] for k in keys},
            campaign=self.campaign,
        ).values_list("unit_id", "kind", "title", "held_on")
        return set(found) & keys

    def save(self, records: list[Record], *, skip_invalid: bool) -> dict[int, DomainError]:
        refused: dict[int, DomainError] = {}
        for i, record in enumerate(records):
            v = record.values
            try:
                study_activity_create(
                    actor=self.actor,
                    unit=v["unit"],
                    campaign=self.campaign,
                    kind=v["kind"],
                    title=v["title"],
                    held_on=v["held_on"],
                    participants=v.get("participants"),
                    leaders=v.get("leaders") or [],
                )
            except DomainError as error:
                if error.field == "held_on" or error.field == "ends_on":
                    error.field = "held_on"
                elif error.field not in {c.key for c in self.columns}:
                    error.field = None
                refused[i] = error
                if not skip_invalid:
                    break
        return refused
