"""Spreadsheet exporters of the research ledgers; the columns are the importers', so an
exported sheet imports back unchanged (existing rows are skipped)."""

from collections.abc import Iterator

from django.db.models import Model
from django.utils.translation import gettext_lazy

from shigan.core.spreadsheets.exporters import Exporter
from shigan.orgs.models import Unit
from shigan.orgs.scoping import subtree_q
from shigan.research.choices import ResultKind, ResultState, TopicState
from shigan.research.imports import RESULT_COLUMNS, TRIP_COLUMNS, topic_columns
from shigan.research.models import ResearchResult, ResearchTopic, ResearchTrip

__all__ = ["TopicExporter", "TripExporter", "ResultExporter"]


class ResearchExporter(Exporter):
    model: type[Model] | None = None
    noun = ""

    def __init__(self, *, user, unit: Unit, campaign):
        self.user = user
        self.unit = unit
        self.campaign = campaign

    def queryset(self):
        records = self.model.objects.restrict(self.user, "view")
        return records.filter(subtree_q([self.unit.path], "unit__path"), campaign=self.campaign)

    def count(self) -> int:
        return self.queryset().count()

    def filename(self, ext: str) -> str:
        return f"{self.unit.name}-{self.noun}.{ext}"

    def unit_ref(self, unit: Unit) -> str:
        return "" if unit.pk == self.unit.pk else (unit.division_code or unit.name)


class TopicExporter(ResearchExporter):
    title = gettext_lazy("调研课题")
    model = ResearchTopic
    noun = "调研课题"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.columns = topic_columns(self.campaign)

    def rows(self) -> Iterator[tuple]:
        states = dict(TopicState.choices)
        query = (
            self.queryset()
            .select_related("unit", "aspect", "lead")
            .prefetch_related("participants")
            .order_by("unit__path", "created_on", "pk")
        )
        for topic in query.iterator(2000):
            yield (
                self.unit_ref(topic.unit),
                topic.title,
                topic.aspect.name,
                topic.lead.name,
                "、".join(p.name for p in topic.participants.all()),
                topic.created_on,
                str(states[topic.state]),
            )


class TripExporter(ResearchExporter):
    title = gettext_lazy("调研记录")
    columns = TRIP_COLUMNS
    model = ResearchTrip
    noun = "调研记录"

    def rows(self) -> Iterator[tuple]:
        query = (
            self.queryset()
            .select_related("unit", "topic", "place")
            .prefetch_related("people")
            .order_by("unit__path", "visited_on", "pk")
        )
        for trip in query.iterator(2000):
            yield (
                self.unit_ref(trip.unit),
                trip.topic.title,
                trip.visited_on,
                trip.place.division_code or str(trip.place.pk),
                "、".join(p.name for p in trip.people.all()),
                trip.findings,
            )


class ResultExporter(ResearchExporter):
    title = gettext_lazy("调研成果")
    columns = RESULT_COLUMNS
    model = ResearchResult
    noun = "调研成果"

    def rows(self) -> Iterator[tuple]:
        kinds, states = dict(ResultKind.choices), dict(ResultState.choices)
        query = self.queryset().select_related("unit", "topic").order_by("unit__path", "pk")
        for result in query.iterator(2000):
            yield (
                self.unit_ref(result.unit),
                result.topic.title,
                str(kinds[result.kind]),
                result.title,
                str(states[result.state]),
                result.adopted_on,
                result.recorded_on,
            )
