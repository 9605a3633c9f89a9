"""Spreadsheet importer of a batch's participating units (参学单位).

Units are named by name, short name, 12-digit division code or "上级/名称" path, within the
campaign's tree; near misses get a suggestion. Rows are saved by `participation_enroll`.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy

from shigan.campaigns.models import Batch, Participation
from shigan.campaigns.services import participation_enroll
from shigan.core.spreadsheets.importers import Column, Importer, Record
from shigan.orgs.imports import UnitIndex

__all__ = ["ParticipationImporter", "PARTICIPATION_COLUMNS"]

PARTICIPATION_COLUMNS = (
    Column(
        "unit",
        gettext_lazy("单位"),
        required=True,
        aliases=("单位名称", "参学单位", "单位全称"),
        help=gettext_lazy("填名称、简称、12 位行政区划代码，或“上级/名称”路径。"),
    ),
    Column(
        "enrolled_on",
        gettext_lazy("纳入日期"),
        kind="date",
        aliases=("日期",),
        help=gettext_lazy("不填则为导入当天。"),
    ),
)


class ParticipationImporter(Importer):
    """A sheet of units to enrol in `batch`. Key: the unit (already enrolled: unchanged)."""

    title = gettext_lazy("参学单位")
    columns = PARTICIPATION_COLUMNS
    key = ("unit",)

    def __init__(self, *, batch: Batch, **kwargs):
        super().__init__(**kwargs)
        self.batch = batch
        self.index = UnitIndex(batch.campaign.root_unit)

    def parse_unit(self, raw):
        return self.index.resolve(raw)

    def natural_key(self, record: Record):
        return (record.values["unit"].pk,)

    def existing_keys(self, keys: set[tuple]) -> set[tuple]:
        pks = [k[0] for k in keys]
        found = set()
        for i in range(0, len(pks), 5000):
            found |= set(
                Participation.objects.filter(
                    batch=self.batch, unit_id__in=pks[i : i + 5000]
                ).values_list("unit_id", flat=True)
            )
        return {(pk,) for pk in found}

    def save(self, records: list[Record], *, skip_invalid: bool):
        today = timezone.localdate()
        by_date: dict[datetime.date, list] = {}
        for record in records:
            day = record.values.get("enrolled_on") or today
            by_date.setdefault(day, []).append(record.values["unit"])
        for day, units in by_date.items():
            participation_enroll(actor=self.actor, batch=self.batch, units=units, enrolled_on=day)
        return {}
