"""Writes the small workbooks the office-sheet tests read that only another program can make:

    uv run python src/shigan/core/tests/sheets/make_sheets.py

Each is built as an xlsx with XlsxWriter, then saved as .xls and .ods by LibreOffice
(``soffice --headless --convert-to``), as an office saving from an older Excel or from
WPS/LibreOffice would. The files are committed, so the tests need neither.

- ``hidden-filter.*``: an instructions sheet, then the table under a title row; a filter hides
  sheet rows 5, 6 and 9 (LibreOffice writes ``table:visibility="filter"`` in the .ods).
- ``hidden-hand.*``: the same table with sheet rows 4 and 9 hidden by hand (``collapse``).
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).resolve().parent


def write(path: Path, *, hidden: tuple[int, ...], filtered: bool) -> None:
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("填表说明").write(0, 0, "请按表头填写，日期写作2023-06-30。")
    ws = wb.add_worksheet("会议")
    ws.merge_range(0, 0, 0, 2, "2023年学习会议登记表")
    ws.write_row(1, 0, ["会议名称", "日期", "人数"])
    for r in range(2, 10):
        ws.write_row(r, 0, [f"会议{r}", "2023-06-30", r])
    if filtered:
        ws.autofilter(1, 0, 9, 2)
    for r in hidden:  # 0-based
        ws.set_row(r, None, None, {"hidden": True})
    wb.close()


def convert(source: Path, fmt: str, target: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is needed to write the .xls and .ods copies")
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [soffice, "--headless", "--convert-to", fmt, "--outdir", out, str(source)],
            check=True,
            capture_output=True,
        )
        shutil.move(Path(out) / f"{source.stem}.{fmt}", target)


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        for name, hidden, filtered in (
            ("hidden-filter", (4, 5, 8), True),
            ("hidden-hand", (3, 8), False),
        ):
            source = Path(work) / f"{name}.xlsx"
            write(source, hidden=hidden, filtered=filtered)
            for fmt in ("xls", "ods"):
                convert(source, fmt, HERE / f"{name}.{fmt}")


if __name__ == "__main__":
    main()
