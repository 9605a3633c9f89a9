"""The scans of an xlsx sheet's XML (core.spreadsheets.xml_scan): each searches by a literal
first, and must find what its full pattern finds over the whole text."""

import pytest

from shigan.core.spreadsheets.xml_scan import (
    SheetLimits,
    check_extent,
    formula_cells,
    hidden_rows,
)

SHEET = (
    b'<x:worksheet><x:dimension ref="A1:C10"/><x:sheetData>'
    b'<x:row r="3" x:hidden="1"><x:c r="B3"><x:f>1+1</x:f><x:v>2</x:v></x:c></x:row>'
    b'<row hidden="true" r="9"><c r="C9" t="n">\n  <f t="shared" si="0"/></c></row>'
    b'<row r="10" xhidden="1"><c r="A10" t="s"><v>0</v></c></row>'
    b"</x:sheetData>"
    b'<cols><col hidden="1" min="1" max="1"/></cols><mergeCell ref="A1:C1"/>'
    b'<c r="D4"><f'
)


def test_formula_cells_with_and_without_a_prefix_and_at_the_very_end():
    assert formula_cells(SHEET) == {(2, 1), (8, 2), (3, 3)}


def test_no_formula_element_no_formula_cell():
    """ref="…" and a value that only looks like one hold no formula element."""
    xml = b'<dimension ref="A1:B2"/><row r="1"><c r="A1" t="inlineStr"><is><t>f(x)</t></is></c>'
    assert formula_cells(xml) == set()


def test_hidden_rows_are_rows_marked_hidden_only():
    """A hidden column, or an attribute whose name ends in hidden, hides no row."""
    assert hidden_rows(SHEET) == {2, 8}


def test_extent_within_limits_passes():
    check_extent(SHEET)


@pytest.mark.parametrize(
    "xml",
    [
        b'<dimension ref="A1:XFD1048576"/>',
        b'<row r="1"><c r="A1"/></row><row r="2"><c r="XFD1048576"/></row>',
        b'<row r="1"/><row r="1048577"/>',
    ],
)
def test_extent_past_the_limits_is_refused(xml):
    with pytest.raises(SheetLimits):
        check_extent(xml)
