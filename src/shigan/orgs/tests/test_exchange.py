"""Importing and exporting the unit tree and memberships through the spreadsheet base."""

import io
from pathlib import Path

import pytest
import xlsxwriter
from django.urls import reverse
from python_calamine import CalamineWorkbook

from shigan.audit.models import AuditEntry
from shigan.audit.selectors import audit_verify
from shigan.conftest import XILINGOL, division
from shigan.core.spreadsheets.importers import ImportMode
from shigan.core.spreadsheets.reports import error_report
from shigan.orgs.choices import Role, UnitKind
from shigan.orgs.exports import MembershipExporter, UnitExporter
from shigan.orgs.imports import MembershipImporter, UnitImporter
from shigan.orgs.models import Membership, Unit
from shigan.orgs.services import unit_update

pytestmark = pytest.mark.django_db


def xlsx(rows, *, title=None):
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = wb.add_worksheet()
    r = 0
    if title:
        ws.merge_range(0, 0, 0, 4, title)
        r = 2
    for row in rows:
        for c, value in enumerate(row):
            if value is not None:
                ws.write(r, c, value)
        r += 1
    wb.close()
    return buffer.getvalue()


def rows_of(data: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


@pytest.fixture
def admin(units, make_user):
    return make_user(Role.ADMIN, units["own"])


def children_names(unit):
    return set(
        Unit.objects.get_children(Unit.objects.get(pk=unit.pk)).values_list("name", flat=True)
    )


def test_messy_department_sheet_imports(units, admin):
    own, town = units["own"], units["child"]
    unit_update(actor=admin, unit=town, name=town.name, short_name="一镇", kind=town.kind)
    code = "".join(chr(ord(d) + 0xFEE0) for d in town.division_code)  # full-width digits
    data = xlsx(
        [
            ["序号", "部门名称", "简称", "单位类型", "上级单位", "排序"],
            [1, "党政综合办公室", "党政办", "部门", None, "１"],  # parent blank: the unit itself
            [None, None, None, None, None, None],
            [2, "组织部", None, None, own.name, "２"],  # parent by name
            [3, "镇党建办", None, "部门", "一镇", 3],  # parent by short name
            [None, None, None, None, None, None],
            [4, "镇财政所", None, "部门", code, "４"],  # parent by full-width division code
            [5, "综合科", None, None, "组织部", None],  # parent: a row above in the same sheet
        ],
        title="阿巴嘎旗直属部门一览表（2023年6月30日）",
    )
    before = Unit.objects.count()
    result = UnitImporter(actor=admin, unit=own).run(data, "部门.xlsx")
    assert result.errors == [], result.errors
    assert result.created == 5 and result.committed
    assert Unit.objects.count() == before + 5
    assert {"党政综合办公室", "组织部"} <= children_names(own)
    assert {"镇党建办", "镇财政所"} <= children_names(town)
    office = Unit.objects.get(name="党政综合办公室")
    assert office.short_name == "党政办" and office.sort_order == 1
    assert office.kind == UnitKind.DEPARTMENT
    org = Unit.objects.get(name="组织部", path__startswith=own.path)
    assert [u.name for u in Unit.objects.get_children(org)] == ["综合科"]
    assert Unit.objects.get(pk=own.pk).numchild == own.numchild + 2
    # the banner's tree, where the rows went, is intact and the audit chain still verifies
    assert Unit.objects.find_problems(parent=own) == ([], [], [], [], [])
    assert AuditEntry.objects.filter(action="orgs.unit.created").count() >= 5
    assert audit_verify().ok


BAD = [
    ["名称", "类型", "上级单位"],
    ["办公室", "部门", None],
    ["", "部门", None],  # row 3: no name
    ["宣传部", "局", None],  # row 4: unknown kind
    ["统战部", "部门", "不存在的单位"],  # row 5: unknown parent
]


def test_bad_rows_refuse_the_whole_sheet_in_all_or_nothing_mode(units, admin):
    before = Unit.objects.count()
    result = UnitImporter(actor=admin, unit=units["own"]).run(xlsx(BAD), "bad.xlsx")
    assert Unit.objects.count() == before and not result.committed
    assert {(e.row, e.letter, e.column) for e in result.errors} == {
        (3, "A", "名称"),
        (4, "B", "类型"),
        (5, "C", "上级单位"),
    }
    report = rows_of(error_report(result))
    assert report[0] == ["行号", "列号", "列", "值", "错误说明"]
    by_row = {int(r[0]): r for r in report[1:]}
    assert by_row[3][2] == "名称" and "必填" in by_row[3][4]
    assert by_row[4][2] == "类型" and by_row[4][3] == "局"
    assert by_row[5][2] == "上级单位" and "找不到" in by_row[5][4]


def test_valid_rows_mode_imports_the_good_rows(units, admin):
    before = Unit.objects.count()
    result = UnitImporter(actor=admin, unit=units["own"], mode=ImportMode.VALID_ROWS).run(
        xlsx(BAD), "bad.xlsx"
    )
    assert Unit.objects.count() == before + 1 and result.created == 1
    assert "办公室" in children_names(units["own"])
    assert {e.row for e in result.errors} == {3, 4, 5}


def test_importing_the_same_file_twice_adds_nothing(units, admin):
    data = xlsx([["名称", "上级单位"], ["办公室", None], ["综合科", "办公室"]])
    first = UnitImporter(actor=admin, unit=units["own"]).run(data, "a.xlsx")
    assert first.created == 2
    count, entries = Unit.objects.count(), AuditEntry.objects.count()
    second = UnitImporter(actor=admin, unit=units["own"]).run(data, "a.xlsx")
    assert second.created == 0 and second.unchanged == 2 and second.errors == []
    assert Unit.objects.count() == count and AuditEntry.objects.count() == entries


def test_exported_subtree_reimports_to_the_same_units(units, admin):
    town = units["child"]
    UnitImporter(actor=admin, unit=town).run(
        xlsx([["名称", "上级单位"], ["党建办", None], ["综合组", "党建办"]]), "a.xlsx"
    )
    exporter = UnitExporter(user=admin, unit=town)
    data = exporter.xlsx_bytes()
    rows = rows_of(data)
    subtree = Unit.objects.subtree_of(town).count()
    assert len(rows) == subtree + 1
    assert rows[0][:6] == ["层级路径", "名称", "简称", "类型", "行政区划代码", "上级单位"]
    # the town's 简称 comes from the division import (its name less 镇)
    assert [town.name, town.name, "别力古台", "乡级（苏木、乡镇、街道）"] == rows[1][:4]
    assert f"{town.name}/党建办/综合组" in [r[0] for r in rows]
    count, entries = Unit.objects.count(), AuditEntry.objects.count()
    result = UnitImporter(actor=admin, unit=town).run(data, "export.xlsx")
    assert result.errors == [] and result.created == 0 and result.unchanged == subtree
    assert Unit.objects.count() == count and AuditEntry.objects.count() == entries
    # the csv export reads back the same way
    result = UnitImporter(actor=admin, unit=town).run(exporter.csv_bytes(), "export.csv")
    assert result.errors == [] and result.unchanged == subtree


def test_near_miss_unit_name_gets_a_suggestion(units, make_user):
    league = division(XILINGOL)
    admin = make_user(Role.ADMIN, league)
    data = xlsx([["名称", "上级单位"], ["综合办", "乌拉盖管理区"]])
    result = UnitImporter(actor=admin, unit=league).run(data, "a.xlsx")
    assert len(result.errors) == 1
    assert "您是不是要找“乌拉盖管理区管委会”？" in result.errors[0].message


def test_import_outside_the_users_rights_is_refused(units, make_user):
    editor = make_user(Role.EDITOR, units["own"])
    before = Unit.objects.count()
    result = UnitImporter(actor=editor, unit=units["own"]).run(
        xlsx([["名称"], ["办公室"]]), "a.xlsx"
    )
    assert Unit.objects.count() == before and "权限" in result.errors[0].message


def test_memberships_export_and_import(units, admin, make_user):
    alice = make_user(username="alice")
    bob = make_user(username="bob")
    town = units["child"]
    data = xlsx(
        [
            ["用户名", "单位", "角色"],
            ["alice", town.division_code, "填报员"],
            ["bob", f"{units['own'].name}/{town.name}", "查看"],
            ["carol", town.name, "查看"],  # no such user
            ["alice", town.name, "超级管理员"],  # no such role
        ]
    )
    result = MembershipImporter(actor=admin, unit=units["own"], mode=ImportMode.VALID_ROWS).run(
        data, "roles.xlsx"
    )
    assert result.created == 2, result.errors
    assert {(e.row, e.letter, e.column) for e in result.errors} == {
        (4, "A", "用户名"),
        (5, "C", "角色"),
    }
    assert Membership.objects.filter(user=alice, unit=town, role=Role.EDITOR).exists()
    assert Membership.objects.filter(user=bob, unit=town, role=Role.VIEWER).exists()
    exported = MembershipExporter(user=admin, unit=units["own"]).xlsx_bytes()
    rows = rows_of(exported)
    assert rows[0] == ["用户名", "单位", "角色"]
    assert ["alice", town.division_code, "填报员"] in rows
    again = MembershipImporter(actor=admin, unit=units["own"]).run(exported, "roles.xlsx")
    assert again.errors == [] and again.created == 0 and again.unchanged == len(rows) - 1


# -- pages -------------------------------------------------------------------------------------


def test_import_page_only_for_those_who_may_change_the_unit(client, units, admin, make_user):
    url = reverse("orgs:unit_import", args=[units["own"].pk, "units"])
    client.force_login(admin)
    assert client.get(url).status_code == 200
    client.force_login(make_user(Role.VIEWER, units["own"]))
    assert client.get(url).status_code == 403
    client.force_login(make_user(Role.ADMIN, units["sibling"]))
    assert client.get(url).status_code == 404


def test_upload_creates_a_job_and_shows_its_result(client, units, admin):
    client.force_login(admin)
    upload = io.BytesIO(xlsx(BAD))
    upload.name = "部门.xlsx"
    url = reverse("orgs:unit_import", args=[units["own"].pk, "units"])
    response = client.post(url, {"file": upload, "mode": "all"})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "整个文件未导入" in text and "下载错误报告" in text
    job_pk = int(response["Location"].rstrip("/").split("/")[-1])
    report = client.get(reverse("core:job_result", args=[job_pk]))
    rows = rows_of(b"".join(report))
    assert {int(r[0]) for r in rows[1:]} == {3, 4, 5}


def test_upload_of_a_non_sheet_is_refused(client, units, admin):
    client.force_login(admin)
    upload = io.BytesIO(b"MZ\x90\x00 not a sheet")
    upload.name = "部门.xlsx"
    url = reverse("orgs:unit_import", args=[units["own"].pk, "units"])
    response = client.post(url, {"file": upload, "mode": "all"})
    assert response.status_code == 400 and "扩展名不符" in response.content.decode()


def test_export_links_and_template(client, units, admin):
    client.force_login(admin)
    detail = client.get(units["own"].get_absolute_url()).content.decode()
    assert reverse("orgs:unit_import", args=[units["own"].pk, "units"]) in detail
    response = client.get(reverse("orgs:unit_export", args=[units["child"].pk, "units", "csv"]))
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").startswith("层级路径,名称")
    template = client.get(reverse("orgs:unit_template", args=[units["own"].pk, "units"]))
    import zipfile

    xml = zipfile.ZipFile(io.BytesIO(template.content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<dataValidation" in xml
    outsider_url = reverse("orgs:unit_export", args=[units["unrelated"].pk, "units", "xlsx"])
    assert client.get(outsider_url).status_code == 404


def test_an_xls_renamed_xlsx_uploads_and_a_web_page_is_named(client, units, admin):
    # Offices rename an .xls to .xlsx: the page takes it and reads what it is. A web page
    # saved as .xls (as many systems export) is refused, saying what it is.
    client.force_login(admin)
    url = reverse("orgs:unit_import", args=[units["own"].pk, "units"])
    ledgers = Path(__file__).parents[2] / "problems/tests/ledgers"
    upload = io.BytesIO((ledgers / "xilingol-league-2023-06-20.xls").read_bytes())
    upload.name = "部门.xlsx"
    response = client.post(url, {"file": upload, "mode": "all"})
    assert response.status_code == 302, response.content.decode()[:500]
    page = io.BytesIO(b"<html><body><table><tr><td>\xe5\x90\x8d\xe7\xa7\xb0</td></tr></table>")
    page.name = "部门.xls"
    response = client.post(url, {"file": page, "mode": "all"})
    assert response.status_code == 400 and "网页（HTML）格式" in response.content.decode()


def test_a_numbering_column_is_a_label_never_an_error(units, admin):
    # 序号 is the sheet's own numbering of its rows, whatever the importer reads it as (here
    # the units' order): "一", "1." or "（三）" is a label, left out, not a refused row.
    rows = [
        ["序号", "部门名称", "单位类型"],
        ["一", "党政办", "部门"],
        ["2.", "组织部", "部门"],
        ["（三）", "宣传部", "部门"],
    ]
    result = UnitImporter(actor=admin, unit=units["own"]).run(xlsx(rows), "部门.xlsx")
    assert result.errors == [] and result.created == 3, result.errors
    rows = [["序号", "部门名称", "单位类型"], [2, "统战部", "部门"]]
    result = UnitImporter(actor=admin, unit=units["own"]).run(xlsx(rows), "部门.xlsx")
    assert Unit.objects.get(name="统战部").sort_order == 2  # a number is still read
    # A column titled 排序 is data: a value that is not a number is an error there.
    rows = [["部门名称", "单位类型", "排序"], ["政法委", "部门", "一"]]
    result = UnitImporter(actor=admin, unit=units["own"]).run(xlsx(rows), "部门.xlsx")
    assert [(e.row, e.letter, e.message) for e in result.errors] == [(2, "C", "“一”不是整数。")]
