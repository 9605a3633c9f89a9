"""A leader written with a title in front ("旗委书记巴特尔", "党组书记 王伟"): in a ledger's
责任领导 cell the person is found by name; in a roster's 姓名 column it is refused."""

import pytest

from shigan.accounts.system import system_actor
from shigan.orgs.choices import PersonRank, Role
from shigan.orgs.imports import PersonImporter
from shigan.orgs.models import Person
from shigan.orgs.services import person_create
from shigan.orgs.tests.test_exchange import xlsx
from shigan.problems.models import Problem
from shigan.problems.tests.test_sheet_quirks import _ledger, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(units, make_user):
    return make_user(Role.ADMIN, units["own"])


def test_a_leader_with_a_title_in_front_is_found_by_name(units, calendar, editor, campaign):
    person_create(
        actor=system_actor("test"), unit=units["own"], name="巴特尔", rank=PersonRank.COUNTY
    )
    header = ["序号", "问题", "整改措施", "责任领导", "整改时限"]
    rows = [
        [1, "学习不深入", "制定计划", "旗委书记巴特尔", "2023-06-30"],
        [2, "报表多", "清理报表", "党组书记 王伟", "2023-07-31"],
        [3, "作风漂浮", "谈心谈话", "党组书记", "2023-07-31"],
    ]
    result = run(editor, units, campaign, _ledger(header, rows), mode="valid")
    assert Problem.objects.get(title="学习不深入").responsible.name == "巴特尔"
    forms = Problem.objects.get(title="报表多")
    assert forms.responsible.name == "王伟" and list(forms.co_responsible.all()) == []
    assert not Person.objects.filter(name__contains="书记").exists()
    assert [(e.row, e.letter, e.message) for e in result.errors] == [
        (5, "D", "“党组书记”是职务，不是姓名，请填写责任领导的姓名。")
    ]


def test_a_roster_name_with_a_title_in_front_is_refused(units, admin):
    data = xlsx([["姓名", "职务"], ["旗委书记巴特尔", ""], ["王伟", "党组书记"]])
    result = PersonImporter(actor=admin, unit=units["own"]).run(data, "名册.xlsx")
    assert not result.committed and not Person.objects.filter(name__contains="巴特尔").exists()
    assert [(e.row, e.letter, e.message) for e in result.errors] == [
        (
            2,
            "A",
            "“旗委书记巴特尔”以职务“旗委书记”开头，姓名一栏只填姓名（巴特尔），职务填在“职务”一栏。",
        )
    ]
