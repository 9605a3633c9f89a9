"""A blank template's drop-down lists are text: a choice named by a user (a research aspect's
name) that starts with "=" is written as a string, never as a formula Excel would run."""

import io
import zipfile

from shigan.core.spreadsheets.exporters import Exporter
from shigan.core.spreadsheets.importers import Column

EVIL = '=HYPERLINK("https://evil.example/","点此查看")'
# long enough that the list goes to the hidden sheet (an inline list holds 255 characters)
LABELS = [EVIL] + [f"方面{i:02d}：基层治理和作风建设" for i in range(20)]


class AspectTemplate(Exporter):
    title = "调研课题"
    columns = [
        Column("title", "课题名称", required=True),
        Column("aspect", "方面", kind="choice", choices=tuple((x, x) for x in LABELS)),
    ]

    def rows(self):
        return iter(())


def test_a_choice_starting_with_equals_is_text_in_the_template():
    book = zipfile.ZipFile(io.BytesIO(AspectTemplate().template_bytes()))
    sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
    assert len(sheets) == 2  # the template and its hidden list
    xml = "".join(book.read(n).decode() for n in sheets)
    assert "<f>" not in xml and "HYPERLINK" not in xml  # strings live in sharedStrings
    assert "HYPERLINK" in book.read("xl/sharedStrings.xml").decode()
