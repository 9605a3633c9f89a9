"""A briefing as a .docx in the format of Party and government documents (公文, GB/T 9704-2012)
and as a standalone HTML page.

The page: A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm, so the text block is
156 × 225 mm. The title in 方正小标宋简体 二号 (22 pt), centred; the body in 仿宋_GB2312 三号
(16 pt), LINES_PER_PAGE lines of CHARS_PER_LINE characters: the section declares that
document grid (Word's page setup shows 28 × 28), every line is spaced exactly 225 mm / lines,
and the character pitch 156 mm / 28 = 15.79 pt, a little under the 16 pt glyph, is given by the
runs' character spacing (−0.25 pt): LibreOffice lays a glyph wider than a grid cell over two
cells, so the paragraphs do not snap to the character grid — Word and LibreOffice then both
set 28 characters a line. A heading that opens a paragraph ("一、……。") is set in 黑体.
Every run names its East Asian font (w:eastAsia) and language (zh-CN): Word and LibreOffice
fall back to a Latin (or Japanese) font for Chinese text otherwise.
Page numbers: 四号 宋体 "— N —", odd pages right, even pages left, one character in.
"""

import io
import math
import re
from html import escape

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt

from shigan.briefings.sandbox import date_text

__all__ = [
    "LINES_PER_PAGE",
    "CHARS_PER_LINE",
    "TITLE_FONT",
    "BODY_FONT",
    "HEADING_FONT",
    "briefing_docx",
    "briefing_html",
]

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
# GB/T 9704-2012 §5.2.2 says "一般每面排22行"; this issue asks for 28–30 lines, at 28 characters.
LINES_PER_PAGE = 28
CHARS_PER_LINE = 28
TITLE_FONT, TITLE_SIZE = "方正小标宋简体", Pt(22)  # 二号
BODY_FONT, BODY_SIZE = "仿宋_GB2312", Pt(16)  # 三号
HEADING_FONT = "黑体"
PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE = "宋体", Pt(14)  # 四号
LATIN_FONT = "Times New Roman"

TEXT_HEIGHT = Length(PAGE_HEIGHT - MARGINS["top"] - MARGINS["bottom"])  # 225 mm
TEXT_WIDTH = Length(PAGE_WIDTH - MARGINS["left"] - MARGINS["right"])  # 156 mm
LINE_PITCH = Pt(TEXT_HEIGHT.pt / LINES_PER_PAGE)
CHAR_PITCH_PT = TEXT_WIDTH.pt / CHARS_PER_LINE
# Character spacing in twentieths of a point, rounded down so that 28 characters fit.
BODY_CONDENSE = math.floor((CHAR_PITCH_PT - BODY_SIZE.pt) * 20)
HEADING = re.compile(r"^([一二三四五六七八九十]+、[^。]*。)")


def set_run_font(run, east_asia: str, size, *, condense: int = 0) -> None:
    """Font of one run, Chinese (w:eastAsia) and Latin alike, in Chinese (w:lang)."""
    run.font.name = LATIN_FONT
    run.font.size = size
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    if condense:
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(condense))
        rpr.find(qn("w:sz")).addprevious(spacing)  # the schema's order: spacing before sz
    lang = OxmlElement("w:lang")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)


def _body_run(paragraph, text: str, font: str = BODY_FONT) -> None:
    set_run_font(paragraph.add_run(text), font, BODY_SIZE, condense=BODY_CONDENSE)


def _no_char_grid(paragraph) -> None:
    """Lines keep their exact spacing; characters their own pitch (see the module's note)."""
    ppr = paragraph._p.get_or_add_pPr()
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    following = ppr.find(qn("w:spacing"))
    if following is not None:
        following.addprevious(snap)
    else:
        ppr.append(snap)


def _page_setup(document) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    section.header_distance = Mm(15)
    section.footer_distance = Length(Mm(28) - PAGE_NUMBER_SIZE)
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH.pt * 20)))  # twentieths of a point
    # The character pitch, as the difference from the body size in 4096ths of a point.
    grid.set(qn("w:charSpace"), str(round((CHAR_PITCH_PT - BODY_SIZE.pt) * 4096)))


def _styles(document) -> None:
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = LATIN_FONT, BODY_SIZE
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), BODY_FONT)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, LINE_PITCH
    fmt.space_before = fmt.space_after = Pt(0)
    # The document defaults too: what an empty paragraph and the grid are measured against.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            rfonts = rpr.find(qn("w:rFonts"))
            if rfonts is None:
                rfonts = OxmlElement("w:rFonts")
                rpr.insert(0, rfonts)
            rfonts.set(qn("w:eastAsia"), BODY_FONT)
            size = rpr.find(qn("w:sz"))
            if size is None:
                size = OxmlElement("w:sz")
                rpr.append(size)
            size.set(qn("w:val"), str(int(BODY_SIZE.pt * 2)))
            lang = rpr.find(qn("w:lang"))
            if lang is None:
                lang = OxmlElement("w:lang")
                rpr.append(lang)
            lang.set(qn("w:eastAsia"), "zh-CN")


def _body_paragraph(document, text: str) -> None:
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, LINE_PITCH
    fmt.first_line_indent = Pt(BODY_SIZE.pt * 2)  # two characters
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    heading = HEADING.match(text)
    if heading:
        _body_run(paragraph, heading.group(1), HEADING_FONT)
        text = text[heading.end() :]
    if text:
        _body_run(paragraph, text)


def _title(document, title: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(LINE_PITCH.pt * 1.5)
    fmt.first_line_indent = Pt(0)
    set_run_font(paragraph.add_run(title), TITLE_FONT, TITLE_SIZE)
    document.add_paragraph()  # one empty line between title and body


def _signature(document, unit_name: str, day_text: str) -> None:
    document.add_paragraph()
    for line in (unit_name, day_text):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        fmt = paragraph.paragraph_format
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, LINE_PITCH
        fmt.right_indent = Pt(BODY_SIZE.pt * 4)
        _body_run(paragraph, line)


def _finish(document) -> None:
    """Every paragraph off the character grid; the empty ones get a run in the body font."""
    for paragraph in document.paragraphs:
        if not paragraph.runs:
            _body_run(paragraph, "")
        _no_char_grid(paragraph)


def _field_run(paragraph, instruction: str):
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)
    set_run_font(run, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    return run


def _page_number(footer, align) -> None:
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    paragraph.alignment = align
    indent = Pt(PAGE_NUMBER_SIZE.pt)  # one character from the edge
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = indent
    else:
        paragraph.paragraph_format.left_indent = indent
    set_run_font(paragraph.add_run("— "), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    _field_run(paragraph, "PAGE")
    set_run_font(paragraph.add_run(" —"), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    _no_char_grid(paragraph)


def _page_numbers(document) -> None:
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)


def briefing_docx(briefing) -> bytes:
    document = Document()
    _page_setup(document)
    _styles(document)
    document.core_properties.title = briefing.title
    document.core_properties.author = briefing.unit.name
    _title(document, briefing.title)
    for text in briefing.paragraphs():
        _body_paragraph(document, text)
    _signature(document, briefing.unit.name, date_text(briefing.as_of))
    _finish(document)
    _page_numbers(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


HTML_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<style>
@page {{ size: A4; margin: 37mm 26mm 35mm 28mm; }}
body {{ max-width: 156mm; margin: 2rem auto; font-family: "仿宋_GB2312", "FangSong", "STFangsong",
  "Noto Serif CJK SC", serif; font-size: 16pt; line-height: {line}pt; color: #000; }}
h1 {{ font-family: "方正小标宋简体", "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC", serif;
  font-size: 22pt; font-weight: normal; text-align: center; line-height: 1.5;
  margin: 0 0 {line}pt; }}
p {{ text-indent: 2em; margin: 0; text-align: justify; }}
p .heading {{ font-family: "黑体", "SimHei", "Noto Sans CJK SC", sans-serif; }}
.signature {{ text-align: right; text-indent: 0; padding-right: 4em; }}
.first-signature {{ margin-top: {line}pt; }}
</style></head><body>
<h1>{title}</h1>
{paragraphs}
<p class="signature first-signature">{unit}</p>
<p class="signature">{day}</p>
</body></html>
"""


def _html_paragraph(text: str) -> str:
    heading = HEADING.match(text)
    if heading:
        rest = escape(text[heading.end() :])
        return f'<p><span class="heading">{escape(heading.group(1))}</span>{rest}</p>'
    return f"<p>{escape(text)}</p>"


def briefing_html(briefing) -> str:
    return HTML_PAGE.format(
        title=escape(briefing.title),
        line=round(LINE_PITCH.pt, 2),
        paragraphs="\n".join(_html_paragraph(p) for p in briefing.paragraphs()),
        unit=escape(briefing.unit.name),
        day=escape(date_text(briefing.as_of)),
    )
