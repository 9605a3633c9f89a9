"""A key task's task book and a milestone's evidence: checked by content as every upload is,
kept in the private storage, downloaded only through scoped pages (linked from the task's)."""

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shigan.core.errors import DomainError
from shigan.initiatives.services import key_tasks, milestones
from shigan.orgs.choices import Role

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture(autouse=True)
def home(settings, tmp_path):
    settings.SHIGAN_HOME = tmp_path
    return tmp_path


def _complete(editor, milestone, name, data):
    return milestones.milestone_complete(
        actor=editor,
        milestone=milestone,
        done_on=datetime.date(2023, 5, 8),
        file=SimpleUploadedFile(name, data),
    )


def test_a_program_named_as_a_photo_is_refused(editor, task, home):
    milestone = task.milestones.first()
    with pytest.raises(DomainError) as refused:
        _complete(editor, milestone, "现场照片.jpg", b"MZ\x90\x00" + b"\0" * 100)
    assert refused.value.code == "evidence_bad_type"
    assert refused.value.field == "evidence_file"
    milestone.refresh_from_db()
    assert milestone.state == "pending" and not milestone.evidence_file
    assert not any(Path(home).rglob("*.*"))


def test_evidence_and_task_book_are_downloaded_from_the_task_page(
    client, editor, task, home, make_user, units
):
    milestone = _complete(editor, task.milestones.first(), "现场照片.png", PNG)
    key_tasks.key_task_update(
        actor=editor, key_task=task, task_book_file=SimpleUploadedFile("任务书.pdf", PDF)
    )
    client.force_login(editor)
    page = client.get(reverse("initiatives:key_task_detail", args=[task.pk])).content.decode()
    urls = {
        reverse("initiatives:milestone_evidence", args=[milestone.pk]): (PNG, "image/png"),
        reverse("initiatives:task_book", args=[task.pk]): (PDF, "application/pdf"),
    }
    for url, (data, mime) in urls.items():
        assert f'href="{url}"' in page
        response = client.get(url)
        assert b"".join(response.streaming_content) == data and response["Content-Type"] == mime
        assert response["Content-Disposition"].startswith("attachment;")
    assert any((Path(home) / "private" / "attachments").rglob("*.png"))
    client.force_login(make_user(Role.EDITOR, units["unrelated"], username="elsewhere"))
    assert {client.get(url).status_code for url in urls} == {404}


def test_the_upload_inputs_offer_what_is_accepted(client, editor, task):
    client.force_login(editor)
    page = client.get(reverse("initiatives:key_task_edit", args=[task.pk])).content.decode()
    assert 'accept=".docx,.jpeg,.jpg,.ofd,.pdf,.png,.txt,.xlsx,' in page
    assert "WPS" not in page
