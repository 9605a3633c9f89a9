import gzip
import shutil
from pathlib import Path

import pytest
from django.db.models import Count

from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry
from shigan.orgs.divisions import DATA_DIR, DivisionFileError, divisions_import
from shigan.orgs.models import Unit

pytestmark = pytest.mark.django_db


def test_inner_mongolia_has_the_nbs_2023_counts_per_level():
    counts = dict(
        Unit.objects.filter(division_code__startswith="15")
        .order_by()
        .values_list("division_level")
        .annotate(n=Count("pk"))
    )
    assert counts == {1: 1, 2: 12, 3: 108, 4: 1225, 5: 14592}


def test_tree_is_consistent_and_numchild_is_right():
    xilingol = Unit.objects.get(division_level=2, division_code="152500000000")
    assert xilingol.name == "锡林郭勒盟"
    assert xilingol.numchild == Unit.objects.get_children(xilingol).count() == 13
    assert Unit.objects.get_parent(xilingol).name == "内蒙古自治区"
    sample = Unit.objects.filter(division_level=4)[:50]
    for township in sample:
        assert township.numchild == Unit.objects.get_children(township).count() > 0
        assert all(
            v.division_code.startswith(township.division_code[:9])
            for v in Unit.objects.get_children(township)
        )


def test_reimport_changes_nothing():
    total, audit_before = Unit.objects.count(), AuditEntry.objects.count()
    stats = divisions_import(actor=system_actor("test"), province="15", depth=5)
    assert (stats.created, stats.renamed, stats.unchanged) == (0, 0, 15938)
    assert Unit.objects.count() == total
    assert AuditEntry.objects.count() == audit_before + 1


def _copy_sources(tmp_path: Path, depth: int = 3) -> Path:
    for stem in ("provinces", "cities", "areas")[:depth]:
        shutil.copy(DATA_DIR / f"{stem}.csv.gz", tmp_path / f"{stem}.csv.gz")
    return tmp_path


def _rewrite(path: Path, transform) -> None:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(transform(lines)) + "\n")


def test_renamed_division_is_updated_not_duplicated(tmp_path):
    source = _copy_sources(tmp_path)
    _rewrite(
        source / "areas.csv.gz",
        lambda lines: [line.replace('"阿巴嘎旗"', '"阿巴嘎旗（新名）"') for line in lines],
    )
    total = Unit.objects.count()
    stats = divisions_import(actor=system_actor("test"), source=source, province="15", depth=3)
    assert stats.renamed == 1 and stats.created == 0
    banner = Unit.objects.get(division_level=3, division_code="152522000000")
    assert banner.name == "阿巴嘎旗（新名）"
    assert Unit.objects.count() == total


@pytest.mark.parametrize(
    ("transform", "line", "words"),
    [
        (lambda ls: [ls[0].replace("cityCode", "city")] + ls[1:], 1, "缺少列"),
        (lambda ls: ls[:5] + [ls[5].replace("1101", "11X1", 1)] + ls[6:], 6, "6 位数字"),
        (lambda ls: ls + ['159999,"不存在旗",1599,15'], None, "上级区划"),
    ],
    ids=["missing-column", "non-numeric-code", "unknown-parent"],
)
def test_malformed_csv_is_refused_with_file_and_line_and_writes_nothing(
    tmp_path, transform, line, words
):
    source = _copy_sources(tmp_path)
    _rewrite(source / "areas.csv.gz", transform)
    total, audit_before = Unit.objects.count(), AuditEntry.objects.count()
    with pytest.raises(DivisionFileError) as exc:
        divisions_import(actor=system_actor("test"), source=source, depth=3)
    message = exc.value.message
    assert "areas.csv" in message and words in message
    expected_line = line or 2980  # header + 2,978 rows, then the appended bad row
    assert exc.value.line == expected_line and f"第 {expected_line} 行" in message
    assert Unit.objects.count() == total
    assert AuditEntry.objects.count() == audit_before


def test_a_new_province_is_added_beside_the_existing_tree():
    before = Unit.objects.count()
    stats = divisions_import(actor=system_actor("test"), province="11", depth=2)
    assert stats.created == 2  # 北京市 and its 市辖区 placeholder
    beijing = Unit.objects.get(division_level=1, division_code="110000000000")
    assert beijing.is_root() and beijing.numchild == 1
    assert Unit.objects.count() == before + 2
    # The new province's tree; the existing one is left as it was (counted above).
    assert Unit.objects.find_problems(parent=beijing) == ([], [], [], [], [])
    roots = Unit.objects.get_root_nodes()
    assert len({root.path for root in roots}) == roots.count()
