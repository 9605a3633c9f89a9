"""Issue 16 point 6: `shigan petition_keys rotate` re-encrypts petitioners and materials under
a new key in batches; an interrupted run keeps its finished batches and the next continues where
it stopped; afterwards every row decrypts with the new key alone and reads are audited as before.
Also: one intake's materials together have a total size limit."""

import io
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry
from shigan.core.errors import DomainError
from shigan.petitions import crypto, services
from shigan.petitions.models import Petition, PetitionAttachment, Petitioner
from shigan.petitions.tests.conftest import PERSON, id_number, intake

pytestmark = pytest.mark.django_db


def material(text: str, name: str = "材料.txt"):
    upload = io.BytesIO(text.encode())
    upload.name = name
    return upload


@pytest.fixture
def many(agents, people):
    """Five petitions of different petitioners, each with one material."""
    for i in range(5):
        person = PERSON | {"name": f"信访人{i}", "id_number": id_number(f"1525271980010{i}123")}
        petition = intake(
            agents["gacha"], person=person, request=f"诉求{i}", confirm_duplicate=True
        )
        services.petition_attachment_add(
            actor=people["gacha_agent"], petition=petition, file=material(f"材料{i} 张三")
        )
    return Petition.objects.order_by("pk")


def tokens() -> dict[int, str]:
    return dict(Petitioner.objects.values_list("pk", "id_number_enc"))


class Interrupted(KeyboardInterrupt):
    pass


def test_an_interrupted_rotation_continues_where_it_stopped(
    many, people, settings, django_capture_on_commit_callbacks
):
    old = settings.SHIGAN_PETITION_KEY
    new = Fernet.generate_key().decode()
    settings.SHIGAN_PETITION_KEY = f"{new},{old}"
    files_before = {a.file.path for a in PetitionAttachment.objects.all()}

    def stop_after_first(what, done):
        raise Interrupted

    with pytest.raises(Interrupted), django_capture_on_commit_callbacks(execute=True):
        services.petition_keys_rotate(
            actor=system_actor("test"), batch_size=2, on_batch=stop_after_first
        )
    first_batch = {pk: t for pk, t in tokens().items() if crypto.is_current(t)}
    assert len(first_batch) == 2  # the first batch was kept, the rest not yet done
    assert AuditEntry.objects.filter(action="petitions.keys.batch_rotated").count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        assert services.petition_keys_rotate(actor=system_actor("test"), batch_size=2) == (3, 5)
    after = tokens()
    assert {pk: after[pk] for pk in first_batch} == first_batch  # not written again
    assert all(crypto.is_current(t) for t in after.values())

    settings.SHIGAN_PETITION_KEY = new  # the old key dropped: every row and file still reads
    for row in Petitioner.objects.all():
        assert crypto.decrypt(row.name_enc).startswith("信访人")
        assert crypto.decrypt(row.id_number_enc) and crypto.decrypt(row.phone_enc)
    agent = people["gacha_agent"]
    for attachment in PetitionAttachment.objects.select_related("petition"):
        assert services.attachment_read(user=agent, attachment=attachment).startswith(
            "材料".encode()
        )
    # The old encrypted files are gone once their rows point to the new ones.
    assert not any(Path(p).exists() for p in files_before)
    read_before = AuditEntry.objects.filter(action="petitions.petitioner.viewed").count()
    views = services.petitioners_read(user=agent, petitions=list(many))
    assert all(v[0].name.startswith("信访人") for v in views.values())
    assert (
        AuditEntry.objects.filter(action="petitions.petitioner.viewed").count() == read_before + 5
    )
    assert AuditEntry.objects.filter(action="petitions.attachment.viewed").count() == 5
    assert AuditEntry.objects.filter(action="petitions.keys.rotated").count() == 1


def test_the_command_rotates_in_batches_and_a_second_run_has_nothing_to_do(many, settings):
    new = Fernet.generate_key().decode()
    settings.SHIGAN_PETITION_KEY = f"{new},{settings.SHIGAN_PETITION_KEY}"
    out = io.StringIO()
    call_command("petition_keys", "rotate", "--batch-size", "2", stdout=out)
    text = out.getvalue()
    assert "信访人信息：已重新加密 2" in text and "已重新加密 5 位信访人信息、5 份材料" in text
    again = io.StringIO()
    call_command("petition_keys", "rotate", stdout=again)
    assert "已重新加密 0 位信访人信息、0 份材料" in again.getvalue()


def test_one_intake_has_a_total_size_limit_for_its_materials(agents, settings):
    settings.SHIGAN_EVIDENCE_MAX_REQUEST_BYTES = 30
    files = [material("一" * 5, f"材料{i}.txt") for i in range(3)]  # 15 bytes each
    with pytest.raises(DomainError) as refused:
        intake(agents["gacha"], attachments=files)
    assert refused.value.code == "evidence_request_too_big"
    assert "超过每次上传" in refused.value.message
    assert not Petition.objects.exists() and not PetitionAttachment.objects.exists()
