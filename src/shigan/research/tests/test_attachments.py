"""A plan's or report's attachment: checked by its content as every upload is, kept in the
private storage, and downloaded only through the scoped page the topic's page links to."""

import importlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shigan.core.errors import DomainError
from shigan.orgs.choices import Role
from shigan.research import services
from shigan.research.models import ResearchPlan
from shigan.research.tests.conftest import D

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def home(settings, tmp_path):
    settings.SHIGAN_HOME = tmp_path / "home"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.SHIGAN_HOME


def _submit(editor, topic, name, data):
    return services.topic_plan_submit(
        actor=editor, topic=topic, text="方案", attachment=SimpleUploadedFile(name, data), day=D
    )


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("调研方案.pdf", b"<html><script>alert(1)</script></html>", "evidence_type_mismatch"),
        ("调研方案.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "evidence_bad_type"),
        ("调研方案.png", PDF, "evidence_type_mismatch"),
    ],
)
def test_an_attachment_is_checked_by_its_content(editor, topic, name, data, code, home):
    with pytest.raises(DomainError) as refused:
        _submit(editor, topic, name, data)
    assert refused.value.code == code and refused.value.field == "attachment"
    assert "调研方案" in refused.value.message
    assert not ResearchPlan.objects.exists()
    assert not any(Path(home).rglob("*.*"))


def test_the_topic_page_links_to_a_scoped_download(client, editor, topic, home, make_user, units):
    plan = _submit(editor, topic, "调研方案.pdf", PDF)
    stored = Path(home) / "private" / "attachments" / plan.attachment.name
    assert stored.read_bytes() == PDF
    client.force_login(editor)
    page = client.get(reverse("research:topic_detail", args=[topic.pk])).content.decode()
    url = reverse("research:plan_attachment", args=[plan.pk])
    assert f'href="{url}"' in page and "调研方案.pdf" in page
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(make_user(Role.EDITOR, units["unrelated"], username="elsewhere"))
    assert client.get(url).status_code == 404


def test_a_report_attachment_is_downloaded_from_its_topic(client, editor, approved_topic, units):
    services.topic_trip_log(actor=editor, topic=approved_topic, visited_on=D, place=units["child"])
    services.topic_report_submit(
        actor=editor,
        topic=approved_topic,
        text="报告",
        attachment=SimpleUploadedFile("调研报告.pdf", PDF),
        day=D,
    )
    client.force_login(editor)
    url = reverse("research:report_attachment", args=[approved_topic.pk])
    assert (
        url
        in client.get(reverse("research:topic_detail", args=[approved_topic.pk])).content.decode()
    )
    assert b"".join(client.get(url).streaming_content) == PDF


def test_no_attachment_is_404(client, editor, topic):
    plan = services.topic_plan_submit(actor=editor, topic=topic, text="方案", day=D)
    client.force_login(editor)
    assert client.get(reverse("research:plan_attachment", args=[plan.pk])).status_code == 404


def test_the_migration_moves_earlier_attachments_out_of_media_root(editor, topic, home, settings):
    from django.apps import apps

    plan = services.topic_plan_submit(actor=editor, topic=topic, text="方案", day=D)
    name = "research/plans/2023/04/旧方案.pdf"
    old = Path(settings.MEDIA_ROOT) / name
    old.parent.mkdir(parents=True)
    old.write_bytes(PDF)
    ResearchPlan.objects.filter(pk=plan.pk).update(attachment=name)
    migration = importlib.import_module("shigan.research.migrations.0004_private_attachments")
    migration.move_to_private(apps, None)
    plan.refresh_from_db()
    assert plan.attachment.name == name and not old.exists()
    assert (Path(home) / "private" / "attachments" / name).read_bytes() == PDF
