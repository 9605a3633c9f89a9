"""Turning what people type into office sheets into values: numbers, dates, codes.

Every parser takes the raw cell (str, int, float, date, datetime, bool or None) and returns the
value, or raises `CellError` with a Chinese message.

A sheet is read as it was written, whatever the reader's language: column titles and choice
labels match in every configured language (`spellings`, `match_key`), and dates may also be
written the English way ("30 June 2023", "June 30, 2023").
"""

import calendar
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from shigan.core.dates import in_range, out_of_range_message

__all__ = [
    "CellError",
    "normalize_text",
    "names_text",
    "is_blank",
    "parse_text",
    "parse_int",
    "parse_date",
    "parse_division_code",
    "display_width",
    "spellings",
    "match_key",
    "label_index",
    "MONTH_NAME",
    "ENGLISH_DATE",
    "english_date",
    "month_number",
    "parse_deadline",
]

# Full-width ASCII (！ … ～) maps onto ASCII by a fixed offset; the ideographic space onto " ".
_FULL_WIDTH: dict[int, int | None] = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULL_WIDTH[0x3000] = 0x20
# What a copy from a web page or a chat leaves in a cell and nobody sees: a no-break space
# (a space), zero-width spaces and joiners, a byte-order mark (nothing).
_INVISIBLE: dict[int, int | None] = {0xA0: 0x20, 0x202F: 0x20}
_INVISIBLE.update(dict.fromkeys((0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)))
_FULL_WIDTH.update(_INVISIBLE)
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01, counting the phantom 1900-02-29
# A deadline is often written "by" a day or a month's end: 2023年6月30日前, 6月底, 2023年6月末.
_BY = r"\s*(?:之?前)?$"
_FULL_DATE = re.compile(r"^(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*[日号]?" + _BY)
_MONTH_END = re.compile(r"^(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*[底末]" + _BY)
_YEAR_END = re.compile(r"^(\d{4})\s*年\s*(?:年\s*)?[底末]" + _BY)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?" + _BY)
_ABOUT = re.compile(r"^(?:大约|约)\s*(?=\d)")  # "约30人": a count, as offices give it
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
# What a count is of, written after it: "35人", "12 人次", "3场", "5个".
_COUNTED = re.compile(r"(?<=\d)\s*(?:人次|人|名|个|次|场|期|件|项|户|家|条|篇|本)$")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
# An English month name (a regex fragment, case-insensitive): longest spellings first.
MONTH_NAME = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_ORDINAL = r"(?:st|nd|rd|th)?"
# "30 June 2023", "30th Jun. 2023", "June 30, 2023", "Jun 30 2023".
ENGLISH_DATE = re.compile(
    rf"\b(?:(?P<day>\d{{1,2}}){_ORDINAL}\s+(?P<month>{MONTH_NAME})"
    rf"|(?P<month2>{MONTH_NAME})\s+(?P<day2>\d{{1,2}}){_ORDINAL})\s*,?\s*(?P<year>\d{{4}})\b",
    re.IGNORECASE,
)


class CellError(ValueError):
    """A cell's value cannot be read; `message` is shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def normalize_text(value: object) -> str:
    """The cell as text: full-width letters, digits and punctuation made half-width, trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _normalized(str(value))


@lru_cache(maxsize=65536)
def _normalized(text: str) -> str:
    # Sheets repeat their values (parents, kinds, names) thousands of times.
    return text.translate(_FULL_WIDTH).strip()


# A two-character name padded with spaces to line up with three-character ones ("王  伟"). No
# Chinese name is one character long, so two lone characters apart are one name.
_PADDED_NAME = re.compile(
    r"(?<![\u3400-\u9fff·])([\u3400-\u9fff]) +([\u3400-\u9fff])(?![\u3400-\u9fff·])"
)


def names_text(value: object) -> str:
    """A cell naming people, as parse_text reads it, with each two-character name padded to
    line up closed up: "王  伟、巴特尔" → "王伟、巴特尔"."""
    return _PADDED_NAME.sub(r"\1\2", parse_text(value))


def spellings(text: object) -> list[str]:
    """A (lazy) text as each configured language writes it: the current language first, then
    the default language, then the others. A plain str is its only spelling."""
    if isinstance(text, str):
        return [text]
    found = [str(text)]
    languages = [settings.LANGUAGE_CODE, *(code for code, _name in settings.LANGUAGES)]
    for code in dict.fromkeys(languages):
        with translation.override(code):
            spelling = str(text)
        if spelling not in found:
            found.append(spelling)
    return found


def match_key(text: object) -> str:
    """What two spellings of a word must share to be the same word: half-width, no spaces,
    case-folded ("Not completed" ~ "not completed" ~ "NOT COMPLETED")."""
    return normalize_text(text).replace(" ", "").casefold()


def label_index(choices: Iterable[tuple[str, str | Promise]]) -> dict[str, str]:
    """(value, label) pairs → {match key: value}, for the value itself and the label in every
    language (the first language's meaning wins where two labels are spelt alike)."""
    index: dict[str, str] = {}
    for value, label in choices:
        for spelling in spellings(label):
            index.setdefault(match_key(spelling), value)
    for value, _label in choices:
        index.setdefault(match_key(value), value)
    return index


def month_number(name: str) -> int:
    """An English month name (as MONTH_NAME matches it) → 1..12."""
    return _MONTHS[name.rstrip(".").lower()]


def english_date(match: re.Match[str], raw: object) -> date:
    """The date an ENGLISH_DATE match spells."""
    day = match["day"] or match["day2"]
    month = month_number(match["month"] or match["month2"])
    return _make_date(int(match["year"]), month, int(day), raw)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_text(value: object, *, max_length: int | None = None) -> str:
    # Only digits and spaces are normalised in free text; names keep their own punctuation.
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).translate(_INVISIBLE).replace("\u3000", " ").strip()
    if max_length is not None and len(text) > max_length:
        raise CellError(_("不能超过 %(n)d 个字。") % {"n": max_length})
    return text


def parse_int(value: object) -> int | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_("应为整数。"))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(_("应为整数。"))
    text = _COUNTED.sub("", _ABOUT.sub("", normalize_text(value).replace(",", "")))
    if not _NUMBER.match(text) or "." in text and not text.endswith(".0"):
        raise CellError(_("“%(value)s”不是整数。") % {"value": value})
    return int(float(text))


# A deadline given as a month, or part of one: 2023年6月, 6月份, 6月上旬 / 中旬 / 下旬, and the
# year and month with a dot, a slash or a dash (2023.6, 2023/6, 2023-06).
_MONTH_PART = re.compile(
    r"^(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(份|[上中下]旬)?"
    + _BY
    + r"|^(\d{4})\s*[./\-]\s*(\d{1,2})"
    + _BY
)
_PART_DAY = {"上旬": 10, "中旬": 20}  # else (下旬, the month alone) its last day


def _month_text(value: object) -> str | None:
    """A deadline cell as text, if it may be a month: a text cell, or the number a cell not
    formatted as text makes of "2023.6" (year.month); None for other cells (a date, a serial).
    Such a number has lost the 0 of "2023.10": 2023.1 may be January or October."""
    if isinstance(value, str):
        return normalize_text(value)
    if isinstance(value, float) and 2000 <= value < 2101 and not value.is_integer():
        text = repr(value)
        if text.endswith(".1"):
            raise CellError(
                _("“%(value)s”是1月还是10月？请写成“%(year)s年1月”或“%(year)s年10月”。")
                % {"value": text, "year": text[:4]}
            )
        return text
    return None


def parse_deadline(value: object, *, default_year: int | None = None) -> date | None:
    """A deadline (完成时限): a date as `parse_date` reads it, or a month, meaning by its end
    (2023年6月, 2023.6, 2023-06, 6月份: as 6月底), its 上旬 (the 10th), 中旬 (the 20th) or 下旬
    (its end). Only a deadline: a month is no day something happened on."""
    text = _month_text(value)
    m = _MONTH_PART.match(text) if text is not None else None
    if m is None:
        return parse_date(value, default_year=default_year)
    if m[4]:  # 2023.6
        return _month_end(int(m[4]), int(m[5]), value)
    year = int(m[1]) if m[1] else default_year
    if year is None:
        raise CellError(_("“%(value)s”没有年份，请写成“2023年6月30日”。") % {"value": value})
    month = int(m[2])
    if part := _PART_DAY.get(m[3] or ""):
        day = _make_date(year, month, part, value)
        if not in_range(day):
            raise CellError(out_of_range_message())
        return day
    return _month_end(year, month, value)


def _month_end(year: int, month: int, raw: object) -> date:
    last = calendar.monthrange(year, month)[1] if 0 < month < 13 else 1
    day = _make_date(year, month, last, raw)
    if not in_range(day):
        raise CellError(out_of_range_message())
    return day


def _make_date(year: int, month: int, day: int, raw: object) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(_("“%(value)s”不是有效的日期。") % {"value": raw}) from None


def parse_date(value: object, *, default_year: int | None = None) -> date | None:
    """Excel serials, date cells and the text forms 2023年6月30日, 2023.6.30, 2023/6/30,
    2023-06-30, 20230630, 6月30日 (with `default_year`), 30 June 2023 and June 30, 2023, a
    month's or a year's end (2023年6月底, 6月末, 2023年底) and a day "by" (2023年6月30日前); within
    the ledger's range, 2000–2100 (core/dates.py)."""
    day = _parse_any_date(value, default_year=default_year)
    if day is not None and not in_range(day):
        raise CellError(out_of_range_message())
    return day


def _parse_any_date(value: object, *, default_year: int | None) -> date | None:
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellError(_("“%(value)s”不是日期。") % {"value": value})
    if isinstance(value, int | float):
        if not 1 <= value < 2958466:  # 9999-12-31
            raise CellError(_("“%(value)s”不是日期。") % {"value": value})
        return _EXCEL_EPOCH + timedelta(days=int(value))
    text = normalize_text(value)
    text = text.split(" ")[0] if re.match(r"^\S+\s+\d{1,2}:\d{2}", text) else text
    if m := _FULL_DATE.match(text) or _COMPACT_DATE.match(text):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), value)
    if m := _YEAR_END.match(text):
        return _make_date(int(m[1]), 12, 31, value)
    if m := _MONTH_DAY.match(text) or _MONTH_END.match(text):
        year = int(m[1]) if m.re is _MONTH_END and m[1] else default_year
        if year is None:
            raise CellError(_("“%(value)s”没有年份，请写成“2023年6月30日”。") % {"value": value})
        if m.re is _MONTH_DAY:
            return _make_date(year, int(m[1]), int(m[2]), value)
        month = int(m[2])  # the month's last day
        return _make_date(
            year, month, calendar.monthrange(year, month)[1] if 0 < month < 13 else 1, value
        )
    if text.isdigit() and 20000 <= int(text) < 80000:  # a serial typed as text
        return _EXCEL_EPOCH + timedelta(days=int(text))
    if m := ENGLISH_DATE.fullmatch(text):
        return english_date(m, value)
    raise CellError(
        _("“%(value)s”不是可识别的日期，请写成“2023年6月30日”或“2023-06-30”。") % {"value": value}
    )


def parse_division_code(value: object) -> str | None:
    """A GB/T 2260 code: 12 digits, or 2/4/6/9 digits padded with zeros."""
    if is_blank(value):
        return None
    text = normalize_text(value).replace(" ", "")
    if not text.isascii() or not text.isdigit() or len(text) not in (2, 4, 6, 9, 12):
        raise CellError(_("“%(value)s”不是有效的行政区划代码（12 位数字）。") % {"value": value})
    return text.ljust(12, "0")


def display_width(text: str) -> int:
    """Column width in Excel character units: CJK and full-width characters count double."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
