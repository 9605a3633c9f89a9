"""Spreadsheet importers of the research ledgers: topics, trips and results of a unit's subtree
in one campaign. Rows are parsed and checked here and written one by one through the services
(each with its transition rows and audit entry), inside the import's transaction."""

import re
from collections import defaultdict

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shigan.campaigns.choices import AspectKind
from shigan.core.errors import DomainError
from shigan.core.spreadsheets.importers import Column, Importer, Record
from shigan.core.spreadsheets.values import CellError, names_text, normalize_text
from shigan.orgs.imports import UnitIndex
from shigan.orgs.models import Person, Unit
from shigan.orgs.scoping import subtree_q
from shigan.research import selectors, services
from shigan.research.choices import ResultKind, ResultState, TopicState
from shigan.research.models import ResearchResult, ResearchTopic, ResearchTrip

__all__ = [
    "TopicImporter",
    "TripImporter",
    "ResultImporter",
    "topic_columns",
    "TRIP_COLUMNS",
    "RESULT_COLUMNS",
]

NAME_SEPARATORS = re.compile(r"[、，,;；\s]+")

UNIT_COLUMN = Column(
    "unit",
    gettext_lazy("单位"),
    aliases=("单位名称", "填报单位"),
    help=gettext_lazy("填名称、12 位行政区划代码或“上级/名称”路径；不填则为导入所在的单位。"),
)
TOPIC_COLUMN = Column(
    "topic", gettext_lazy("课题名称"), required=True, aliases=("调研课题", "课题"), max_length=200
)


def topic_columns(campaign) -> tuple[Column, ...]:
    aspects: tuple[tuple[str, str], ...] = ()
    if campaign is not None:
        aspects = tuple(
            (str(a.pk), a.name)
            for a in campaign.aspects.filter(kind=AspectKind.RESEARCH).order_by("ordinal")
        )
    return (
        UNIT_COLUMN,
        Column("title", gettext_lazy("课题名称"), required=True, aliases=("课题",), max_length=200),
        Column("aspect", gettext_lazy("方面"), kind="choice", required=True, choices=aspects),
        Column(
            "lead",
            gettext_lazy("牵头领导"),
            required=True,
            aliases=("领题领导", "牵头人"),
            help=gettext_lazy("填已登记人员的姓名。"),
        ),
        Column(
            "participants",
            gettext_lazy("参与人员"),
            help=gettext_lazy("多人用顿号分隔。"),
        ),
        Column("created_on", gettext_lazy("确定日期"), kind="date"),
        Column(
            "state",
            gettext_lazy("状态"),
            kind="choice",
            choices=tuple(TopicState.choices),
            help=gettext_lazy("导出时填写；导入的课题一律从“方案起草中”开始，须经方案审核流转。"),
        ),
    )


TRIP_COLUMNS = (
    UNIT_COLUMN,
    TOPIC_COLUMN,
    Column("visited_on", gettext_lazy("调研日期"), kind="date", required=True, aliases=("日期",)),
    Column(
        "place",
        gettext_lazy("调研地点"),
        required=True,
        aliases=("地点",),
        help=gettext_lazy("填单位名称、12 位行政区划代码或单位编号（本次主题教育范围内）。"),
    ),
    Column("people", gettext_lazy("调研人员"), help=gettext_lazy("多人用顿号分隔。")),
    Column("findings", gettext_lazy("调研发现"), aliases=("发现",)),
)

RESULT_COLUMNS = (
    UNIT_COLUMN,
    TOPIC_COLUMN,
    Column(
        "kind",
        gettext_lazy("成果类型"),
        kind="choice",
        required=True,
        choices=tuple(ResultKind.choices),
    ),
    Column("title", gettext_lazy("成果名称"), required=True, aliases=("成果",), max_length=200),
    Column(
        "state",
        gettext_lazy("采纳状态"),
        kind="choice",
        choices=tuple(ResultState.choices),
        help=gettext_lazy("不填则为“起草中”。"),
    ),
    Column("adopted_on", gettext_lazy("采纳日期"), kind="date"),
    Column("recorded_on", gettext_lazy("登记日期"), kind="date"),
)


class ResearchImporter(Importer):
    """Shared: the import's unit (its subtree) and campaign, unit and people lookups."""

    def __init__(self, *, unit: Unit, campaign, **kwargs):
        super().__init__(**kwargs)
        self.unit = unit
        self.campaign = campaign
        self._index: UnitIndex | None = None
        self._people: dict[str, list[Person]] | None = None

    @property
    def index(self) -> UnitIndex:
        if self._index is None:
            self._index = UnitIndex(self.unit)
        return self._index

    def resolve_unit(self, record: Record) -> Unit | None:
        text = normalize_text(record.values.get("unit") or "")
        if not text:
            return self.unit
        try:
            return self.index.resolve(text)
        except CellError as error:
            self.cell_error(record, "unit", error.message)
            return None

    def people(self) -> dict[str, list[Person]]:
        if self._people is None:
            ancestors = [
                self.unit.path[:i] for i in range(Unit.steplen, len(self.unit.path), Unit.steplen)
            ]
            people = Person.objects.filter(
                subtree_q([self.unit.path], "unit__path") | Q(unit__path__in=ancestors)
            )
            self._people = defaultdict(list)
            for person in people.select_related("unit"):
                self._people[person.name].append(person)
        return self._people

    def resolve_person(self, record: Record, key: str, name: str) -> Person | None:
        name = names_text(name)
        found = self.people().get(name, [])
        if len(found) == 1:
            return found[0]
        message = (
            _("找不到人员“%(name)s”，请先在单位中登记。")
            if not found
            else _("有 %(n)d 位人员都叫“%(name)s”。")
        ) % {"name": name, "n": len(found)}
        self.cell_error(record, key, message)
        return None

    def resolve_people(self, record: Record, key: str) -> list[Person]:
        names = [n for n in NAME_SEPARATORS.split(names_text(record.values.get(key))) if n]
        return [p for n in names if (p := self.resolve_person(record, key, n)) is not None]

    def topics(self, records: list[Record]) -> None:
        """Find each row's topic (unit, title) in the campaign."""
        wanted = defaultdict(set)
        for record in records:
            unit = self.resolve_unit(record) if record.ok else None
            record.values["_unit"] = unit
            if unit is not None:
                wanted[unit.pk].add(record.values["topic"])
        found = {}
        for unit_pk, titles in wanted.items():
            for known in ResearchTopic.objects.filter(
                unit_id=unit_pk, campaign=self.campaign, title__in=titles
            ).select_related("unit", "campaign", "campaign__root_unit"):
                found[(unit_pk, known.title)] = known
        for record in records:
            unit = record.values.get("_unit")
            if unit is None:
                continue
            topic = found.get((unit.pk, record.values["topic"]))
            if topic is None:
                self.cell_error(
                    record, "topic", _("“%(unit)s”没有这个课题。") % {"unit": unit.name}
                )
            record.values["_topic"] = topic

    def save_each(self, records: list[Record], write) -> dict[int, DomainError]:
        refused = {}
        for i, record in enumerate(records):
            try:
                write(record.values)
            except DomainError as error:
                refused[i] = error
        return refused


class TopicImporter(ResearchImporter):
    title = gettext_lazy("调研课题")
    key = ("_unit_pk", "title")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.columns = topic_columns(self.campaign)

    def clean(self, records):
        aspects = {str(a.pk): a for a in self.campaign.aspects.filter(kind=AspectKind.RESEARCH)}
        for record in records:  # every cell is checked, so a row shows all its errors
            values = record.values
            unit = self.resolve_unit(record)
            values["_unit"] = unit
            values["_unit_pk"] = getattr(unit, "pk", None)
            values["_aspect"] = aspects.get(values.get("aspect"))
            if values.get("lead"):
                values["_lead"] = self.resolve_person(record, "lead", values["lead"])
            values["_participants"] = self.resolve_people(record, "participants")
            if values.get("state") not in (None, "", TopicState.DRAFTING):
                self.cell_error(record, "state", _("导入的课题只能是“方案起草中”。"))

    def existing_keys(self, keys):
        by_unit = defaultdict(set)
        for unit_pk, title in keys:
            by_unit[unit_pk].add(title)
        existing = set()
        for unit_pk, titles in by_unit.items():
            existing.update(
                ResearchTopic.objects.filter(
                    unit_id=unit_pk, campaign=self.campaign, title__in=titles
                ).values_list("unit_id", "title")
            )
        return existing

    def save(self, records, *, skip_invalid):
        def write(v):
            services.topic_create(
                actor=self.actor,
                unit=v["_unit"],
                campaign=self.campaign,
                aspect=v["_aspect"],
                title=v["title"],
                lead=v["_lead"],
                participants=v["_participants"],
                created_on=v.get("created_on"),
            )

        return self.save_each(records, write)


class TripImporter(ResearchImporter):
    title = gettext_lazy("调研记录")
    columns = TRIP_COLUMNS
    key = ("_topic_pk", "visited_on", "_place_pk")

    def clean(self, records):
        self.topics(records)
        for record in records:
            if not record.ok:
                continue
            values = record.values
            values["_topic_pk"] = values["_topic"].pk
            place = selectors.place_resolve(campaign=self.campaign, text=values["place"])
            if place is None:
                self.cell_error(record, "place", _("在本次主题教育范围内找不到该地点。"))
            values["_place"] = place
            values["_place_pk"] = getattr(place, "pk", None)
            values["_people"] = self.resolve_people(record, "people")

    def existing_keys(self, keys):
        topic_ids = {k[0] for k in keys}
        return set(
            ResearchTrip.objects.filter(topic_id__in=topic_ids).values_list(
                "topic_id", "visited_on", "place_id"
            )
        )

    def save(self, records, *, skip_invalid):
        def write(v):
            services.topic_trip_log(
                actor=self.actor,
                topic=v["_topic"],
                visited_on=v["visited_on"],
                place=v["_place"],
                people=v["_people"],
                findings=v.get("findings") or "",
            )

        return self.save_each(records, write)


class ResultImporter(ResearchImporter):
    title = gettext_lazy("调研成果")
    columns = RESULT_COLUMNS
    key = ("_topic_pk", "title")

    def clean(self, records):
        self.topics(records)
        for record in records:
            if record.ok:
                record.values["_topic_pk"] = record.values["_topic"].pk

    def existing_keys(self, keys):
        topic_ids = {k[0] for k in keys}
        return set(
            ResearchResult.objects.filter(topic_id__in=topic_ids).values_list("topic_id", "title")
        )

    def save(self, records, *, skip_invalid):
        def write(v):
            services.result_create(
                actor=self.actor,
                topic=v["_topic"],
                kind=v["kind"],
                title=v["title"],
                state=v.get("state") or ResultState.DRAFTING,
                adopted_on=v.get("adopted_on"),
                recorded_on=v.get("recorded_on"),
            )

        return self.save_each(records, write)
