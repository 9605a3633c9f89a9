"""The study ledger as a sheet, with the importer's columns: an export imports back unchanged."""

from collections.abc import Iterator

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy

from shigan.core.spreadsheets.exporters import Exporter
from shigan.orgs.models import Person
from shigan.study.choices import StudyKind
from shigan.study.imports import STUDY_COLUMNS
from shigan.study.selectors import activity_list

__all__ = ["StudyActivityExporter"]

CHUNK = 2000


class StudyActivityExporter(Exporter):
    title = gettext_lazy("学习活动")
    columns = STUDY_COLUMNS

    def __init__(self, *, user, unit, campaign=None, **filters):
        self.user = user
        self.unit = unit
        self.campaign = campaign
        self.filters = filters

    def queryset(self):
        return activity_list(user=self.user, unit=self.unit, campaign=self.campaign, **self.filters)

    def count(self) -> int:
        return self.queryset().count()

    def filename(self, ext: str) -> str:
        return f"{self.unit.name}-学习活动.{ext}"

    def rows(self) -> Iterator[tuple]:
        labels = dict(StudyKind.choices)
        leaders = Prefetch("leaders", queryset=Person.objects.order_by("name", "pk").only("name"))
        query = self.queryset().prefetch_related(leaders)
        for n, activity in enumerate(query.iterator(CHUNK), start=1):
            yield (
                n,
                activity.unit.name,
                str(labels.get(activity.kind, activity.kind)),
                activity.title,
                activity.held_on,
                activity.participants,
                "、".join(p.name for p in activity.leaders.all()),
            )
