"""简称 of towns and villages from the division import, and what the importers make of them
(issue 13, point 7), on a small made-up province "91" of two leagues."""

import csv
from pathlib import Path

import pytest

from shigan.accounts.system import system_actor
from shigan.orgs.divisions import divisions_import
from shigan.orgs.imports import UnitIndex
from shigan.orgs.models import Unit
from shigan.orgs.services import unit_update

pytestmark = pytest.mark.django_db

LEVELS = {
    "provinces": (["code", "name"], [("91", "测试自治区")]),
    "cities": (
        ["code", "name", "provinceCode"],
        [("9101", "甲盟", "91"), ("9102", "乙盟", "91")],
    ),
    "areas": (
        ["code", "name", "cityCode"],
        [("910101", "一旗", "9101"), ("910201", "二旗", "9102")],
    ),
    "streets": (
        ["code", "name", "areaCode"],
        [
            ("910101001", "阿尔山镇", "910101"),
            ("910101002", "宝力根苏木", "910101"),
            ("910101003", "新华街道办事处", "910101"),
            ("910101004", "东风街道", "910101"),
            ("910101005", "伊和乡", "910101"),
            ("910101006", "东乡", "910101"),
            ("910201001", "阿尔山镇", "910201"),
        ],
    ),
    "villages": (
        ["code", "name", "streetCode"],
        [
            ("910101001001", "阿尔山嘎查村委会", "910101001"),
            ("910101002001", "宝力根村委会", "910101002"),
            ("910101003001", "红旗社区居委会", "910101003"),
            ("910101004001", "东风嘎查村委会", "910101004"),
            ("910101005001", "乌兰村委会", "910101005"),
            ("910201001001", "巴彦村委会", "910201001"),
        ],
    ),
}


@pytest.fixture
def province(tmp_path: Path) -> Path:
    for stem, (header, rows) in LEVELS.items():
        with open(tmp_path / f"{stem}.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    divisions_import(actor=system_actor("test"), source=tmp_path, province="91")
    return tmp_path


def shorts() -> dict[tuple[str, str], str]:
    return {
        (code, name): short
        for code, name, short in Unit.objects.filter(
            division_code__startswith="91", division_level__gte=4
        ).values_list("division_code", "name", "short_name")
    }


def test_towns_and_villages_get_short_names_unique_in_their_league(province):
    assert shorts() == {
        # 甲盟: 阿尔山, 宝力根 and 东风 name a town and a village each; 东 is one character
        ("910101001000", "阿尔山镇"): "",
        ("910101002000", "宝力根苏木"): "",
        ("910101003000", "新华街道办事处"): "新华",
        ("910101004000", "东风街道"): "",
        ("910101005000", "伊和乡"): "伊和",
        ("910101006000", "东乡"): "",
        ("910101001001", "阿尔山嘎查村委会"): "",
        ("910101002001", "宝力根村委会"): "",
        ("910101003001", "红旗社区居委会"): "红旗社区",
        ("910101004001", "东风嘎查村委会"): "",
        ("910101005001", "乌兰村委会"): "乌兰",
        # 乙盟 has its own 阿尔山镇, unique there
        ("910201001000", "阿尔山镇"): "阿尔山",
        ("910201001001", "巴彦村委会"): "巴彦",
    }


def test_short_names_are_editable_and_kept_on_reimport(province):
    town = Unit.objects.get(division_code="910101005000")
    unit_update(
        actor=system_actor("test"), unit=town, name=town.name, short_name="伊和苏木", kind=town.kind
    )
    village = Unit.objects.get(division_code="910101005001")
    unit_update(
        actor=system_actor("test"),
        unit=village,
        name=village.name,
        short_name="",
        kind=village.kind,
    )
    stats = divisions_import(actor=system_actor("test"), source=province, province="91")
    assert stats.created == 0
    assert Unit.objects.get(pk=town.pk).short_name == "伊和苏木"  # typed: kept
    assert Unit.objects.get(pk=village.pk).short_name == "乌兰"  # blank: filled in again


def test_an_exact_short_name_resolves(province):
    league = Unit.objects.get(division_level=2, division_code="910100000000")
    index = UnitIndex(league)
    assert index.resolve("伊和").name == "伊和乡"
    assert index.resolve("红旗社区").name == "红旗社区居委会"
    other = UnitIndex(Unit.objects.get(division_level=2, division_code="910200000000"))
    assert other.resolve("阿尔山").division_code == "910201001000"


def test_near_misses_suggest_the_town_before_the_village(province):
    league = Unit.objects.get(division_level=2, division_code="910100000000")
    answers = {UnitIndex(league).suggest("阿尔山") for _ in range(3)}
    assert answers == {"阿尔山镇"}
    assert UnitIndex(league).suggest("宝力根") == "宝力根苏木"
    assert UnitIndex(league).suggest("东风") == "东风街道"
    message = UnitIndex(league).not_found("阿尔山")
    assert "找不到“阿尔山”" in message and "您是不是要找“阿尔山镇”" in message
