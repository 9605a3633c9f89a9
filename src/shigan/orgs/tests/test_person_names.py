"""A person's name is checked by the person service, whatever way it comes in (the form, the
API, a roster sheet): a post in front of it, or a post alone, is refused with one message."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from shigan.orgs.choices import PersonRank, Role
from shigan.orgs.imports import PersonImporter
from shigan.orgs.models import Person
from shigan.orgs.services import OrgError, person_create, person_update
from shigan.orgs.tests.test_exchange import xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(units, make_user):
    return make_user(Role.ADMIN, units["own"])


TITLED = "“旗委书记巴特尔”以职务“旗委书记”开头，姓名一栏只填姓名（巴特尔），职务填在“职务”一栏。"


def test_the_person_service_refuses_a_name_with_a_post_in_front(units, admin):
    with pytest.raises(OrgError) as caught:
        person_create(actor=admin, unit=units["own"], name="旗委书记巴特尔", rank=PersonRank.COUNTY)
    assert (caught.value.field, caught.value.code, caught.value.message) == (
        "name",
        "name_with_post",
        TITLED,
    )
    with pytest.raises(OrgError) as caught:
        person_create(actor=admin, unit=units["own"], name="党组书记", rank=PersonRank.COUNTY)
    assert caught.value.message == "“党组书记”是职务，不是姓名，请只填写姓名。"
    person = person_create(actor=admin, unit=units["own"], name="王  伟", rank=PersonRank.OTHER)
    assert person.name == "王伟"  # padded to line up, as the sheet reads it
    with pytest.raises(OrgError):
        person_update(actor=admin, person=person, name="局长王伟", rank=PersonRank.OTHER)
    assert not Person.objects.filter(name__contains="书记").exists()


def test_the_form_and_the_api_refuse_it_with_the_same_message(client, units, admin):
    client.force_login(admin)
    own = units["own"]
    response = client.post(
        reverse("orgs:person_create", args=[own.pk]),
        {"name": "旗委书记巴特尔", "post": "", "rank": PersonRank.COUNTY, "phone": ""},
    )
    assert response.status_code == 400 and TITLED in response.content.decode()
    api = APIClient()
    api.force_authenticate(admin)
    response = api.post(
        "/api/people/", {"unit": own.pk, "name": "旗委书记巴特尔", "rank": "county"}, format="json"
    )
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("name_with_post", "name")
    assert response.json()["detail"] == TITLED
    assert not Person.objects.exists()


def test_a_roster_post_alone_as_a_name_is_refused(units, admin):
    data = xlsx([["姓名", "职务"], ["党组书记", ""], ["王伟", "党组书记"]])
    result = PersonImporter(actor=admin, unit=units["own"]).run(data, "名册.xlsx")
    assert not result.committed and not Person.objects.exists()
    assert [(e.row, e.letter, e.message) for e in result.errors] == [
        (2, "A", "“党组书记”是职务，不是姓名，请只填写姓名。")
    ]


SCIENTIFIC = (
    "“1.39123E+10”是以科学计数法显示的号码，后几位已丢失，"
    "请把该列设为“文本”格式后重新填写完整号码。"
)


def test_a_phone_from_a_system_export_or_shown_in_scientific_notation(units, admin):
    # A roster exported by another system writes 13912345678.0; one a cell showed as
    # 1.39123E+10 and was saved so has lost its last digits: the form and the sheet say why.
    data = xlsx(
        [
            ["姓名", "联系电话"],
            ["巴特尔", "13912345678.0"],
            ["其木格", "1.39123E+10"],
        ]
    )
    result = PersonImporter(actor=admin, unit=units["own"]).run(data, "名册.xlsx")
    assert [(e.row, e.letter, e.message) for e in result.errors] == [(3, "B", SCIENTIFIC)]
    with pytest.raises(OrgError) as caught:
        person_create(
            actor=admin, unit=units["own"], name="其木格", rank="other", phone="1.39123E+10"
        )
    assert caught.value.message == "联系电话" + SCIENTIFIC
    person = person_create(
        actor=admin, unit=units["own"], name="巴特尔", rank="other", phone="13912345678.0"
    )
    assert person.phone == "13912345678"
