"""The roster pages, its sheet (import and export through the exchange engine) and its API."""

import io

import pytest
import xlsxwriter
from django.urls import reverse
from python_calamine import CalamineWorkbook
from rest_framework.test import APIClient

from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry
from shigan.core.spreadsheets.importers import ImportMode
from shigan.orgs.choices import PersonRank, Role
from shigan.orgs.exports import PersonExporter
from shigan.orgs.imports import PersonImporter, parse_rank
from shigan.orgs.models import Person
from shigan.orgs.services import person_create, unit_create

pytestmark = pytest.mark.django_db

HEADER = ["序号", "姓名", "单位", "职务", "职级", "联系电话"]


def xlsx(rows, *, title="阿巴嘎旗领导干部名册") -> bytes:
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = wb.add_worksheet()
    ws.merge_range(0, 0, 0, 5, title)
    for r, row in enumerate([HEADER, *rows], start=1):
        for c, value in enumerate(row):
            if value is not None:
                ws.write(r, c, value)
    wb.close()
    return buffer.getvalue()


def rows_of(data: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


@pytest.fixture
def editor(units, make_user):
    return make_user(Role.EDITOR, units["own"])


def roster(unit):
    return set(
        Person.objects.filter(unit__path__startswith=unit.path).values_list(
            "unit__name", "name", "post", "rank", "phone"
        )
    )


# -- pages --------------------------------------------------------------------------------------


def test_roster_pages_add_edit_deactivate(client, units, editor):
    own = units["own"]
    client.force_login(editor)
    detail = client.get(own.get_absolute_url()).content.decode()
    assert reverse("orgs:people", args=[own.pk]) in detail  # the way in: 人员名册
    response = client.post(
        reverse("orgs:person_create", args=[own.pk]),
        {"name": "巴特尔", "post": "旗长", "rank": PersonRank.COUNTY, "phone": "12345"},
    )
    assert response.status_code == 400
    assert "联系电话" in response.content.decode() and not Person.objects.exists()
    response = client.post(
        reverse("orgs:person_create", args=[own.pk]),
        {"name": "巴特尔", "post": "旗长", "rank": PersonRank.COUNTY, "phone": "0479-8234567"},
    )
    assert response.status_code == 302
    person = Person.objects.get(name="巴特尔")
    assert (person.unit, person.phone) == (own, "0479-8234567")
    client.post(
        reverse("orgs:person_edit", args=[own.pk, person.pk]),
        {"name": "巴特尔", "post": "旗委书记", "rank": PersonRank.COUNTY, "phone": ""},
    )
    person.refresh_from_db()
    assert (person.post, person.phone) == ("旗委书记", "")
    confirm = client.get(reverse("orgs:person_deactivate", args=[own.pk, person.pk]))
    assert "确认停用" in confirm.content.decode()
    client.post(reverse("orgs:person_deactivate", args=[own.pk, person.pk]))
    person.refresh_from_db()
    assert not person.active
    listing = client.get(reverse("orgs:people", args=[own.pk])).content.decode()
    assert '<td class="card-title">巴特尔' not in listing
    listing = client.get(reverse("orgs:people", args=[own.pk]), {"inactive": "1"}).content
    assert '<td class="card-title">巴特尔 <span' in listing.decode()  # with its 已停用 badge
    client.post(reverse("orgs:person_reactivate", args=[own.pk, person.pk]))
    person.refresh_from_db()
    assert person.active
    entries = AuditEntry.objects.filter(target_id=str(person.pk), action__startswith="orgs.person")
    assert entries.count() == 4


def test_roster_search_by_name_and_initials_is_paged(client, units, editor):
    own = units["own"]
    person_create(actor=editor, unit=own, name="孟和巴雅尔", rank=PersonRank.SECTION)
    person_create(actor=editor, unit=own, name="乌云", rank=PersonRank.SECTION)
    for i in range(60):
        person_create(actor=editor, unit=own, name=f"张{i:02d}", rank=PersonRank.OTHER)
    client.force_login(editor)
    url = reverse("orgs:people", args=[own.pk])
    body = client.get(url, {"q": "mhb"}).content.decode()
    assert "孟和巴雅尔" in body and "乌云" not in body
    body = client.get(url, {"q": "乌"}).content.decode()
    assert "乌云" in body and "孟和巴雅尔" not in body
    first = client.get(url).content.decode()
    assert "共 62 人" in first and "第 1 / 2 页" in first


def test_roster_is_scoped(client, units, editor, make_user):
    sibling_person = person_create(
        actor=system_actor("test"), unit=units["sibling"], name="其木格", rank=PersonRank.OTHER
    )
    client.force_login(editor)
    sibling = units["sibling"]
    assert client.get(reverse("orgs:people", args=[sibling.pk])).status_code == 404
    edit = reverse("orgs:person_edit", args=[sibling.pk, sibling_person.pk])
    assert client.get(edit).status_code == 404
    # a person of another unit through this unit's URL: also not found
    edit = reverse("orgs:person_edit", args=[units["own"].pk, sibling_person.pk])
    assert client.get(edit).status_code == 404
    client.force_login(make_user(Role.VIEWER, units["own"]))
    assert client.get(reverse("orgs:people", args=[units["own"].pk])).status_code == 200
    assert client.get(reverse("orgs:person_create", args=[units["own"].pk])).status_code == 403


# -- the sheet ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "rank"),
    [
        ("正处", PersonRank.COUNTY),
        ("副处级", PersonRank.COUNTY),
        ("县处级", PersonRank.COUNTY),
        ("正科", PersonRank.SECTION),
        ("副科级", PersonRank.SECTION),
        ("厅级", PersonRank.BUREAU),
        ("副厅", PersonRank.BUREAU),
        ("一级调研员", PersonRank.COUNTY),
        ("二级主任科员", PersonRank.SECTION),
        ("科员", PersonRank.OTHER),
        ("", PersonRank.OTHER),
        ("乡科级", PersonRank.SECTION),
        ("Other", PersonRank.OTHER),
    ],
)
def test_rank_words(word, rank):
    assert parse_rank(word) == rank


def test_roster_sheet_imports_and_reimport_changes_nothing(units, editor):
    own, town = units["own"], units["child"]
    rows = [
        [1, "巴特尔", "", "旗长", "正处", "13912345678"],
        [2, "乌云", town.name, "镇长", "副科", "０４７９－８２３４５６７"],
        [3, "孟和", town.name, "", "", None],
    ]
    result = PersonImporter(actor=editor, unit=own).run(xlsx(rows), "名册.xlsx")
    assert (result.created, result.errors) == (3, [])
    assert roster(own) == {
        (own.name, "巴特尔", "旗长", PersonRank.COUNTY, "13912345678"),
        (town.name, "乌云", "镇长", PersonRank.SECTION, "0479-8234567"),
        (town.name, "孟和", "", PersonRank.OTHER, ""),
    }
    again = PersonImporter(actor=editor, unit=own).run(xlsx(rows), "名册.xlsx")
    assert (again.created, again.unchanged, again.errors) == (0, 3, [])
    assert Person.objects.count() == 3


def test_a_name_padded_to_line_up_is_read_closed_up(units, editor):
    # "王  伟" lines up with "巴特尔" in a printed roster; sent again without the spaces, or
    # with an ideographic one, it is the same person, not a second one.
    own = units["own"]
    rows = [[1, "王  伟", "", "科长", "", ""], [2, "巴特尔", "", "旗长", "", ""]]
    result = PersonImporter(actor=editor, unit=own).run(xlsx(rows), "名册.xlsx")
    assert (result.created, result.errors) == (2, [])
    assert set(Person.objects.values_list("name", flat=True)) == {"王伟", "巴特尔"}
    rows = [[1, "王伟", "", "科长", "", ""], [2, "王\u3000伟", "", "科长", "", ""]]
    again = PersonImporter(actor=editor, unit=own, mode=ImportMode.VALID_ROWS).run(
        xlsx(rows), "名册.xlsx"
    )
    assert (again.created, again.unchanged) == (0, 1) and Person.objects.count() == 2


def test_bad_roster_rows_are_named_and_nothing_is_written(units, editor):
    rows = [
        [1, "巴特尔", "", "旗长", "大官", ""],
        [2, "乌云", "不存在的镇", "", "", ""],
        [3, "孟和", "", "", "", "12345"],
        [4, "", "", "镇长", "", ""],
        [5, "其木格", units["sibling"].name, "", "", ""],
    ]
    result = PersonImporter(actor=editor, unit=units["own"]).run(xlsx(rows), "名册.xlsx")
    found = {(e.row, e.column) for e in result.errors}
    assert found == {(3, "职级"), (4, "单位"), (5, "联系电话"), (6, "姓名"), (7, "单位")}
    assert not result.committed and not Person.objects.exists()
    valid = PersonImporter(actor=editor, unit=units["own"], mode=ImportMode.VALID_ROWS)
    assert valid.run(xlsx(rows), "名册.xlsx").created == 0  # every row has an error


def test_roster_export_imports_back_unchanged(units, editor):
    own, town = units["own"], units["child"]
    twin = unit_create(
        actor=system_actor("test"), parent=town, name=own.name, kind="department"
    )  # a name twice
    for unit, name, rank, phone in [
        (own, "巴特尔", PersonRank.COUNTY, "13912345678"),
        (town, "乌云", PersonRank.SECTION, ""),
        (twin, "孟和", PersonRank.OTHER, "0479-8234567"),
    ]:
        person_create(
            actor=system_actor("test"), unit=unit, name=name, rank=rank, post="委员", phone=phone
        )
    gone = person_create(actor=system_actor("test"), unit=own, name="离任", rank=PersonRank.OTHER)
    from shigan.orgs.services import person_deactivate

    person_deactivate(actor=system_actor("test"), person=gone)
    data = PersonExporter(user=editor, unit=own).xlsx_bytes()
    rows = rows_of(data)
    assert rows[0] == HEADER
    body = [r[1:] for r in rows[1:]]
    # 阿巴嘎旗 names two units now: the banner by its code, the department by its path
    assert ["巴特尔", own.division_code, "委员", "县处级", "13912345678"] in body
    assert ["乌云", town.name, "委员", "乡科级", ""] in body
    assert ["孟和", f"{own.name}/{town.name}/{own.name}", "委员", "其他", "0479-8234567"] in body
    assert len(body) == 3  # not the one who left
    result = PersonImporter(actor=editor, unit=own).run(data, "名册.xlsx")
    assert (result.created, result.unchanged, result.errors) == (0, 3, [])


def test_roster_upload_page_for_editors(client, units, editor):
    client.force_login(editor)
    url = reverse("orgs:unit_import", args=[units["own"].pk, "people"])
    page = client.get(url)
    assert page.status_code == 200 and "联系电话" in page.content.decode()
    upload = io.BytesIO(xlsx([[1, "巴特尔", "", "旗长", "正处", ""]]))
    upload.name = "名册.xlsx"
    response = client.post(url, {"file": upload, "mode": "all"})
    assert response.status_code == 302
    assert Person.objects.filter(name="巴特尔", unit=units["own"]).exists()
    template = client.get(reverse("orgs:unit_template", args=[units["own"].pk, "people"]))
    assert rows_of(b"".join(template))[0] == HEADER
    # the unit tree's own sheets still need the change right
    units_url = reverse("orgs:unit_import", args=[units["own"].pk, "units"])
    assert client.get(units_url).status_code == 403


# -- the API ------------------------------------------------------------------------------------


def test_people_api(units, editor, make_user):
    api = APIClient()
    api.force_authenticate(editor)
    response = api.post(
        "/api/people/",
        {"unit": units["own"].pk, "name": "孟和巴雅尔", "rank": "section", "phone": "1391234567"},
        format="json",
    )
    assert response.status_code == 400 and response.json()["field"] == "phone"
    response = api.post(
        "/api/people/",
        {"unit": units["own"].pk, "name": "孟和巴雅尔", "rank": "section", "post": "镇长"},
        format="json",
    )
    assert response.status_code == 201
    pk = response.json()["id"]
    assert api.get("/api/people/", {"q": "mhb"}).json()["results"][0]["id"] == pk
    assert api.get("/api/people/", {"q": "zz"}).json()["results"] == []
    response = api.patch(f"/api/people/{pk}/", {"phone": "13912345678"}, format="json")
    assert response.json()["phone"] == "13912345678" and response.json()["post"] == "镇长"
    assert api.post(f"/api/people/{pk}/deactivate/").json()["active"] is False
    assert api.get("/api/people/", {"q": "mhb"}).json()["results"] == []
    assert len(api.get("/api/people/", {"q": "mhb", "inactive": "true"}).json()["results"]) == 1
    denied = api.post(
        "/api/people/", {"unit": units["sibling"].pk, "name": "其木格"}, format="json"
    )
    assert denied.status_code == 404
    viewer = make_user(Role.VIEWER, units["own"])
    api.force_authenticate(viewer)
    assert api.patch(f"/api/people/{pk}/", {"name": "x"}, format="json").status_code == 403
    api.force_authenticate(make_user(Role.VIEWER, units["sibling"]))
    assert api.get(f"/api/people/{pk}/").status_code == 404


@pytest.mark.parametrize(
    "cell",
    [
        "13912345678、0471-1234567",
        "13912345678/0471-1234567",
        "13912345678，13812345678",
        "0479-8234567 13912345678",
        "13912345678；13812345678",
    ],
)
def test_two_numbers_in_one_phone_cell_are_refused_naming_the_cell(units, editor, cell):
    # A person has one 联系电话 (Person.phone): the row is refused, saying so, rather than one
    # of the numbers kept and the other dropped.
    rows = [[1, "巴特尔", "", "旗长", "", "13912345678"], [2, "乌云", "", "", "", cell]]
    result = PersonImporter(actor=editor, unit=units["own"], mode=ImportMode.VALID_ROWS).run(
        xlsx(rows), "名册.xlsx"
    )
    [error] = result.errors
    assert (error.row, error.letter, error.column, error.value) == (4, "F", "联系电话", cell)
    assert "只能填一个" in error.message and "2 个号码" in error.message
    assert list(Person.objects.values_list("name", flat=True)) == ["巴特尔"]


def test_one_number_written_with_spaces_or_an_extension_is_still_one(units, editor):
    # Spaces inside one number, or an extension after it, are no second number.
    rows = [
        [1, "巴特尔", "", "", "", "139 1234 5678"],
        [2, "乌云", "", "", "", "0479 8234567"],
        [3, "孟和", "", "", "", "0479-8234567 转 123"],
    ]
    result = PersonImporter(actor=editor, unit=units["own"]).run(xlsx(rows), "名册.xlsx")
    assert (result.created, result.errors) == (3, [])
    assert set(Person.objects.values_list("phone", flat=True)) == {
        "13912345678",
        "0479-8234567",
        "0479-8234567-123",
    }
