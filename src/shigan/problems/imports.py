"""The problem ledger sheet (问题整改台账) as offices keep it, imported through the services.

Columns: 序号, 问题, 方面, 来源, 整改措施, 责任领导, 责任单位, 整改时限, 整改进展, 完成情况,
完成时间 (the header may sit under a title row; the usual variants of each heading are
accepted). Two layouts, also mixed in one sheet:

- one row per problem: the 整改措施 cell holds all the measures, one per line or numbered
  "1. 2. 3.", "1、2、", "（1）（2）", "①②";
- one row per measure: the problem is repeated on every row, or its cells are merged (a merged
  cell reads as blank below its first row). A row whose 问题 is blank, or repeats the 问题 (and
  序号) of the row above, is another measure of the same problem. 整改时限, 责任领导 and 完成情况
  on such a row belong to that measure.

The natural key of a problem is (主题教育, 责任单位, 问题), the title compared full- or half-width
and without spaces: a problem already in the ledger is updated by the row (see `ledger_sync`),
so importing the same sheet again changes nothing. The found date is the 发现日期 column, else the
sheet's own date (填报日期) or the date given on the form, or the day a measure was done if that
is earlier. 完成情况 says whether a problem is open, in progress or finished; a finished one
becomes a close-out request for a reviewer. A finished row's 完成时间 is the day its measures
were done (else the sheet's date); on a row not finished it is not read, and the result says so.

A sheet exported in English imports back: the headers match in every language (core), and the
cells that hold words — 来源, 整改时限, 完成情况 — also read the English labels ("Immediate",
"Long-term", "Completed", "Inspection feedback" …), English dates ("30 June 2023", "end of June
2023") and "15 working days".
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shigan.campaigns.choices import AspectKind
from shigan.core.spreadsheets.importers import Column, Importer, ImportMode, Record, RowError
from shigan.core.spreadsheets.layout import heading_aspect
from shigan.core.spreadsheets.reading import SheetReadError
from shigan.core.spreadsheets.values import (
    CellError,
    normalize_text,
    parse_date,
    parse_text,
)
from shigan.orgs.imports import Roster, UnitIndex
from shigan.orgs.models import Unit
from shigan.problems.ledger_sync import LedgerWriter, match_problems
from shigan.problems.ledger_terms import LedgerState, TimeLimit, title_key, title_text
from shigan.problems.sheet_cells import (
    parse_source,
    parse_status,
    parse_time_limit,
    split_measures,
)

__all__ = [
    "LEDGER_COLUMNS",
    "LedgerState",
    "title_key",
    "title_text",
    "LedgerImporter",
    "TimeLimit",
]

LEDGER_COLUMNS = (
    # A number column (offices number rows with formulas such as =A3+1), read as text.
    Column("seq", gettext_lazy("序号"), kind="int", aliases=("编号", "序"), max_length=20),
    Column(
        "title",
        gettext_lazy("问题"),
        aliases=(
            "存在问题",
            "存在的问题",
            "问题描述",
            "问题内容",
            "主要问题",
            "问题表现",
            "具体问题",
            "问题清单",
            "问题名称",
            "查摆问题",
        ),
        max_length=300,
        help=gettext_lazy("一个问题多行填写时，可合并单元格或每行重复填写。"),
    ),
    Column("aspect", gettext_lazy("方面"), aliases=("问题方面", "问题类别", "类别", "类型")),
    Column(
        "source",
        gettext_lazy("来源"),
        aliases=("问题来源",),
        help=gettext_lazy("调查研究、检视查摆、督察反馈、信访、上级交办；不填为检视查摆。"),
    ),
    Column(
        "measures",
        gettext_lazy("整改措施"),
        aliases=("整改举措", "具体措施", "措施"),
        help=gettext_lazy("多条措施分行填写，或编号“1. 2. 3.”“1、2、”“（1）（2）”。"),
    ),
    Column(
        "responsible",
        gettext_lazy("责任领导"),
        aliases=("牵头领导", "分管领导", "责任人"),
        help=gettext_lazy(
            "姓名，多人用“、”或“/”分隔，第一位为牵头领导；不在人员名册的，登记到本行的责任单位。"
        ),
    ),
    Column(
        "unit",
        gettext_lazy("责任单位"),
        aliases=("牵头单位", "责任部门", "整改单位"),
        help=gettext_lazy("填名称、12 位行政区划代码或“上级/名称”路径；不填为导入所在的单位。"),
    ),
    Column(
        "deadline",
        gettext_lazy("整改时限"),
        aliases=("完成时限", "时限", "整改期限"),
        help=gettext_lazy(
            "日期（2023年6月30日、2023年6月底）、“立行立改”、“长期坚持”或“15个工作日”。"
        ),
    ),
    Column("progress", gettext_lazy("整改进展"), aliases=("进展情况", "整改进展情况")),
    Column(
        "status",
        gettext_lazy("完成情况"),
        aliases=("是否完成", "整改状态", "完成状态"),
        help=gettext_lazy(
            "未整改、未启动、待整改；整改中、正在整改、持续整改、推进中；已完成、已整改、已销号"
            "（作为销号申请，由上级审核）。"
        ),
    ),
    Column(
        "done_on",
        gettext_lazy("完成时间"),
        aliases=("完成日期", "实际完成时间", "办结时间"),
        help=gettext_lazy("已完成的，填实际完成日期；不填为填报日期。"),
    ),
    Column("found_on", gettext_lazy("发现日期"), kind="date", aliases=("查摆日期",)),
)

# -- the importer ------------------------------------------------------------------------------


class LedgerImporter(Importer):
    """The ledger of a unit's subtree in one campaign (or none). Sent again as it changes, it
    updates the problems it lists (see `ledger_sync`)."""

    title = gettext_lazy("问题整改台账")
    columns = LEDGER_COLUMNS
    key = ("_unit_pk", "_title_key")

    def __init__(self, *, unit: Unit, campaign=None, today=None, closeout="request", **kwargs):
        super().__init__(**kwargs)
        self.unit = unit
        # "request": finished rows are close-out requests for a reviewer; "accept": the
        # importer, a reviewer of their units, records them as decided (按台账直接销号).
        self.closeout = closeout
        self.campaign = campaign
        self.today = today or timezone.localdate()
        if self.default_year is None:
            self.default_year = (campaign.starts_on if campaign else self.today).year
        self._index: UnitIndex | None = None
        self.roster: Roster | None = None  # set by clean()

    # cells

    def parse_source(self, raw):
        return parse_source(raw)

    def parse_status(self, raw):
        return parse_status(raw)

    def parse_deadline(self, raw):
        return parse_time_limit(raw, default_year=self.default_year)

    def parse_done_on(self, raw):
        # Read as a date only where the row says finished (`_done_on`): elsewhere offices
        # write a planned date or a phrase ("6月底前") here, which is no completion.
        return raw if normalize_text(raw) else None

    def parse_seq(self, raw):
        return normalize_text(raw).rstrip(".．、")

    def parse_title(self, raw):
        return title_text(parse_text(raw, max_length=300))

    # rows → problems

    def locate_header(self, rows):
        header, positions = super().locate_header(rows)
        if "title" not in positions:  # not required per cell (merged cells read as blank)
            raise SheetReadError(
                _("没有找到表头：缺少列“%(missing)s”。表头应包含：%(titles)s。")
                % {
                    "missing": self.column_title("title"),
                    "titles": "、".join(str(c.title) for c in self.columns),
                }
            )
        return header, positions

    def records(self, rows):
        """One record per problem: the rows of a problem (merged or repeated cells) are folded
        into the first one; `values["_rows"]` keeps each row's own values."""
        problems: list[Record] = []
        for record in super().records(rows):
            values = record.values
            head = problems[-1] if problems else None
            if head is not None and self._continues(head, values):
                # A row copied twice would add its measures twice: the copy is an error.
                twin = next((r for r in head.values["_rows"] if r.raw == record.raw), None)
                if twin is not None:
                    self._copied(head, record, twin)
                    continue
                head.values["_rows"].append(record)
                head.errors.extend(record.errors)
                continue
            if not values.get("title"):
                self.cell_error(record, "title", _("必填，不能为空。"))
            values["_rows"] = [record]
            problems.append(record)
        for record in problems:
            self._fold(record)
        return problems

    def _copied(self, head: Record, copy: Record, twin: Record) -> None:
        """A row copied twice: in valid-rows mode it is left out, saying so (the problem is
        imported once); all or nothing refuses the file for it."""
        if self.mode == ImportMode.VALID_ROWS:
            self.notes.append(
                _("第 %(row)d 行与第 %(twin)d 行完全相同，是重复复制的行，未导入。")
                % {"row": copy.row, "twin": twin.row}
            )
        else:
            message = _("与第 %(row)d 行重复。") % {"row": twin.row}
            head.errors.append(RowError(copy.row, "", "", message))

    @staticmethod
    def _continues(head: Record, values: dict) -> bool:
        title, seq = values.get("title"), values.get("seq")
        first = head.values
        if not title:  # a merged 问题 cell
            return not seq or seq == first.get("seq")
        return title == first.get("title") and (not seq or seq == first.get("seq"))

    def _fold(self, record: Record) -> None:
        """Problem-level values: the first non-blank of the group's rows."""
        rows = record.values["_rows"]
        for key in ("aspect", "source", "unit", "responsible", "found_on"):
            raw = next((r.raw.get(key) for r in rows if r.raw.get(key) not in (None, "")), "")
            if raw != "":
                record.raw[key] = raw
                record.values[key] = next(
                    r.values.get(key) for r in rows if r.raw.get(key) not in (None, "")
                )
        progress = []
        for row in rows:
            text = (row.values.get("progress") or "").strip()
            if text and text not in progress:
                progress.append(text)
        record.values["progress"] = "\n".join(progress)
        record.values["_title_key"] = title_key(record.values.get("title"))

    # references

    @property
    def index(self) -> UnitIndex:
        if self._index is None:
            self._index = UnitIndex(self.unit)
        return self._index

    def heading_aspects(self) -> list[str]:
        """The campaign's problem aspects, which a group's heading may name."""
        if self.campaign is None:
            return []
        return list(
            self.campaign.aspects.filter(kind=AspectKind.PROBLEM).values_list("name", flat=True)
        )

    def clean(self, records):
        self.roster = Roster(self.unit)
        aspects = {}
        if self.campaign is not None:
            aspects = {
                normalize_text(a.name): a
                for a in self.campaign.aspects.filter(kind=AspectKind.PROBLEM)
            }
        for record in records:  # every cell is checked, so a row shows all its errors
            values = record.values
            values["_unit"] = self._resolve_unit(record)
            values["_unit_pk"] = getattr(values["_unit"], "pk", None)
            values["_aspect"] = self._resolve_aspect(record, aspects)
            leaders = self._leaders(record, record)
            values["_responsible"] = leaders[0] if leaders else None
            values["_co_responsible"] = leaders[1:]
            values["_measures"] = self._measures(record)
            values["_found_on"] = values.get("found_on") or self._found_by(values["_measures"])
            values["_limit"] = self._problem_limit(values["_rows"])
            values["_state"] = self._state(record)
        self._note_unread_done_dates(records)

    def _leaders(self, record: Record, row: Record) -> list:
        """The leaders named in the row's 责任领导 cell: people on the roster, or new people
        to be registered at the row's unit (nearest in the tree wins; a tie is an error)."""
        unit = record.values.get("_unit")
        raw = row.raw.get("responsible")
        if unit is None or not normalize_text(raw):
            return []
        assert self.roster is not None  # clean() set it before any row is read
        try:
            return self.roster.resolve(raw, unit)
        except CellError as error:
            self.cell_error(record, "responsible", error.message, row)
            return []

    def _resolve_unit(self, record: Record) -> Unit | None:
        text = normalize_text(record.raw.get("unit") or "")
        if not text:
            return self.unit
        try:
            return self.index.resolve(text)
        except CellError as error:
            self.cell_error(record, "unit", error.message)
            return None

    def _resolve_aspect(self, record: Record, aspects: dict):
        name = normalize_text(record.raw.get("aspect") or "")
        if not name:
            return None
        # "理论学习方面" (or "作风建设方面存在的问题") is 理论学习, as a group's heading is.
        aspect = aspects.get(name) or aspects.get(heading_aspect(name, aspects) or "")
        if aspect is None:
            names = "、".join(a.name for a in aspects.values())
            if names:
                message = _("“%(value)s”不是本次主题教育的问题方面，可选：%(names)s。")
            elif self.campaign is not None:
                message = _(
                    "“%(value)s”：本次主题教育还没有设置问题方面，请由活动办先设置，"
                    "或将“方面”一栏留空。"
                )
            else:
                message = _("“%(value)s”：本单位没有进行中的主题教育，不能填写方面。")
            self.cell_error(record, "aspect", message % {"value": name, "names": names})
        return aspect

    def _measures(self, record: Record) -> list[dict]:
        """Each row's measures with that row's owner, deadline and completion."""
        rows = record.values["_rows"]
        several = len(rows) > 1
        measures = []
        for row in rows:
            limit = row.values.get("deadline")
            owner = None
            if several:  # one row per measure: the row's 责任领导 owns it (merged: the problem's)
                own = row is not rows[0] and self._leaders(record, row)
                owner = own[0] if own else record.values.get("_responsible")
            done = row.values.get("status") == LedgerState.FINISHED
            done_on = self._done_on(record, row) if done else None
            for text in split_measures(row.values.get("measures")):
                measures.append(
                    {
                        "text": text,
                        "owner": owner,
                        "deadline": limit.deadline if limit is not None else None,
                        "done": done,
                        "done_on": done_on,
                        "row": row,
                    }
                )
        return measures

    def _done_on(self, record: Record, row: Record):
        """The row's 完成时间, a finished row's: a date, not after the ledger's own."""
        raw = row.values.get("done_on")
        if raw is None:
            return None
        try:
            day = parse_date(raw, default_year=self.default_year)
        except CellError as error:
            self.cell_error(record, "done_on", error.message, row)
            return None
        reported = self.ledger_date or self.today
        if day is not None and day > reported:
            message = _("完成时间不能晚于填报日期（%(day)s）。") % {"day": reported.isoformat()}
            self.cell_error(record, "done_on", message, row)
            return None
        return day

    def _note_unread_done_dates(self, records: list[Record]) -> None:
        """A 完成时间 on a row that does not say finished is not read (`parse_done_on`): the
        clerk is told which rows, not left to think the dates were kept."""
        rows = [
            row.row
            for record in records
            for row in record.values["_rows"]
            if row.values.get("done_on") is not None
            and row.values.get("status") != LedgerState.FINISHED
        ]
        if rows:
            named = "、".join(str(n) for n in rows[:10]) + ("等" if len(rows) > 10 else "")
            self.notes.append(
                _(
                    "第%(rows)s行的“完成时间”没有导入：这些行的完成情况不是“已完成”。"
                    "如填的是计划完成的日期，请填在“整改时限”列。"
                )
                % {"rows": named}
            )

    def _found_by(self, measures: list[dict]):
        """A problem's found date when the row gives none: the ledger's date, or the day its
        first measure was done if earlier (it was found by then; the ledger date is only the
        day of the report)."""
        days = [m["done_on"] for m in measures if m["done_on"]]
        return min([self.ledger_date or self.today, *days])

    @staticmethod
    def _state(record: Record) -> str:
        """The problem's state as the sheet says: finished when every row that says anything
        says finished; open when they all say not started (or nothing, without progress);
        otherwise in progress."""
        said = {r.values.get("status") for r in record.values["_rows"]} - {None}
        if said == {LedgerState.FINISHED}:
            return LedgerState.FINISHED
        if said == {LedgerState.OPEN} or (not said and not record.values.get("progress")):
            return LedgerState.OPEN
        return LedgerState.IN_PROGRESS

    @staticmethod
    def _problem_limit(rows: list[Record]) -> TimeLimit | None:
        """The first row's term; for dated rows, the latest date (the problem cannot be done
        before its last measure)."""
        limits: list[TimeLimit] = [r.values["deadline"] for r in rows if r.values.get("deadline")]
        if not limits:
            return None
        first = limits[0]
        dates = [limit.deadline for limit in limits if limit.deadline]
        return TimeLimit(first.term, max(dates) if dates else None, first.workdays)

    # the database

    def match_existing(self, records):
        match_problems(self, records)

    def save(self, records, *, skip_invalid):
        return LedgerWriter(self).save(records, skip_invalid=skip_invalid)
