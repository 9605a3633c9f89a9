"""Uploaded evidence, attacked by its name and its content: an HTML or SVG page renamed .pdf or
.png is refused by its content; one sent honestly as .txt leaves only as a text/plain
attachment that no browser sniffs; a name with ../, control or bidi characters neither escapes
the private storage nor reaches the Content-Disposition header or the record."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from shigan.core.errors import DomainError
from shigan.problems import services
from shigan.problems.models import Evidence
from shigan.problems.storage import evidence_root
from shigan.problems.tests.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def api(editor):
    client = APIClient()
    client.force_authenticate(editor)
    return client


def upload(api, problem, name, data):
    return api.post(
        f"/api/problems/problems/{problem.pk}/evidence/",
        {"files": [SimpleUploadedFile(name, data)]},
        format="multipart",
    )


@pytest.mark.parametrize(("name", "data"), [("报告.pdf", HTML), ("照片.png", SVG), ("a.pdf", SVG)])
def test_a_page_renamed_as_a_document_is_refused(api, started, name, data):
    response = upload(api, started, name, data)
    assert response.status_code == 400
    assert name in response.json()["detail"]
    assert not Evidence.objects.exists()


def test_a_page_sent_as_text_is_only_ever_a_text_attachment(api, started):
    response = upload(api, started, "说明.txt", HTML)
    assert response.status_code == 201, response.json()
    pk = response.json()[0]["id"]
    got = api.get(f"/api/problems/evidence/{pk}/download/")
    assert got["Content-Type"] == "text/plain"
    assert got["Content-Disposition"].startswith("attachment;")
    assert got["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "name",
    [
        "../../../../etc/cron.d/x.pdf",
        "..\\..\\windows\\x.pdf",
        'a";\r\nSet-Cookie: s=1;\x00.pdf',
        "发票\u202efdp.exe.pdf",
    ],
)
def test_a_hostile_name_stays_a_name(api, started, editor, name):
    evidence = services.evidence_add(
        actor=editor, problem=started, file=SimpleUploadedFile(name, PDF_BYTES)
    )
    stored = os.path.realpath(evidence.file.path)
    assert stored.startswith(os.path.realpath(evidence_root()) + os.sep)
    assert os.path.basename(stored) != os.path.basename(name)
    shown = evidence.original_name
    assert "/" not in shown and "\\" not in shown and ".." not in shown.replace("...", "")
    assert all(c.isprintable() for c in shown), repr(shown)
    got = api.get(f"/api/problems/evidence/{evidence.pk}/download/")
    header = got["Content-Disposition"]
    assert header.startswith("attachment; filename*=UTF-8''")
    assert all(32 < ord(c) < 127 for c in header.replace(" ", "!")), repr(header)
    assert "Set-Cookie" not in got


def test_a_name_of_nothing_but_control_characters_is_named_for_the_user(editor, started):
    with pytest.raises(DomainError) as refused:
        services.evidence_add(
            actor=editor, problem=started, file=SimpleUploadedFile("\r\n\x00", PDF_BYTES)
        )
    assert "“未命名文件”" in refused.value.message  # without an extension: refused, named


def test_the_refusal_names_the_file_without_its_control_characters(editor, started):
    with pytest.raises(DomainError) as refused:
        services.evidence_add(
            actor=editor, problem=started, file=SimpleUploadedFile("页\r\n面.pdf", HTML)
        )
    assert "页面.pdf" in refused.value.message
