"""The English translation: complete, compiled, and served when the browser asks for it.

Refresh it with `.ci/update-translations`, then `uv run shigan compilemessages`.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

pytestmark = pytest.mark.django_db

PO_FILE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
CJK = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{.*?\}\}")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # 0 only, or 0..n-1 for plurals
    flags: set[str] = field(default_factory=set)
    line: int = 0


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """A small .po reader: msgctxt, msgid(_plural), msgstr([n]), flags; obsolete entries skipped."""
    entries: list[Entry] = []
    entry, target = Entry(), None

    def finish():
        nonlocal entry, target
        if target is not None:
            entries.append(entry)
        entry, target = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line:
                finish()
            continue
        if line.startswith("#,"):
            if target is not None and target != "msgctxt":
                finish()
            entry.flags |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            text = _unquote(line)
            if target == "msgctxt":
                entry.msgctxt += text
            elif target == "msgid":
                entry.msgid += text
            elif target == "msgid_plural":
                entry.msgid_plural += text
            else:
                entry.msgstr[target] += text
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and target not in (None, "msgctxt"):
            finish()
        if not entry.line:
            entry.line = number
        if keyword == "msgctxt":
            target, entry.msgctxt = "msgctxt", _unquote(rest)
        elif keyword == "msgid":
            target, entry.msgid = "msgid", _unquote(rest)
        elif keyword == "msgid_plural":
            target, entry.msgid_plural = "msgid_plural", _unquote(rest)
        elif keyword == "msgstr":
            target = 0
            entry.msgstr[0] = _unquote(rest)
        elif m := re.fullmatch(r"msgstr\[(\d+)\]", keyword):
            target = int(m.group(1))
            entry.msgstr[target] = _unquote(rest)
        else:
            raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    finish()
    return entries


def messages() -> list[Entry]:
    return [e for e in parse_po(PO_FILE) if e.msgid]  # without the header


def _gettext(entry: Entry, n: int | None = None) -> str:
    if entry.msgid_plural is None:
        if entry.msgctxt is not None:
            return translation.pgettext(entry.msgctxt, entry.msgid)
        return translation.gettext(entry.msgid)
    if entry.msgctxt is not None:
        return translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
    return translation.ngettext(entry.msgid, entry.msgid_plural, n)


def test_po_and_mo_files_exist():
    assert PO_FILE.is_file(), f"{PO_FILE} is missing: run .ci/update-translations"
    assert MO_FILE.is_file(), f"{MO_FILE} is missing: run `uv run shigan compilemessages`"


def test_parser_reads_the_catalogue():
    entries = messages()
    assert len(entries) > 100
    assert any(e.msgid_plural for e in entries)
    assert {"单位", "填报员", "审计管理员"} <= {e.msgid for e in entries}


def test_every_message_is_translated_and_none_is_fuzzy():
    header = parse_po(PO_FILE)[0]
    assert header.msgid == "" and "fuzzy" not in header.flags
    assert "Language: en" in header.msgstr[0]
    problems = []
    for e in messages():
        where = f"line {e.line}: {e.msgid!r}"
        if "fuzzy" in e.flags:
            problems.append(f"fuzzy, {where}")
        wanted = 2 if e.msgid_plural else 1
        if len(e.msgstr) != wanted or not all(s.strip() for s in e.msgstr.values()):
            problems.append(f"untranslated, {where}")
        for s in e.msgstr.values():
            if sorted(PLACEHOLDER.findall(s)) != sorted(PLACEHOLDER.findall(e.msgid)):
                problems.append(f"placeholders differ, {where} → {s!r}")
            if "'" in s:
                # Templates put translations inside HTML attributes (data-confirm); write ’ instead.
                problems.append(f"ASCII apostrophe, {where} → {s!r}")
    assert not problems, "\n".join(problems)


def test_english_is_english():
    # Only the name of the Chinese language itself may keep its Chinese characters.
    leftovers = [
        e.msgid
        for e in messages()
        for s in e.msgstr.values()
        if CJK.search(s) and e.msgid != "简体中文"
    ]
    assert not leftovers


def test_compiled_catalogue_matches_the_po():
    """gettext reads the .mo: every msgstr of the .po must come back, so the .mo is current."""
    stale = []
    with translation.override("en"):
        for e in messages():
            if e.msgid_plural is None:
                got, want = [_gettext(e)], [e.msgstr[0]]
            else:
                got, want = [_gettext(e, 1), _gettext(e, 2)], [e.msgstr[0], e.msgstr[1]]
            if got != want:
                stale.append(f"{e.msgid!r}: .mo gives {got!r}, .po has {want!r}")
    assert not stale, "run `uv run shigan compilemessages`:\n" + "\n".join(stale)


def test_chinese_stays_the_default(client):
    response = client.get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "登录实干工作台账" in html
    assert 'lang="zh-hans"' in html


@pytest.mark.parametrize("how", ["accept-language", "cookie", "both"])
def test_login_page_in_english(client, how):
    headers = {}
    if how in ("accept-language", "both"):
        headers["HTTP_ACCEPT_LANGUAGE"] = "en"
    if how in ("cookie", "both"):
        client.cookies["django_language"] = "en"
    response = client.get("/accounts/login/", **headers)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="en"' in html
    assert "Sign in to Shigan Work Ledger" in html
    assert "<title>Sign in · Shigan</title>" in html
    assert "Username" in html and "Password" in html
    for chinese in ("登录实干工作台账", "登录", "实干", "工作台账", "用户名", "密码"):
        assert chinese not in html, chinese
