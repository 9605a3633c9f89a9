"""Issue 16 point 2: a workbook that would make the reader allocate without bound is refused
with a clear Chinese message, and the process that asked lives on and reads the next file."""

import io
import os
import zipfile

import pytest
import xlsxwriter

from shigan.core.spreadsheets import cage
from shigan.core.spreadsheets.reading import SheetReadError, read_rows

REFUSAL = "文件过大或结构异常，无法读取"


def workbook(*cells) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for ref, value in cells:
        sheet.write(ref, value)
    book.close()
    return buffer.getvalue()


def sparse() -> bytes:
    """Two cells, at A1 and at the last cell of a sheet, XFD1048576: a few KB."""
    data = workbook(("A1", "问题"), ("XFD1048576", "x"))
    assert len(data) < 10_000
    return data


def zip_bomb() -> bytes:
    """An xlsx-shaped zip whose sheet unpacks to 64 MB of zeros (a few hundred KB packed)."""
    model = zipfile.ZipFile(io.BytesIO(workbook(("A1", "问题"))))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for member in model.infolist():
            if member.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(member, model.read(member.filename))
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            for _ in range(64):
                sheet.write(b"\0" * 2**20)
    data = buffer.getvalue()
    assert len(data) < 1_000_000
    return data


def still_reads():
    """The process still serves: the next, ordinary file is read."""
    assert read_rows(workbook(("A1", "问题"), ("B2", 3)), "ok.xlsx") == [["问题", ""], ["", 3]]


def test_a_sparse_sheet_is_refused_and_the_reader_lives():
    with pytest.raises(SheetReadError, match=REFUSAL) as refused:
        read_rows(sparse(), "sparse.xlsx")
    assert "1048576 行" in str(refused.value) or "行数过多" in str(refused.value)
    assert refused.value.field == "file"
    still_reads()


def test_a_zip_bomb_is_refused_and_the_reader_lives():
    with pytest.raises(SheetReadError, match=REFUSAL):
        read_rows(zip_bomb(), "bomb.xlsx")
    still_reads()


def test_the_cage_holds_when_the_checks_are_passed(settings):
    """With the pre-checks opened wide, the reader itself runs out of its memory limit in the
    child process, which dies; this process gets a refusal and reads on."""
    settings.SHIGAN_SHEET_MAX_CELLS = 10**12
    settings.SHIGAN_SHEET_MAX_ROWS = 10**12
    settings.SHIGAN_SHEET_MAX_MEMORY_BYTES = 256 * 2**20
    parent = os.getpid()
    with pytest.raises(cage.Refused, match=REFUSAL):
        cage.read_first_sheet(sparse(), ".xlsx")
    assert os.getpid() == parent
    still_reads()


@pytest.mark.django_db
def test_an_import_job_of_a_sparse_sheet_is_failed_with_the_reason(units, make_user):
    from django.utils import translation

    from shigan.core.choices import JobState
    from shigan.core.jobs import job_create, job_enqueue
    from shigan.orgs.choices import Role
    from shigan.orgs.models import Unit

    admin = make_user(Role.ADMIN, units["own"])
    before = Unit.objects.count()
    with translation.override("zh-hans"):
        job = job_create(
            actor=admin,
            kind="orgs.units.import",
            unit=units["own"],
            upload=sparse(),
            upload_name="sparse.xlsx",
        )
        job_enqueue(job)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and REFUSAL in job.message
    assert Unit.objects.count() == before
    still_reads()


@pytest.mark.django_db
@pytest.mark.parametrize("make, name", [(sparse, "sparse.xlsx"), (zip_bomb, "bomb.xlsx")])
def test_an_uploaded_crafted_sheet_is_refused_and_the_next_request_is_served(
    client, units, make_user, make, name
):
    """Through the upload page, as a clerk would: the web process (this one, running the job
    in-process without a broker) answers with the refusal and serves the next request."""
    from django.urls import reverse

    from shigan.orgs.choices import Role

    client.force_login(make_user(Role.ADMIN, units["own"]))
    url = reverse("orgs:unit_import", args=[units["own"].pk, "units"])
    parent = os.getpid()
    upload = io.BytesIO(make())
    upload.name = name
    response = client.post(url, {"file": upload, "mode": "all"}, follow=True)
    assert REFUSAL in response.content.decode()
    assert os.getpid() == parent
    assert client.get(reverse("core:job_list")).status_code == 200
    again = io.BytesIO(workbook(("A1", "名称"), ("B1", "类型"), ("A2", "新专班"), ("B2", "部门")))
    again.name = "ok.xlsx"
    served = client.post(url, {"file": again, "mode": "all"}, follow=True)
    assert served.status_code == 200 and REFUSAL not in served.content.decode()
