"""The importer of the office's livelihood list."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shigan.core.spreadsheets.importers import Column
from shigan.initiatives.imports.common import InitiativeImporter
from shigan.initiatives.models import LivelihoodArea, LivelihoodItem
from shigan.initiatives.services import livelihood

__all__ = ["LivelihoodImporter", "LIVELIHOOD_COLUMNS"]

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
    Column("deadline", gettext_lazy("完成时限"), kind="date", deadline=True),
    Column("listed_on", gettext_lazy("列入日期"), kind="date"),
)


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
                self.cell_error(
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
            livelihood.livelihood_item_create(
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
