"""Issue 16 point 2: Office evidence is inspected as a zip (no macros, programs or OLE
containers inside; sane sizes and ratio), and one request's files have a total size limit."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shigan.core.errors import DomainError
from shigan.problems import services
from shigan.problems.models import Evidence
from shigan.problems.tests.conftest import PDF_BYTES, pdf
from shigan.problems.tests.test_evidence import MZ, docx_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def repacked(office: bytes, extra: dict[str, bytes], types: bytes | None = None) -> bytes:
    """An Office file with members added (and its content types replaced)."""
    model = zipfile.ZipFile(io.BytesIO(office))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in model.infolist():
            data = model.read(member.filename)
            if member.filename == "[Content_Types].xml" and types is not None:
                data = types
            archive.writestr(member.filename, data)
        for name, data in extra.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def add(started, editor, name, data):
    return services.evidence_add(actor=editor, problem=started, file=SimpleUploadedFile(name, data))


def stored(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def macro_types() -> bytes:
    types = zipfile.ZipFile(io.BytesIO(docx_bytes())).read("[Content_Types].xml")
    return types.replace(b"document.main+xml", b"document.macroEnabled.main+xml")


@pytest.mark.parametrize(
    ("name", "make", "what"),
    [
        ("说明.docx", lambda: repacked(docx_bytes(), {"word/embeddings/setup.exe": MZ}), "setup"),
        ("说明.docx", lambda: repacked(docx_bytes(), {"word/media/image1.png": MZ}), "image1"),
        ("说明.docx", lambda: repacked(docx_bytes(), {"word/vbaProject.bin": OLE}), "宏"),
        ("说明.docx", lambda: repacked(docx_bytes(), {}, types=macro_types()), "宏"),
        ("台账.xlsx", lambda: repacked(xlsx_bytes(), {"xl/embeddings/oleObject1.bin": OLE}), "ole"),
        ("台账.xlsx", lambda: repacked(xlsx_bytes(), {"xl/activeX/activeX1.xml": b"<x/>"}), "宏"),
        ("台账.xlsx", lambda: repacked(xlsx_bytes(), {"xl/run.ps1": b"Get-Process"}), "run.ps1"),
    ],
    ids=["exe-member", "program-as-image", "vba-project", "macro-type", "ole", "activex", "ps1"],
)
def test_office_files_carrying_code_are_refused(started, editor, tmp_path, name, make, what):
    with pytest.raises(DomainError) as refused:
        add(started, editor, name, make())
    assert refused.value.code == "evidence_active_content" and refused.value.field == "files"
    message = refused.value.message
    assert message.startswith(f"文件“{name}”内含宏、可执行程序或嵌入对象") and what in message
    assert not Evidence.objects.exists() and not stored(tmp_path)


def test_a_zip_bomb_named_docx_is_refused_without_unpacking(started, editor, tmp_path):
    bomb = repacked(docx_bytes(), {"word/media/big.xml": b"\0" * (64 * 2**20)})
    assert len(bomb) < 1_000_000
    with pytest.raises(DomainError) as refused:
        add(started, editor, "说明.docx", bomb)
    assert refused.value.code == "evidence_bad_zip"
    assert "文件过大或结构异常" in refused.value.message and "压缩比" in refused.value.message
    assert not stored(tmp_path)


def test_plain_office_files_with_printer_settings_pass(started, editor):
    # Excel writes its printer settings as a .bin member: a DEVMODE record, no OLE container.
    data = repacked(xlsx_bytes(), {"xl/printerSettings/printerSettings1.bin": b"H\0P\0" * 64})
    assert add(started, editor, "台账.xlsx", data).size == len(data)
    assert add(started, editor, "说明.docx", docx_bytes()).original_name == "说明.docx"


def test_one_request_has_a_total_size_limit(started, editor, settings, tmp_path):
    settings.SHIGAN_EVIDENCE_MAX_REQUEST_BYTES = len(PDF_BYTES) * 3 - 1
    files = [pdf(f"第{i}页.pdf") for i in range(3)]  # each within the per-file limit
    with pytest.raises(DomainError) as refused:
        services.evidence_add_many(actor=editor, problem=started, files=files)
    assert refused.value.code == "evidence_request_too_big" and refused.value.field == "files"
    assert "本次上传的 3 个文件" in refused.value.message and "请分批上传" in refused.value.message
    assert not Evidence.objects.exists() and not stored(tmp_path)
    services.evidence_add_many(actor=editor, problem=started, files=files[:2])
    assert Evidence.objects.count() == 2


def test_the_default_request_limit_is_50_mb(settings):
    from shigan.core.uploads import max_request_bytes

    del settings.SHIGAN_EVIDENCE_MAX_REQUEST_BYTES
    assert max_request_bytes() == 50 * 1024 * 1024


def test_an_encrypted_office_file_is_refused_as_unreadable(started, editor, tmp_path):
    # Every zip record marked encrypted (general purpose flag bit 0): members cannot be read.
    data = bytearray(docx_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at != -1:
            data[at + offset] |= 1
            at = data.find(signature, at + 4)
    with pytest.raises(DomainError) as refused:
        add(started, editor, "加密.docx", bytes(data))
    assert refused.value.code == "evidence_bad_type" and "“加密.docx”" in refused.value.message
    assert not stored(tmp_path)
