"""The intake sheet: rows through the service, a bad row names row and column (masked), a bad
sheet changes nothing, the same sheet again is a no-op; the upload is kept encrypted."""

import io

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from shigan.core.models import Job
from shigan.petitions.imports import PetitionImporter, mask_errors
from shigan.petitions.models import Petition
from shigan.petitions.tests.conftest import PERSON, id_number

pytestmark = pytest.mark.django_db

HEADER = [
    "登记日期",
    "信访形式",
    "信访人姓名",
    "身份证号",
    "联系电话",
    "住址",
    "事由",
    "诉求",
    "类别",
    "初信初访",
]
ROWS = [
    [
        "2023-04-03",
        "来访",
        "张三",
        PERSON["id_number"],
        "13812345678",
        "某嘎查",
        "草场边界",
        "要求解决草场边界纠纷",
        "土地草场",
        "是",
    ],
    [
        "2023-04-04",
        "来电",
        "李四",
        id_number("15252719900101123"),
        "",
        "",
        "低保",
        "申请农村低保",
        "农村农牧",
        "否",
    ],
]


def sheet(rows) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    page = book.add_worksheet()
    page.write_row(0, 0, HEADER)
    for r, row in enumerate(rows, start=1):
        page.write_row(r, 0, row)
    book.close()
    return buffer.getvalue()


def test_rows_go_through_the_service_and_reimport_is_a_no_op(agents, people):
    data = sheet(ROWS)
    result = PetitionImporter(actor=people["gacha_agent"], agent=agents["gacha"]).run(
        data, "a.xlsx"
    )
    assert (result.created, result.errors) == (2, [])
    assert list(Petition.objects.order_by("received_on").values_list("first_time", flat=True)) == [
        True,
        False,
    ]
    again = PetitionImporter(actor=people["gacha_agent"], agent=agents["gacha"]).run(data, "a.xlsx")
    assert (again.created, again.unchanged) == (0, 2)
    assert Petition.objects.count() == 2


def test_a_bad_row_names_row_and_column_and_nothing_is_written(agents, people):
    bad = [ROWS[0], [*ROWS[1][:3], "152527199001011239", *ROWS[1][4:]]]
    result = PetitionImporter(actor=people["gacha_agent"], agent=agents["gacha"]).run(
        sheet(bad), "b.xlsx"
    )
    assert not result.committed and Petition.objects.count() == 0
    (error,) = result.errors
    assert (error.row, error.column) == (3, "身份证号") and "校验位" in error.message


def test_the_import_page_keeps_the_sheet_encrypted_and_masks_the_error_report(
    client, agents, people
):
    bad = [ROWS[0], [*ROWS[1][:3], "152527199001011239", *ROWS[1][4:]]]
    client.force_login(people["gacha_agent"])
    url = reverse("petitions:import", args=[agents["gacha"].pk])
    response = client.post(url, {"file": SimpleUploadedFile("b.xlsx", sheet(bad)), "mode": "valid"})
    assert response.status_code == 302
    job = Job.objects.get()
    with job.input_file.open("rb") as handle:
        stored = handle.read()
    assert b"PK" not in stored[:4]  # not the xlsx itself: a Fernet token
    assert job.state == "done" and Petition.objects.count() == 1
    with job.result_file.open("rb") as handle:
        report = CalamineWorkbook.from_filelike(io.BytesIO(handle.read()))
    cells = [str(c) for row in report.get_sheet_by_index(0).to_python() for c in row]
    assert "152527********1239" in cells and "152527199001011239" not in " ".join(cells)
    # Someone else's post: 404.
    client.force_login(people["sumu_agent"])
    assert client.get(url).status_code == 404


def test_template_download(client, people, agents):
    client.force_login(people["gacha_agent"])
    response = client.get(reverse("petitions:template"))
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_an_id_number_stored_as_a_number_is_refused_with_the_reason(agents, people):
    # Typed into a cell not formatted as text, an 18-digit ID keeps 15 significant digits: its
    # tail is gone, whatever its check digit happens to say. An old 15-digit one is exact.
    rows = [list(ROWS[0]), list(ROWS[1])]
    rows[0][3] = int(PERSON["id_number"])
    rows[1][3] = 152527900101123
    result = PetitionImporter(actor=people["gacha_agent"], agent=agents["gacha"]).run(
        sheet(rows), "a.xlsx"
    )
    assert not result.committed and not Petition.objects.exists()
    [error] = result.errors
    assert (error.row, error.letter, error.column) == (2, "D", "身份证号")
    assert "存成了数字" in error.message


def test_errors_name_the_sheets_own_heading_and_stay_masked(agents, people):
    # The sheet titles the ID column 公民身份号码 (the importer's 身份证号): the error names it
    # as the sheet does, and the report still masks the number under that heading.
    header = ["公民身份号码" if title == "身份证号" else title for title in HEADER]
    bad = [[*ROWS[1][:3], "152527199001011239", *ROWS[1][4:]]]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    page = book.add_worksheet()
    page.write_row(0, 0, header)
    page.write_row(1, 0, bad[0])
    book.close()
    importer = PetitionImporter(actor=people["gacha_agent"], agent=agents["gacha"])
    result = importer.run(buffer.getvalue(), "b.xlsx")
    mask_errors(result)
    (error,) = result.errors
    assert (error.row, error.letter, error.column) == (2, "D", "公民身份号码")
    assert error.value == "152527********1239"


def test_two_phone_numbers_in_one_cell_are_refused_naming_the_cell(agents, people):
    # The petitioner's 联系电话 holds one number: a cell of two is refused as such (by the
    # intake service, as the form and the API are), not called "not digits"; the report is
    # kept on disk, so neither the masked value nor the message shows the numbers.
    bad = [[*ROWS[0][:4], "13812345678、0471-1234567", *ROWS[0][5:]]]
    result = PetitionImporter(actor=people["gacha_agent"], agent=agents["gacha"]).run(
        sheet(bad), "b.xlsx"
    )
    (error,) = result.errors
    assert (error.row, error.letter, error.column) == (2, "E", "联系电话")
    assert "只能填一个号码" in error.message and Petition.objects.count() == 0
    mask_errors(result)
    assert "12345678" not in error.message and "12345678" not in str(error.value)
