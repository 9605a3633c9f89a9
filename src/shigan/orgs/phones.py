"""Chinese telephone numbers as offices write them: a mobile (13912345678, +86 139 1234 5678)
or a landline with its area code (0479-8234567, (0479)8234567, 010-12345678 转 123)."""

import re

from django.utils.translation import gettext as _

from shigan.core.spreadsheets.values import normalize_text

__all__ = ["normalize_phone", "invalid_phone_message", "several_phones_message", "phone_count"]

_MOBILE = re.compile(r"1[3-9]\d{9}")
# Area codes beginning 01 or 02 have three digits (010, 020–029), all others four.
_LANDLINE = re.compile(r"(0[12]\d|0[3-9]\d{2})-?([2-9]\d{6,7})(?:(?:-|转|ext)(\d{1,6}))?")
_COUNTRY = re.compile(r"^(?:\+86|0086|86(?=1[3-9]\d{9}$))")
_FLOAT_TEXT = re.compile(r"^(\d+)\.0+$")  # 13912345678.0, as other systems export a number
_SCIENTIFIC = re.compile(r"\d(?:\.\d+)?e\+?\d+", re.IGNORECASE)  # 1.39123E+10


def normalize_phone(text: object) -> str | None:
    """The number in one spelling ("13912345678", "0479-8234567", "010-12345678-123");
    "" for a blank cell; None when it is neither a mobile nor a landline with area code."""
    raw = normalize_text(text)
    if not raw:
        return ""
    compact = re.sub(r"[\s()（）]", "", re.sub(r"[—–－]", "-", raw)).lower()
    compact = _COUNTRY.sub("", _FLOAT_TEXT.sub(r"\1", compact))
    if _MOBILE.fullmatch(compact.replace("-", "")):
        return compact.replace("-", "")
    match = _LANDLINE.fullmatch(compact)
    if match is None:
        return None
    area, number, extension = match.groups()
    return f"{area}-{number}" + (f"-{extension}" if extension else "")


# What offices put between two numbers in one cell: 、 ， / ; or a space (full-width made
# half-width by normalize_text).
_BETWEEN_NUMBERS = re.compile(r"\s*[、,/;|]\s*|\s+")


_NUMBER_LIKE = re.compile(r"^\+?[\d()\-]*\d{3}[\d()\-]*$")  # 13912345678, (0471)1234567


def phone_count(text: object) -> int:
    """How many telephone numbers are written in the cell, one after another
    ("13912345678、0471-1234567" is 2, whether each is valid or not); 0 unless every part
    looks like one."""
    parts = [p for p in _BETWEEN_NUMBERS.split(normalize_text(text)) if p]
    numbers = [p for p in parts if _NUMBER_LIKE.match(p) and sum(c.isdigit() for c in p) >= 7]
    return len(parts) if len(numbers) == len(parts) else 0


def several_phones_message(value: object) -> str:
    """What to say of a cell with more than one telephone number in it; "" otherwise."""
    text = normalize_text(value)
    count = phone_count(text)
    if count < 2:
        return ""
    return _("“%(value)s”中有 %(n)d 个号码，联系电话只能填一个号码，请只保留一个。") % {
        "value": text,
        "n": count,
    }


def invalid_phone_message(value: object) -> str:
    """Why `value` is not a number `normalize_phone` takes: a person has one 联系电话, so a
    cell of two is refused as such rather than one of them kept; a number shown in scientific
    notation ("1.39123E+10", saved as the cell showed it) has lost its last digits."""
    text = normalize_text(value)
    if several := several_phones_message(text):
        return several
    if _SCIENTIFIC.fullmatch(text.replace(" ", "")):
        return _(
            "“%(value)s”是以科学计数法显示的号码，后几位已丢失，"
            "请把该列设为“文本”格式后重新填写完整号码。"
        ) % {"value": text}
    return _("“%(value)s”不是有效的手机号或带区号的固定电话（如 0479-8234567）。") % {"value": text}
