"""Petitioners' personal data: encrypted at rest, masked for everyone without the right, in
the clear for the agent who took it in and the body answering it — every such read audited."""

import io
import json

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.urls import reverse

from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry
from shigan.petitions import crypto, services
from shigan.petitions.models import PetitionAttachment, Petitioner
from shigan.petitions.tests.conftest import PERSON, D

pytestmark = pytest.mark.django_db

PLAIN = (PERSON["name"], PERSON["id_number"], PERSON["phone"], PERSON["address"], "13812345678")
MASKED_ID = PERSON["id_number"][:6] + "********" + PERSON["id_number"][-4:]


def viewed() -> int:
    return AuditEntry.objects.filter(action="petitions.petitioner.viewed").count()


def page(client, user, petition):
    client.force_login(user)
    return client.get(reverse("petitions:detail", args=[petition.pk]))


def test_the_database_columns_hold_no_plaintext(petition):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name_enc, id_number_enc, phone_enc, address_enc, person_hash "
            f"FROM {Petitioner._meta.db_table}"
        )
        rows = cursor.fetchall()
    assert len(rows) == 1
    raw = " ".join(rows[0])
    for value in PLAIN + ("张", "152527", "5678"):
        assert value not in raw
    name_token = rows[0][0]
    assert crypto.decrypt(name_token) == "张三"
    # Nor does the audit trail of the intake, nor anything else written about it.
    audit = " ".join(
        json.dumps([e.before, e.after, e.target_repr], ensure_ascii=False)
        for e in AuditEntry.objects.all()
    )
    for value in PLAIN:
        assert value not in audit


def test_the_same_person_is_recognised_by_the_keyed_hash_only(petition):
    stored = Petitioner.objects.get().person_hash
    assert stored == crypto.person_hash("张 三", PERSON["id_number"].lower(), "")
    assert stored != crypto.person_hash("张三", "", PERSON["phone"])


def test_rotated_keys_still_read_old_rows(petition, settings):
    old = settings.SHIGAN_PETITION_KEY
    settings.SHIGAN_PETITION_KEY = f"{Fernet.generate_key().decode()},{old}"
    token = Petitioner.objects.get().name_enc
    assert crypto.decrypt(token) == "张三"
    assert crypto.decrypt(crypto.rotate(token)) == "张三"
    settings.SHIGAN_PETITION_KEY = Fernet.generate_key().decode()
    with pytest.raises(crypto.InvalidToken):
        crypto.decrypt(token)


def test_an_editor_of_another_township_gets_404(client, routed, people):
    client.force_login(people["other_sumu_editor"])
    assert client.get(reverse("petitions:detail", args=[routed.pk])).status_code == 404
    assert client.get(reverse("petitions:reply", args=[routed.pk])).status_code == 404
    assert client.get(f"/api/petitions/petitions/{routed.pk}/").status_code == 404
    listed = client.get("/api/petitions/petitions/").json()
    assert listed["results"] == []
    assert viewed() == 0


def test_a_viewer_sees_masked_data_and_no_read_is_audited(client, routed, people):
    body = page(client, people["viewer"], routed).content.decode()
    assert "张*" in body and MASKED_ID in body and "138****5678" in body
    for value in PLAIN:
        assert value not in body
    assert viewed() == 0


@pytest.mark.parametrize(
    ("who", "clear"),
    [
        ("gacha_agent", True),  # took it in
        ("sumu_agent", True),  # an agent of the body that must answer
        ("sumu_leader", True),  # a leader of that body
        ("gacha_editor", False),  # the gacha's other staff
        ("banner_leader", False),  # above, sees it but masked
        ("banner_admin", False),  # manages roles, not cases
        ("viewer", False),
    ],
)
def test_who_sees_it_in_the_clear(client, routed, people, who, clear):
    body = page(client, people[who], routed).content.decode()
    assert (PERSON["id_number"] in body) is clear
    assert ("张*" in body) is not clear
    assert viewed() == (1 if clear else 0)


def test_every_unmasked_read_writes_an_audit_entry(client, routed, people):
    agent = people["gacha_agent"]
    for n in (1, 2):
        page(client, agent, routed)
        assert viewed() == n
    entry = AuditEntry.objects.filter(action="petitions.petitioner.viewed").latest("seq")
    assert entry.actor == agent and entry.target_id == str(routed.pk)
    assert entry.after["purpose"] == "page"
    client.get(f"/api/petitions/petitions/{routed.pk}/")
    assert viewed() == 3
    response = client.get(f"/api/petitions/petitions/?under={routed.unit_id}")
    assert response.json()["results"][0]["petitioners"][0]["name"] == "张三"
    assert viewed() == 4


def test_api_masks_for_the_viewer(client, routed, people):
    client.force_login(people["viewer"])
    person = client.get(f"/api/petitions/petitions/{routed.pk}/").json()["petitioners"][0]
    assert person == {
        "name": "张*",
        "id_number": MASKED_ID,
        "phone": "138****5678",
        "address": crypto.mask_address(PERSON["address"]),
        "masked": True,
    }
    assert viewed() == 0


def test_exports_are_masked_unless_the_right_is_held(client, routed, people):
    url = reverse("petitions:export", args=[routed.unit_id, "csv"])
    client.force_login(people["viewer"])
    text = client.get(url).content.decode("utf-8")
    assert "张*" in text and MASKED_ID in text
    assert all(value not in text for value in PLAIN)
    assert viewed() == 0
    client.force_login(people["sumu_agent"])
    text = client.get(url).content.decode("utf-8")
    assert PERSON["id_number"] in text and "张三" in text
    entry = AuditEntry.objects.get(action="petitions.petitioner.viewed")
    assert entry.after["purpose"] == "export"


def test_materials_are_stored_encrypted_and_read_only_by_the_right_holders(client, routed, people):
    content = "身份证复印件 张三 ".encode() + PERSON["id_number"].encode()
    upload = io.BytesIO(content)
    upload.name = "材料.txt"
    services.petition_attachment_add(actor=people["gacha_agent"], petition=routed, file=upload)
    stored = PetitionAttachment.objects.get()
    with stored.file.open("rb") as handle:
        assert PERSON["id_number"].encode() not in handle.read()
    url = reverse("petitions:attachment", args=[stored.pk])
    client.force_login(people["viewer"])
    assert client.get(url).status_code == 403
    client.force_login(people["other_sumu_editor"])
    assert client.get(url).status_code == 404
    client.force_login(people["sumu_agent"])
    response = client.get(url)
    assert response.status_code == 200 and response.content == content
    assert AuditEntry.objects.filter(action="petitions.attachment.viewed").count() == 1


def test_the_right_moves_with_the_petition(client, petition, people, places):
    """Before routing the sumu cannot see the gacha's petition in the clear; after, it can."""
    assert PERSON["id_number"] not in page(client, people["sumu_leader"], petition).content.decode()
    services.petition_route(
        actor=people["gacha_agent"], petition=petition, to_unit=places["sumu"], day=D
    )
    assert PERSON["id_number"] in page(client, people["sumu_leader"], petition).content.decode()


def test_a_second_petitioner_of_a_joint_letter_is_masked_too(client, agents, people):
    petition = services.petition_intake(
        actor=people["gacha_agent"],
        agent=agents["gacha"],
        received_on=D,
        channel="letter",
        title="联名反映饮水问题",
        request="要求解决饮水",
        category="agriculture",
        first_time=True,
        petitioners=[PERSON, {"name": "巴特尔", "phone": "13900001111"}],
    )
    body = page(client, people["viewer"], petition).content.decode()
    assert "巴**" in body and "139****1111" in body and "巴特尔" not in body


def test_key_rotation_re_encrypts_rows_and_materials(routed, people, settings):
    upload = io.BytesIO("材料 张三".encode())
    upload.name = "材料.txt"
    services.petition_attachment_add(actor=people["gacha_agent"], petition=routed, file=upload)
    old = settings.SHIGAN_PETITION_KEY
    new = Fernet.generate_key().decode()
    settings.SHIGAN_PETITION_KEY = f"{new},{old}"
    assert services.petition_keys_rotate(actor=system_actor("test")) == (1, 1)
    settings.SHIGAN_PETITION_KEY = new  # the old key dropped: everything still reads
    assert crypto.decrypt(Petitioner.objects.get().id_number_enc) == PERSON["id_number"]
    attachment = PetitionAttachment.objects.select_related("petition").get()
    data = services.attachment_read(user=people["gacha_agent"], attachment=attachment)
    assert data == "材料 张三".encode()
    assert AuditEntry.objects.filter(action="petitions.keys.rotated").count() == 1
