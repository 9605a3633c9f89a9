"""The cells of the problem ledger sheet that hold words, read as the importer needs them:
the measures in one cell, the time limit (a date, "立行立改", "长期坚持", "15个工作日"), the
source and the status (完成情况), in Chinese or in the English of an exported sheet."""

import calendar
import datetime
import re
from functools import lru_cache

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from shigan.core.spreadsheets.values import (
    ENGLISH_DATE,
    MONTH_NAME,
    CellError,
    english_date,
    label_index,
    match_key,
    month_number,
    normalize_text,
    parse_deadline,
    parse_text,
    spellings,
)
from shigan.problems.choices import MeasureState, ProblemSource, ProblemState, ProblemTerm
from shigan.problems.ledger_terms import LedgerState, TimeLimit

# -- measures in one cell ----------------------------------------------------------------------

# A number that starts an item: "1.", "1、" or "1," at the start, after a line break or a
# sentence end; "（1）" and "①" anywhere (they do not occur inside ordinary text).
_MARKER = re.compile(
    r"(?:(?:^|(?<=[\n\r；;。：:]))\s*(?P<dot>\d{1,2})\s*[\.．、,，](?!\d))"
    r"|(?:[（(]\s*(?P<paren>\d{1,2})\s*[）)])"
    r"|(?P<circled>[①-⑳])"
)
_LINES = re.compile(r"[\r\n]+")


def _marker_number(match) -> int:
    if match["circled"]:
        return ord(match["circled"]) - ord("①") + 1
    return int(match["dot"] or match["paren"])


def split_measures(text) -> list[str]:
    """The measures written in one cell: numbered items (the numbers must run on 1, 2, 3 …,
    and "1." must start a line or follow a sentence end, so "3.5万元" does not split a
    sentence), else one per line."""
    text = parse_text(text)
    if not text:
        return []
    starts = []
    matches = list(_MARKER.finditer(text))
    # Items run 1, 2, 3 …; a cell that starts with a number (one row per measure: "（2）…")
    # runs on from that number.
    expected = 1
    if matches and not text[: matches[0].start()].strip():
        expected = _marker_number(matches[0])
    for match in matches:
        if _marker_number(match) == expected:
            starts.append(match)
            expected += 1
    if starts:
        items = []
        head = text[: starts[0].start()].strip()
        if head and not head.endswith(("：", ":")):
            items.append(head)
        for i, match in enumerate(starts):
            end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
            items.append(text[match.end() : end])
    else:
        items = _LINES.split(text)
    cleaned = (re.sub(r"\s*[\r\n]+\s*", "", item).strip(" \t；;。") for item in items)
    return [item for item in cleaned if item]


# -- 整改时限 ----------------------------------------------------------------------------------


_WORKDAYS = re.compile(
    r"(\d{1,3})\s*(?:个?\s*工作日|(?:working|work|business)[\s\-]*days?\b|workdays?\b)",
    re.IGNORECASE,
)
_MONTH_END = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:底|末|份|内)?$")
_YEAR_END = re.compile(r"(\d{4})\s*年(?:底|末|内)$")
# A date, a month or a year's end in a time limit. A day's digits end the date ("2023.6-2023.8"
# is June to August, not 2023.6.20 and "23.8"); "2023.6" and "2023-06" are months.
_DATE_IN_TEXT = re.compile(
    r"\d{4}\s*[年./\-]\s*\d{1,2}\s*(?:[月./\-]\s*\d{1,2}(?!\d)\s*日?|月(?:底|末|份|内|[上中下]旬)?)"
    r"|\d{4}\s*[./\-]\s*\d{1,2}(?!\d|\s*[./]\s*\d)"
    r"|\d{4}\s*年(?:底|末)"
)
# A period written as the limit ("2023年6月30日至7月31日", "2023.6.30-2023.12.31"): what follows
# the first date, up to the second; the second may leave out the year ("至12月底").
_RANGE_TO = re.compile(r"\s*(?:至|到|—+|－|–|~|～|-)\s*")
_YEARLESS = re.compile(r"\d{1,2}\s*月(?:\s*\d{1,2}\s*日|底|末|份|内|[上中下]旬)?")
_TRAILING = re.compile(r"(?:之前|以前|前|止|完成|为止)$")
# English: "end of June 2023", "June 2023" (the month's end, as 2023年6月), "end of 2023".
_EN_MONTH_END = re.compile(
    rf"\b(?:end\s+of\s+)?(?P<month>{MONTH_NAME})\s*,?\s*(?P<year>\d{{4}})\b", re.IGNORECASE
)
_EN_YEAR_END = re.compile(r"\bend\s+of\s+(?P<year>\d{4})\b", re.IGNORECASE)


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _english_limit(text: str, raw) -> datetime.date | None:
    """The date an English time limit names, wherever it sits in the text ("by 30 June 2023",
    "Immediate, end of June 2023")."""
    if m := ENGLISH_DATE.search(text):
        return english_date(m, raw)
    if m := _EN_MONTH_END.search(text):
        return _month_end(int(m["year"]), month_number(m["month"]))
    if m := _EN_YEAR_END.search(text):
        return datetime.date(int(m["year"]), 12, 31)
    return None


def _words(*texts) -> tuple[str, ...]:
    """Words (lazy ones in every language) as they are compared: match keys without hyphens."""
    keys = (match_key(s).replace("-", "") for t in texts for s in spellings(t))
    return tuple(dict.fromkeys(k for k in keys if k))


@lru_cache(maxsize=8)
def _term_words(language) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The terms a time limit may name, each with its words: its label in every language and
    the sheets' other words for it."""
    return (
        (ProblemTerm.IMMEDIATE, _words(ProblemTerm.IMMEDIATE.label, "立即整改")),
        (ProblemTerm.LONG_TERM, _words(ProblemTerm.LONG_TERM.label, "长期")),
    )


def _limit_date(text: str, raw, default_year=None) -> datetime.date | None:
    text = _TRAILING.sub("", text.replace(" ", ""))
    if m := _MONTH_END.match(text):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise CellError(_("“%(value)s”不是有效的日期。") % {"value": raw})
        return _month_end(year, month)
    if m := _YEAR_END.match(text):
        return datetime.date(int(m[1]), 12, 31)
    return parse_deadline(text, default_year=default_year)


def _period_end(text: str, first: re.Match[str], start, raw, default_year):
    """The end of a period written as the limit, when the first date starts one; else None."""
    to = _RANGE_TO.match(text, first.end())
    if to is None or start is None:
        return None
    if found := _DATE_IN_TEXT.match(text, to.end()):
        end = _limit_date(found.group(0), raw, default_year)
    elif found := _YEARLESS.match(text, to.end()):
        end = _limit_date(f"{start.year}年{found.group(0)}", raw, default_year)
    else:
        return None
    return end if end is not None and end >= start else None


def parse_time_limit(raw, *, default_year: int | None = None) -> TimeLimit | None:
    """整改时限 as offices write it: a date (a month end: "2023年6月底"), "立行立改", "长期坚持",
    "15个工作日内", or a term followed by a date ("立行立改，2023年5月10日前"); in English too:
    "30 June 2023", "end of June 2023", "Immediate", "Long-term", "15 working days",
    "Immediate, by 10 May 2023" (as the English export writes it)."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):  # a date cell, a serial, or the number "2023.6" makes
        return TimeLimit(ProblemTerm.TIME_BOUND, parse_deadline(raw))
    text = normalize_text(raw)
    if not text:
        return None
    found = _DATE_IN_TEXT.search(text)
    day = _limit_date(found.group(0), raw, default_year) if found else _english_limit(text, raw)
    if found:  # a period: the limit is its end
        day = _period_end(text, found, day, raw, default_year) or day
    folded = match_key(text).replace("-", "")
    for term, words in _term_words(get_language()):
        if any(word in folded for word in words):
            return TimeLimit(term, day)
    if m := _WORKDAYS.search(text):
        return TimeLimit(ProblemTerm.TIME_BOUND, None, int(m[1]))
    if day is not None:
        return TimeLimit(ProblemTerm.TIME_BOUND, day)
    try:
        return TimeLimit(ProblemTerm.TIME_BOUND, _limit_date(text, raw, default_year))
    except CellError:
        raise CellError(
            _(
                "无法识别整改时限“%(value)s”，请填日期（如2023年6月30日）、“立行立改”、“长期坚持”或“15个工作日”。"
            )
            % {"value": raw}
        ) from None


# -- 来源 and 完成情况 --------------------------------------------------------------------------

# Words found inside a 来源 cell (compared as match keys without hyphens), in this order.
SOURCE_WORDS = (
    (("调研", "调查研究", "research", "investigation"), ProblemSource.RESEARCH),
    (
        ("检视", "查摆", "自查", "自身查找", "对照检查", "selfexamination", "selfinspection"),
        ProblemSource.SELF_INSPECTION,
    ),
    (
        ("督察", "督查", "巡视", "巡察", "审计", "反馈", "inspection", "feedback", "audit"),
        ProblemSource.INSPECTION_FEEDBACK,
    ),
    (
        ("信访", "来信", "来访", "群众反映", "12345", "petition", "lettersandvisits"),
        ProblemSource.PETITION,
    ),
    (("交办", "上级", "assigned", "higherlevel"), ProblemSource.ASSIGNED),
)


# The words offices write, by what they mean. A word of one list is never read as another's.
OPEN_WORDS = ("未整改", "未启动", "待整改", "未开始", "尚未整改", "尚未启动", "未落实")
IN_PROGRESS_WORDS = (
    "整改中",
    "正在整改",
    "正在整改中",
    "持续整改",
    "推进中",
    "持续推进",
    "正在推进",
    "进行中",
    "未完成",
    "部分完成",
    "基本完成",
    "阶段性完成",
    "长期坚持",
    "退回重改",
)
FINISHED_WORDS = (
    "已完成",
    "已整改",
    "完成",
    "已销号",
    "整改完成",
    "已整改完成",
    "已完成整改",
    "已整改到位",
    "整改到位",
    "已整改完毕",
    "整改完毕",
    "已落实",
    "待销号",
    "已办结",
    "办结",
)
YES, NO = gettext_lazy("是"), gettext_lazy("否")
# 完成情况 as the English interface writes it (the labels below are read in every language).
OPEN_WORDS_EN = ("open", "notstarted", "pending")
IN_PROGRESS_WORDS_EN = ("notcompleted", "incomplete", "notdone", "inprogress", "ongoing", "no", "n")
FINISHED_WORDS_EN = ("completed", "complete", "done", "finished", "closed", "yes", "y")
_PERCENT = re.compile(r"(\d{1,3})\s*[%％]")


@lru_cache(maxsize=8)
def _source_labels(language) -> dict[str, str]:
    return label_index(ProblemSource.choices)


@lru_cache(maxsize=8)
def _status_words(language) -> dict[str, str]:
    """match key → LedgerState: the sheets' words, the measure and problem states' labels in
    every language, 是/否."""
    groups = (
        (LedgerState.OPEN, (ProblemState.OPEN.label, *OPEN_WORDS, *OPEN_WORDS_EN)),
        (
            LedgerState.IN_PROGRESS,
            (
                MeasureState.PLANNED.label,
                ProblemState.IN_PROGRESS.label,
                ProblemState.REOPENED.label,
                ProblemTerm.LONG_TERM.label,
                NO,
                "×",
                *IN_PROGRESS_WORDS,
                *IN_PROGRESS_WORDS_EN,
            ),
        ),
        (
            LedgerState.FINISHED,
            (
                MeasureState.DONE.label,
                ProblemState.PENDING_REVIEW.label,
                ProblemState.CLOSED.label,
                YES,
                "√",
                *FINISHED_WORDS,
                *FINISHED_WORDS_EN,
            ),
        ),
    )
    words: dict[str, str] = {}
    for state, texts in groups:
        for word in _words(*texts):
            words.setdefault(word, state)
    return words


def parse_source(raw) -> str:
    text = normalize_text(raw).replace(" ", "")
    if not text:
        return ProblemSource.SELF_INSPECTION
    value = _source_labels(get_language()).get(match_key(text))
    if value is not None:
        return value
    folded = match_key(text).replace("-", "")
    for words, value in SOURCE_WORDS:
        if any(w in folded for w in words):
            return value
    labels = "、".join(str(label) for _v, label in ProblemSource.choices)
    raise CellError(
        _("“%(value)s”不是可选的来源，可选：%(labels)s。") % {"value": raw, "labels": labels}
    )


def parse_status(raw) -> str | None:
    """The row's state (a `LedgerState`), or None when the cell is blank."""
    text = match_key(raw).replace("-", "")
    if not text:
        return None
    state = _status_words(get_language()).get(text)
    if state is not None:
        return state
    raise CellError(
        _(
            "“%(value)s”不是可识别的整改状态。可填：未整改、未启动、待整改（未开始）；"
            "整改中、正在整改、持续整改、推进中、未完成（整改中）；"
            "已完成、已整改、完成、已销号（已完成，作为销号申请提交审核）。"
        )
        % {"value": raw}
    )
