"""Evidence uploads: checked by size and by content (never by name), stored under random names
in SHIGAN_HOME/private/evidence (outside anything the web server serves), and read only within
the user's scope."""

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from shigan.core.errors import DomainError
from shigan.orgs.choices import Role
from shigan.problems import services
from shigan.problems.models import Evidence
from shigan.problems.tests.conftest import PDF_BYTES, PNG_BYTES, pdf

pytestmark = pytest.mark.django_db

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
MZ = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def docx_bytes():
    from docx import Document

    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("整改情况说明")
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes():
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.add_worksheet().write(0, 0, "整改台账")
    workbook.close()
    return buffer.getvalue()


def plain_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not an office file")
    return buffer.getvalue()


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    ("name", "data", "mime"),
    [
        ("整改报告.pdf", PDF_BYTES, "application/pdf"),
        ("现场照片.png", PNG_BYTES, "image/png"),
        (
            "情况说明.docx",
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "台账.xlsx",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("说明.txt", "整改已完成，附说明。\n".encode(), "text/plain"),
        ("说明-gbk.txt", "整改已完成".encode("gb18030"), "text/plain"),
    ],
)
def test_accepted_types_are_stored_privately(started, editor, tmp_path, name, data, mime):
    data = {"docx": docx_bytes, "xlsx": xlsx_bytes}.get(data, lambda: data)()
    evidence = services.evidence_add(actor=editor, problem=started, file=upload(name, data))
    assert evidence.original_name == name and evidence.content_type == mime
    assert evidence.size == len(data) and evidence.sha256 == hashlib.sha256(data).hexdigest()
    root = tmp_path / "private" / "evidence"
    path = Path(evidence.file.path)
    assert path.is_relative_to(root) and path.read_bytes() == data
    # A random name: nothing of the uploaded name is on disk.
    assert Path(name).stem not in path.name and len(path.stem) == 32
    for served in (django_settings.MEDIA_ROOT, django_settings.STATIC_ROOT):
        assert not path.is_relative_to(Path(served))
    with pytest.raises(ValueError):
        evidence.file.url  # noqa: B018  (no public URL exists)


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("整改报告.pdf", ELF, "evidence_bad_type"),  # a Linux executable named .pdf
        ("整改报告.pdf", MZ, "evidence_bad_type"),  # a Windows executable named .pdf
        ("台账.xlsx", plain_zip(), "evidence_bad_type"),  # a zip that is no office file
        ("照片.pdf", PNG_BYTES, "evidence_type_mismatch"),  # a real PNG with a .pdf name
        ("报告", PDF_BYTES, "evidence_type_mismatch"),  # no extension at all
        ("空.pdf", b"", "evidence_empty"),
        ("二进制.txt", b"abc\x00\x01\x02def", "evidence_bad_type"),
    ],
    # Named ids: the zip's bytes hold the time it was made, and pytest-xdist's workers must
    # collect the same ids.
    ids=["elf-as-pdf", "mz-as-pdf", "zip-as-xlsx", "png-as-pdf", "no-extension", "empty", "binary"],
)
def test_refused_uploads_name_the_file_and_write_nothing(
    started, editor, tmp_path, name, data, code
):
    with pytest.raises(DomainError) as exc:
        services.evidence_add(actor=editor, problem=started, file=upload(name, data))
    assert exc.value.code == code and exc.value.field == "files"
    assert f"“{name}”" in exc.value.message
    assert not Evidence.objects.exists()
    assert not stored_files(tmp_path)


def test_the_executable_named_pdf_is_refused_in_chinese(started, editor):
    with pytest.raises(DomainError) as exc:
        services.evidence_add(actor=editor, problem=started, file=upload("整改报告.pdf", ELF))
    assert exc.value.message.startswith("文件“整改报告.pdf”的内容不是允许的类型")


def test_size_limit_from_settings(started, editor, settings, tmp_path):
    settings.SHIGAN_EVIDENCE_MAX_BYTES = 1024
    big = PDF_BYTES + b"0" * 2000
    with pytest.raises(DomainError) as exc:
        services.evidence_add(actor=editor, problem=started, file=upload("大文件.pdf", big))
    assert exc.value.code == "evidence_too_big" and "“大文件.pdf”" in exc.value.message
    assert not stored_files(tmp_path)
    services.evidence_add(actor=editor, problem=started, file=upload("小文件.pdf", PDF_BYTES))


def test_default_limit_is_20_mb(settings):
    from shigan.core.uploads import max_bytes

    del settings.SHIGAN_EVIDENCE_MAX_BYTES
    assert max_bytes() == 20 * 1024 * 1024


def test_one_bad_file_refuses_the_whole_report(started, editor, tmp_path):
    with pytest.raises(DomainError):
        services.progress_report_add(
            actor=editor,
            problem=started,
            text="进展",
            percent=50,
            reported_on=started.found_on,
            files=[pdf(), upload("病毒.pdf", MZ)],
        )
    assert not started.reports.exists() and not stored_files(tmp_path)


def test_evidence_of_another_banner_is_not_found(started, editor, units, make_user):
    from shigan.problems.selectors import evidence_open

    evidence = services.evidence_add(actor=editor, problem=started, file=pdf())
    outsider = make_user(Role.ADMIN, units["sibling"])
    with pytest.raises(Http404):
        evidence_open(user=outsider, pk=evidence.pk)
    league = make_user(Role.VIEWER, units["parent"])
    _row, handle = evidence_open(user=league, pk=evidence.pk)
    with handle:
        assert handle.read() == PDF_BYTES


def test_outsiders_cannot_upload(started, units, make_user):
    outsider = make_user(Role.EDITOR, units["sibling"])
    with pytest.raises(DomainError) as exc:
        services.evidence_add(actor=outsider, problem=started, file=pdf())
    assert exc.value.code == "forbidden"
