"""Pinyin initials for unit search (`xlglm` finds 锡林郭勒盟).

pypinyin's phrase-aware conversion costs ~100 µs a name: 40 s for the national tree. Most
characters have one initial whatever their reading, so a name is spelled from a per-character
table, and only names with a character whose readings start differently (长 c/z, 朝 c/z, 堡 b/p)
go through the phrase-aware conversion. Where the two disagree both are kept, because neither
is always right for place names (朝阳 is chao yang; the phrase dictionary says zhao).
"""

import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.pinyin_dict import pinyin_dict

__all__ = ["name_initials"]

# Most village names end in one of these; they are spelled once.
_SUFFIXES = ("村民委员会", "社区居委会", "居民委员会", "嘎查委员会", "村委会", "居委会", "委员会")


def _first_letter(reading: str) -> str:
    for ch in unicodedata.normalize("NFKD", reading):
        if ch.isascii() and ch.isalpha():
            return ch.lower()
    return ""


def _tables() -> tuple[dict[str, str], frozenset[str]]:
    default, ambiguous = {}, set()
    for codepoint, readings in pinyin_dict.items():
        letters = [_first_letter(r) for r in readings.split(",")]
        default[chr(codepoint)] = letters[0]
        if len(set(letters)) > 1:
            ambiguous.add(chr(codepoint))
    return default, frozenset(ambiguous)


_DEFAULT, _AMBIGUOUS = _tables()


def _char_letter(ch: str) -> str:
    if ch in _DEFAULT:
        return _DEFAULT[ch]
    return ch.lower() if ch.isascii() and ch.isalnum() else ""


@lru_cache(maxsize=262144)
def _spell(text: str) -> tuple[str, str]:
    plain = "".join(_char_letter(ch) for ch in text)
    if not any(ch in _AMBIGUOUS for ch in text):
        return plain, ""
    phrase = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")).lower()
    return plain, ("" if phrase == plain else phrase)


def name_initials(name: str) -> tuple[str, str]:
    """The initials of a name, and a second spelling where readings disagree (else "")."""
    stem, tail = name, ""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem, tail = name[: -len(suffix)], _spell(suffix)[0]
            break
    plain, phrase = _spell(stem)
    return (plain + tail)[:100], (phrase + tail)[:100] if phrase else ""
