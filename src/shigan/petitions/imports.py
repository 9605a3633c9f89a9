"""The petition intake sheet: petitions taken in by one agent post, one petitioner a row.
Rows are checked here and written one by one through `petition_intake` (transition row, audit
entry, duplicate check) inside the import's transaction. Re-importing the same sheet changes
nothing: a row whose date, petitioner and subject are already there counts as unchanged."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shigan.core.errors import DomainError
from shigan.core.spreadsheets.importers import Column, Importer, Record
from shigan.core.spreadsheets.values import CellError, parse_text
from shigan.petitions import crypto, services
from shigan.petitions.choices import Category, Channel
from shigan.petitions.models import Petitioner

__all__ = ["PetitionImporter", "COLUMNS", "PERSONAL_KEYS", "YES_NO"]

YES_NO = (("1", gettext_lazy("是")), ("0", gettext_lazy("否")))

COLUMNS = (
    Column("received_on", gettext_lazy("登记日期"), kind="date", required=True),
    Column(
        "channel",
        gettext_lazy("信访形式"),
        kind="choice",
        required=True,
        choices=tuple(Channel.choices),
    ),
    Column(
        "name",
        gettext_lazy("信访人姓名"),
        required=True,
        aliases=("信访人", "姓名"),
        max_length=50,
    ),
    Column("id_number", gettext_lazy("身份证号"), aliases=("身份证号码", "公民身份号码")),
    Column("phone", gettext_lazy("联系电话"), aliases=("电话", "手机号")),
    Column("address", gettext_lazy("住址"), aliases=("地址", "家庭住址"), max_length=200),
    Column("title", gettext_lazy("事由"), required=True, max_length=100),
    Column("request", gettext_lazy("诉求"), required=True, aliases=("诉求内容", "反映问题")),
    Column(
        "category",
        gettext_lazy("类别"),
        kind="choice",
        required=True,
        choices=tuple(Category.choices),
    ),
    Column(
        "first_time",
        gettext_lazy("初信初访"),
        kind="choice",
        choices=YES_NO,
        help=gettext_lazy("不填为“是”。"),
    ),
    Column(
        "confirm",
        gettext_lazy("确认不是重复件"),
        kind="choice",
        choices=YES_NO,
        help=gettext_lazy("与已登记的信访件相似、确属不同事项或有新的事实和理由时填“是”。"),
    ),
)

# Columns holding personal data: never echoed in clear in an error report.
PERSONAL_KEYS = ("name", "id_number", "phone", "address")


class PetitionImporter(Importer):
    title = gettext_lazy("信访件")
    columns = COLUMNS
    key = ("received_on", "_hash", "title")

    def __init__(self, *, agent, **kwargs):
        super().__init__(**kwargs)
        self.agent = agent

    def parse_id_number(self, raw) -> str:
        """An 18-digit number is more than a spreadsheet's number keeps (15 significant digits):
        an ID typed into a cell not formatted as text has lost its last digits."""
        if isinstance(raw, int | float) and not isinstance(raw, bool) and abs(raw) >= 1e15:
            raise CellError(
                _(
                    "身份证号被存成了数字，末几位已丢失。请把该列设为文本格式（或在号码前加英文单引号）"
                    "后重新填写。"
                )
            )
        return parse_text(raw)

    def clean(self, records: list[Record]) -> None:
        for record in records:
            v = record.values
            if record.ok:
                v["_hash"] = crypto.person_hash(
                    v.get("name") or "", v.get("id_number") or "", v.get("phone") or ""
                )

    def existing_keys(self, keys):
        hashes = {k[1] for k in keys}
        return set(
            Petitioner.objects.filter(
                ordinal=1, petition__unit=self.agent.unit_id, person_hash__in=hashes
            ).values_list("petition__received_on", "person_hash", "petition__title")
        )

    def save(self, records, *, skip_invalid):
        refused: dict[int, DomainError] = {}
        for i, record in enumerate(records):
            v = record.values
            try:
                services.petition_intake(
                    actor=self.actor,
                    agent=self.agent,
                    received_on=v["received_on"],
                    channel=v["channel"],
                    title=v["title"],
                    request=v["request"],
                    category=v["category"],
                    first_time=v.get("first_time") != "0",
                    petitioners=[
                        {
                            "name": v["name"],
                            "id_number": v.get("id_number") or "",
                            "phone": v.get("phone") or "",
                            "address": v.get("address") or "",
                        }
                    ],
                    confirm_duplicate=v.get("confirm") == "1",
                )
            except DomainError as error:
                refused[i] = error
        return refused


def mask_errors(result) -> None:
    """Personal cells in an error report are masked: the report is a file kept on disk."""
    masks = dict(
        zip(
            PERSONAL_KEYS,
            (crypto.mask_name, crypto.mask_id_number, crypto.mask_phone, crypto.mask_address),
            strict=True,
        )
    )
    for error in result.errors:
        mask = masks.get(error.key)
        if mask is not None and error.value not in (None, ""):
            error.value = mask(str(error.value))
