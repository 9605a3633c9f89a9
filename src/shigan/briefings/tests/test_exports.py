"""The .docx in 公文 format (GB/T 9704-2012), read back with python-docx; converted to PDF by
LibreOffice when it is installed; and the HTML export."""

import io
import os
import re
import shutil
import subprocess

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from shigan.briefings.exports import (
    BODY_FONT,
    HEADING_FONT,
    LINES_PER_PAGE,
    TITLE_FONT,
    briefing_docx,
    briefing_html,
)

pytestmark = pytest.mark.django_db


def _east_asia(run) -> str | None:
    fonts = run._element.rPr.rFonts if run._element.rPr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def _mm(length) -> float:
    return round(length.mm, 1)


def test_the_docx_has_the_official_page_and_fonts(briefing):
    document = Document(io.BytesIO(briefing_docx(briefing)))
    section = document.sections[0]
    assert (_mm(section.page_width), _mm(section.page_height)) == (210.0, 297.0)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert tuple(_mm(m) for m in margins) == (37.0, 35.0, 28.0, 26.0)

    title, *body = [p for p in document.paragraphs if p.text.strip()]
    assert title.text == briefing.title
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert {(_east_asia(r), r.font.size) for r in title.runs} == {(TITLE_FONT, Pt(22))}

    texts = [p.text for p in body]
    assert texts[: len(briefing.paragraphs())] == briefing.paragraphs()
    assert "193.7亿元" in "".join(texts)
    line = Pt(Mm(225).pt / LINES_PER_PAGE)
    for paragraph in body:
        fmt = paragraph.paragraph_format
        assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
        assert abs(fmt.line_spacing - line) < Pt(0.05)
        snap = paragraph._p.pPr.find(qn("w:snapToGrid"))
        assert snap is not None and snap.get(qn("w:val")) == "0"
        for run in paragraph.runs:
            assert run.font.size == Pt(16)
            assert _east_asia(run) in (BODY_FONT, HEADING_FONT)
            # 28 characters of 16 pt in 156 mm: each advances at most 156 mm / 28
            spacing = int(run._element.rPr.find(qn("w:spacing")).get(qn("w:val")))
            assert 16 + spacing / 20 <= Mm(156).pt / 28
    headings = [r.text for p in body for r in p.runs if _east_asia(r) == HEADING_FONT]
    assert headings[0] == "一、以学铸魂，推动党的创新理论深化内化转化。" and len(headings) == 4


def test_every_run_names_its_east_asian_font(briefing):
    document = Document(io.BytesIO(briefing_docx(briefing)))
    section = document.sections[0]
    parts = [document.element.body, section.footer._element, section.even_page_footer._element]
    runs = [r for part in parts for r in part.iter(qn("w:r"))]
    assert len(runs) > 10
    for run in runs:
        fonts = run.find(qn("w:rPr") + "/" + qn("w:rFonts"))
        assert fonts is not None and fonts.get(qn("w:eastAsia")), run.xml[:200]
    assert "PAGE" in section.footer._element.xml and "PAGE" in section.even_page_footer._element.xml


def test_the_document_grid_is_28_lines_of_28_characters(briefing):
    document = Document(io.BytesIO(briefing_docx(briefing)))
    grid = document.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    assert int(grid.get(qn("w:linePitch"))) == round(Mm(225).pt / LINES_PER_PAGE * 20)
    # 156 mm / 28 characters, relative to the 16 pt body size, in 4096ths of a point
    assert int(grid.get(qn("w:charSpace"))) == round((Mm(156).pt / 28 - 16) * 4096)
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == BODY_FONT


def test_the_docx_opens_in_libreoffice_as_an_a4_pdf(briefing, tmp_path):
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        message = "没有找到 libreoffice：apt-get install libreoffice-writer 以启用 .docx→PDF 检查。"
        if os.environ.get("SHIGAN_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail(message)
        pytest.skip(message)
    source = tmp_path / "briefing.docx"
    source.write_bytes(briefing_docx(briefing))
    profile = tmp_path / "profile"  # a fresh profile: no lock shared with a running office
    subprocess.run(
        [
            office,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = (tmp_path / "briefing.pdf").read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert boxes
    for box in boxes:
        width, height = (round(float(v)) for v in box[2:])
        assert (width, height) == (595, 842)
    if shutil.which("pdftotext"):
        out = subprocess.run(
            ["pdftotext", "-layout", str(tmp_path / "briefing.pdf"), "-"],
            check=True,
            capture_output=True,
            timeout=60,
        ).stdout.decode()
        text = re.sub(r"\s+", "", out)
        assert "193.7亿元" in text
        assert "第一批参学单位检视出2个方面4个问题" in text
        # the body runs 26–28 characters a line (digits and punctuation are narrower)
        body = [re.sub(r"\s+", "", line) for line in out.splitlines()][6:20]
        longest = max(len(line) for line in body)
        assert 26 <= longest <= 32, body


def test_the_html_export(client, briefing, office):
    html = briefing_html(briefing)
    assert "<h1>内蒙古自治区学习贯彻" in html and "size: A4" in html
    assert '<span class="heading">二、以学增智，深入开展调查研究。</span>' in html
    assert "下达少数民族发展任务资金7.14亿元" in html
