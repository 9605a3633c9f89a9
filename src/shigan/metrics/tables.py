"""How a drill-down lists records of any model a figure counts (people, units, sessions,
topics, trips, problems, measures, projects …): one row shape for the page and the sheet."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Field, ForeignKey, Model, QuerySet
from django.utils.translation import gettext

__all__ = ["RecordShape", "shape_of", "record_row"]

# The day a record is dated by, in order of preference.
DATE_FIELDS = (
    "held_on",
    "visited_on",
    "found_on",
    "added_on",
    "created_on",
    "recorded_on",
    "reviewed_on",
    "started_on",
    "deadline",
    "reported_on",
)
AMOUNT_FIELDS = ("funds_allocated",)


@dataclass(frozen=True)
class RecordShape:
    unit_path: str | None  # the relation to the record's unit ("unit", "problem__unit")
    date_field: str | None
    has_aspect: bool
    has_topic: bool  # a problem found by research: its topic's aspect when it has none
    has_state: bool
    amount_field: str | None

    def related(self) -> list[str]:
        related = [self.unit_path] if self.unit_path else []
        related += ["aspect"] if self.has_aspect else []
        return related + (["research_topic__aspect"] if self.has_topic else [])


def _fields(model: type[Model]) -> "dict[str, Field[Any, Any]]":
    # Only fields are concrete (relations' reverse sides and generic keys are not).
    return {f.name: f for f in model._meta.get_fields() if isinstance(f, Field) and f.concrete}


def shape_of(model: type[Model]) -> RecordShape:
    fields = _fields(model)
    unit_path = None
    if isinstance(fields.get("unit"), ForeignKey):
        unit_path = "unit"
    elif isinstance(fields.get("problem"), ForeignKey):
        unit_path = "problem__unit"
    elif isinstance(fields.get("lead_unit"), ForeignKey):
        unit_path = "lead_unit"
    elif isinstance(fields.get("project"), ForeignKey):
        unit_path = "project__unit"  # an indicator's reports: the project's unit
    return RecordShape(
        unit_path=unit_path,
        date_field=next((f for f in DATE_FIELDS if f in fields), None),
        has_aspect=isinstance(fields.get("aspect"), ForeignKey),
        has_topic=isinstance(fields.get("research_topic"), ForeignKey),
        has_state="state" in fields and bool(fields["state"].choices),
        amount_field=next((f for f in AMOUNT_FIELDS if f in fields), None),
    )


def shaped(records: QuerySet[Model]) -> tuple[RecordShape, QuerySet[Model]]:
    shape = shape_of(records.model)
    return shape, records.select_related(*shape.related())


# A record of whichever model the figure counts: its fields (aspect, state, unit …) are read by
# name, as `shape_of` found them on the model, so the type checker cannot know them.
Record = Any


def _unit_of(record: Record, shape: RecordShape) -> Record:
    if shape.unit_path is None:
        return record if record._meta.model_name == "unit" else getattr(record, "unit", None)
    unit = record
    for part in shape.unit_path.split("__"):
        unit = getattr(unit, part)
    return unit


def _state(record: Record) -> str:
    """The state on the figure's as-of date where the figure read it from the history."""
    on_day = getattr(record, "state_on_day", None)
    if on_day is None:
        return str(record.get_state_display())
    return str(dict(record._meta.get_field("state").choices).get(on_day, on_day))


def _aspect(record: Record, shape: RecordShape) -> str:
    """The record's aspect; a problem found by research without one: its topic's; else 未分类
    (never "—": every problem is somewhere on the chart by aspect)."""
    if not shape.has_aspect:
        return ""
    if record.aspect_id:
        return str(record.aspect.name)
    topic = getattr(record, "research_topic", None) if shape.has_topic else None
    if topic is not None and topic.aspect_id:
        return str(topic.aspect.name)
    return gettext("未分类")


def record_row(record: Record, shape: RecordShape) -> dict[str, Any]:
    url = record.get_absolute_url() if hasattr(record, "get_absolute_url") else ""
    unit = _unit_of(record, shape)
    return {
        "pk": record.pk,
        "text": str(record),
        "url": url,
        "unit": unit.name if unit is not None and unit is not record else "",
        "date": getattr(record, shape.date_field) if shape.date_field else None,
        "aspect": _aspect(record, shape),
        "state": _state(record) if shape.has_state else "",
        "amount": getattr(record, shape.amount_field) if shape.amount_field else None,
    }


__all__ += ["shaped"]
