import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry
from shigan.core.errors import DomainError
from shigan.metrics.selectors import metric_value
from shigan.orgs.choices import Role
from shigan.study import services
from shigan.study.metrics import ATTENDANCES, SESSIONS
from shigan.study.models import StudyActivity, StudyParticipant
from shigan.study.tests.conftest import D

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_create_records_leaders_audits_and_counts(units, campaign, people, editor):
    activity = services.study_activity_create(
        actor=editor,
        unit=units["own"],
        campaign=campaign,
        kind="reading_class",
        title="读书班第一期",
        held_on=D,
        ends_on=D + datetime.timedelta(days=4),
        participants=35,
        leaders=[people["banner_head"], people["section"]],
    )
    assert sorted(activity.leaders.values_list("name", flat=True)) == ["乌云", "巴特尔"]
    row = StudyParticipant.objects.get(activity=activity, person=people["section"])
    assert (row.unit_id, row.campaign_id, row.kind, row.held_on) == (
        units["own"].pk,
        campaign.pk,
        "reading_class",
        D,
    )
    entry = AuditEntry.objects.get(action="study.activity.created")
    assert entry.actor == editor and entry.after["title"] == "读书班第一期"
    for unit in (units["own"], units["parent"], units["region"]):
        assert (
            metric_value(
                SESSIONS,
                unit=unit,
                campaign=campaign,
                kind="reading_class",
                user=system_actor("test"),
            )
            == 1
        )
        assert (
            metric_value(ATTENDANCES, unit=unit, campaign=campaign, user=system_actor("test")) == 2
        )
    assert (
        metric_value(SESSIONS, unit=units["sibling"], campaign=campaign, user=system_actor("test"))
        == 0
    )


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"title": "  "}, "title_required"),
        ({"kind": "party"}, "invalid_kind"),
        ({"ends_on": D - datetime.timedelta(days=1)}, "bad_dates"),
        ({"participants": 1}, "participants_below_leaders"),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(units, people, editor, changes, code):
    args = {
        "actor": editor,
        "unit": units["own"],
        "kind": "lecture",
        "title": "专题讲座",
        "held_on": D,
        "participants": 10,
        "leaders": [people["banner_head"], people["deputy"]],
        **changes,
    }
    with pytest.raises(DomainError) as exc:
        services.study_activity_create(**args)
    assert exc.value.code == code
    assert not StudyActivity.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="study.").exists()


def test_leaders_must_belong_to_the_unit_subtree(units, people, editor):
    with pytest.raises(DomainError) as exc:
        services.study_activity_create(
            actor=editor,
            unit=units["own"],
            kind="lecture",
            title="讲座",
            held_on=D,
            leaders=[people["sibling_head"]],
        )
    assert exc.value.code == "person_outside_unit"
    assert "孟和" in exc.value.message


def test_an_editor_of_another_banner_may_not_record(units, make_user):
    outsider = make_user(Role.EDITOR, units["sibling"])
    with pytest.raises(DomainError) as exc:
        services.study_activity_create(
            actor=outsider, unit=units["own"], kind="lecture", title="讲座", held_on=D
        )
    assert exc.value.code == "forbidden"


def test_update_moves_the_figures_with_the_record(units, campaign, people, editor, make_activity):
    activity = make_activity(kind="reading_class", leaders=[people["banner_head"]])
    later = D + datetime.timedelta(days=10)
    services.study_activity_update(
        actor=editor,
        activity=activity,
        kind="central_group",
        held_on=later,
        leaders=[people["deputy"], people["section"]],
    )
    region = units["region"]
    assert (
        metric_value(
            SESSIONS,
            unit=region,
            campaign=campaign,
            kind="reading_class",
            user=system_actor("test"),
        )
        == 0
    )
    assert (
        metric_value(
            SESSIONS,
            unit=region,
            campaign=campaign,
            kind="central_group",
            user=system_actor("test"),
        )
        == 1
    )
    assert (
        metric_value(SESSIONS, unit=region, campaign=campaign, as_of=D, user=system_actor("test"))
        == 0
    )
    assert (
        metric_value(
            ATTENDANCES,
            unit=region,
            campaign=campaign,
            kind="central_group",
            user=system_actor("test"),
        )
        == 2
    )
    assert set(StudyParticipant.objects.values_list("held_on", "kind")) == {
        (later, "central_group")
    }
    entry = AuditEntry.objects.get(action="study.activity.updated")
    assert entry.before["kind"] == "reading_class" and entry.after["kind"] == "central_group"
    assert entry.after["leaders"] == sorted([people["deputy"].pk, people["section"].pk])


def test_delete_only_by_the_recording_units_editors(
    units, campaign, people, editor, make_user, make_activity
):
    activity = make_activity(leaders=[people["banner_head"]])
    region_admin = make_user(Role.ADMIN, units["region"])
    with pytest.raises(DomainError) as exc:
        services.study_activity_delete(actor=region_admin, activity=activity)
    assert exc.value.code == "forbidden"
    services.study_activity_delete(actor=editor, activity=activity)
    assert not StudyActivity.objects.exists()
    assert (
        metric_value(SESSIONS, unit=units["region"], campaign=campaign, user=system_actor("test"))
        == 0
    )
    assert (
        metric_value(
            ATTENDANCES, unit=units["region"], campaign=campaign, user=system_actor("test")
        )
        == 0
    )
    assert AuditEntry.objects.get(action="study.activity.deleted").before["leaders"] == [
        people["banner_head"].pk
    ]


def test_participant_add_and_remove(units, campaign, people, editor, make_activity):
    activity = make_activity()
    services.study_participant_add(actor=editor, activity=activity, person=people["deputy"])
    with pytest.raises(DomainError) as exc:
        services.study_participant_add(actor=editor, activity=activity, person=people["deputy"])
    assert exc.value.code == "duplicate_participant"
    with pytest.raises(DomainError) as exc:
        services.study_participant_add(
            actor=editor, activity=activity, person=people["sibling_head"]
        )
    assert exc.value.code == "person_outside_unit"
    assert (
        metric_value(ATTENDANCES, unit=units["own"], campaign=campaign, user=system_actor("test"))
        == 1
    )
    services.study_participant_remove(actor=editor, activity=activity, person=people["deputy"])
    assert (
        metric_value(ATTENDANCES, unit=units["own"], campaign=campaign, user=system_actor("test"))
        == 0
    )
    actions = list(
        AuditEntry.objects.filter(action__startswith="study.participant")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["study.participant.added", "study.participant.removed"]


def test_attachment_checked_by_content_and_stored_outside_the_web_root(
    units, editor, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    # Stored by what the content is, under a name of shigan's own, not the uploaded one.
    activity = services.study_activity_create(
        actor=editor,
        unit=units["own"],
        kind="party_day",
        title="主题党日",
        held_on=D,
        attachment=SimpleUploadedFile("签到表.png", PNG),
    )
    assert activity.attachment_type == "png"
    assert activity.attachment_name == "签到表.png"
    assert activity.attachment.name.startswith("study/") and activity.attachment.name.endswith(
        ".png"
    )
    assert (tmp_path / activity.attachment.name).read_bytes() == PNG
    for name, data, ok in [
        ("通知.docx", _docx(), "docx"),
        ("讲稿.pdf", PDF, "pdf"),
    ]:
        a = services.study_activity_create(
            actor=editor,
            unit=units["own"],
            kind="lecture",
            title=name,
            held_on=D,
            attachment=SimpleUploadedFile(name, data),
        )
        assert a.attachment_type == ok


def _bomb() -> bytes:
    """A .docx whose one member unpacks a thousandfold: refused from the zip's directory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"0" * (4 * 1024 * 1024))
    return buffer.getvalue()


# Study attachments are checked as every upload is (core.uploads): until a probe found it,
# study had its own check, which stored a PNG named .pdf as a PNG and looked at no zip's
# sizes. A file whose content does not match its name is now refused with the shared message.
@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("签到表.pdf", PNG, "evidence_type_mismatch"),
        ("讲稿.pdf", b"MZ\x90\x00 not a pdf", "evidence_bad_type"),
        ("表.xlsx", b"PK\x03\x04 broken zip", "evidence_bad_type"),
        ("大.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024), "evidence_too_big"),
        ("空.pdf", b"", "evidence_empty"),
        ("炸弹.docx", _bomb(), "evidence_bad_zip"),
    ],
    ids=["mismatch", "program", "broken_zip", "too_big", "empty", "zip_bomb"],
)
def test_attachment_refused(units, editor, settings, tmp_path, name, data, code):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(DomainError) as exc:
        services.study_activity_create(
            actor=editor,
            unit=units["own"],
            kind="lecture",
            title="讲座",
            held_on=D,
            attachment=SimpleUploadedFile(name, data),
        )
    assert exc.value.code == code and exc.value.field == "attachment"
    assert name in exc.value.message
    if code == "evidence_type_mismatch":
        assert "扩展名与内容不符" in exc.value.message
    assert not StudyActivity.objects.exists()
    assert not any(tmp_path.rglob("*.*"))


def _docx_with(member: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr(member, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("member", "data"),
    [
        ("word/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64),  # macros
        ("word/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64),
        ("word/media/setup.exe", b"MZ" + b"\0" * 64),
    ],
)
def test_an_office_attachment_that_carries_what_can_run_is_refused(
    units, editor, settings, tmp_path, member, data
):
    """As evidence is checked (problems.evidence_types, via core.office_zips): found by a
    probe, a .docx with a macro project or an embedded program was stored as a docx."""
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(DomainError) as exc:
        services.study_activity_create(
            actor=editor,
            unit=units["own"],
            kind="lecture",
            title="讲座",
            held_on=D,
            attachment=SimpleUploadedFile("讲稿.docx", _docx_with(member, data)),
        )
    assert exc.value.code == "evidence_active_content" and exc.value.field == "attachment"
    assert "不能上传" in exc.value.message
    assert not StudyActivity.objects.exists()
