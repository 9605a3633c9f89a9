"""The roster in headless Chromium: a banner editor registers one person through the page,
imports a roster sheet of 200 people (made here with XlsxWriter) and finds one of them by the
pinyin initials of the name."""

import itertools

import pytest
import xlsxwriter
from playwright.sync_api import expect

from shigan.orgs.models import Person, Unit
from shigan.problems.models import Problem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SURNAMES = "王李张刘陈"  # initials w l z l c
GIVEN = "伟芳娜敏静丽强磊军洋"  # none begins with g
LAST = "华平春秋"
WANTED = "诸葛亮"  # zgl: no generated name starts so


def roster_sheet(path, town: str) -> None:
    names = ["".join(p) for p in itertools.product(SURNAMES, GIVEN, LAST)][:199] + [WANTED]
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("名册")
    sheet.merge_range(0, 0, 0, 5, "阿巴嘎旗干部名册")
    sheet.write_row(1, 0, ["序号", "姓名", "单位", "职务", "职级", "联系电话"])
    for i, name in enumerate(names, start=1):
        unit = town if i % 2 else ""  # blank: the banner itself
        rank = ["正科", "副科", "正处", ""][i % 4]
        sheet.write_row(i + 1, 0, [i, name, unit, "干部", rank, f"139{i:08d}"])
    workbook.close()


def test_add_a_person_import_a_roster_and_find_by_initials(
    demo_accounts, login, live_server, tmp_path
):
    banner = Unit.objects.get(division_level=3, division_code="152522000000")
    town = Unit.objects.get_children(banner).first()
    sheet = tmp_path / "名册.xlsx"
    roster_sheet(str(sheet), town.name)

    page = login("banner_editor", timeout=30000)  # the machine is shared
    page.goto(f"{live_server.url}{banner.get_absolute_url()}")
    page.get_by_role("link", name="人员名册").first.click()
    page.get_by_role("link", name="登记人员").click()
    page.get_by_label("姓名").fill("巴特尔")
    page.get_by_label("职务").fill("旗长")
    page.get_by_label("职级").select_option(label="县处级")
    page.get_by_label("联系电话").fill("0479 8234567")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已登记“巴特尔”。").wait_for()
    assert page.locator("table.people tbody tr", has_text="巴特尔").inner_text().split("\t")[
        1:4
    ] == ["旗长", "县处级", "0479-8234567"]

    page.get_by_role("link", name="导入人员名册").click()
    page.get_by_label("文件").set_input_files(str(sheet))
    page.get_by_role("button", name="上传并导入").click()
    page.get_by_text("预检完成：新增 200 行").wait_for(timeout=60000)
    page.get_by_role("button", name="确认导入", exact=True).click()
    page.get_by_text("导入 200 行").wait_for(timeout=60000)
    assert Person.objects.filter(unit__path__startswith=banner.path).count() == 201

    page.goto(f"{live_server.url}/units/{banner.pk}/people/")
    page.get_by_label("姓名或拼音首字母").fill("zgl")
    page.get_by_role("button", name="查找").click()
    rows = page.locator("table.people tbody tr")
    # The unfiltered list is on screen until the search's page replaces it.
    expect(rows).to_have_count(1)
    assert WANTED in rows.first.inner_text() and "13900000200" in rows.first.inner_text()

    # The ledger names them: they are the roster's people, nobody new is registered.
    ledger = tmp_path / "台账.csv"
    ledger.write_text(
        f"问题,整改措施,责任领导,整改时限,完成情况\n会议多,精简会议,{WANTED}、巴特尔,2023-09-30,整改中\n",
        encoding="gb18030",
    )
    page.goto(f"{live_server.url}/problems/units/{banner.pk}/import/")
    page.get_by_label("文件").set_input_files(str(ledger))
    page.get_by_role("button", name="上传并导入").click()
    page.get_by_text("预检完成：新增 1 行").wait_for(timeout=60000)
    assert page.get_by_text("新登记人员").count() == 0
    page.get_by_role("button", name="确认导入", exact=True).click()
    page.get_by_text("导入 1 行").wait_for(timeout=60000)
    problem = Problem.objects.get(title="会议多")
    assert problem.responsible == Person.objects.get(name=WANTED)
    assert list(problem.co_responsible.values_list("name", flat=True)) == ["巴特尔"]
