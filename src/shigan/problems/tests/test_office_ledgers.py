"""Office ledgers as banner and league offices keep them (`ledgers/`, made by make_ledgers.py):
each imports whole on the first try, all or nothing — every problem, measure, date, unit, leader
and state as the sheet says it, finished rows as close-out requests — and the unit's figures
change by exactly those counts. Sent again with progress filled in, a ledger updates exactly
the problems it changes; sent a third time, it changes nothing."""

import datetime
import io
from pathlib import Path

import pytest
from django.urls import reverse

from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry
from shigan.campaigns import services as campaigns
from shigan.campaigns.choices import AspectKind
from shigan.metrics.selectors import metric_value
from shigan.orgs.choices import PersonRank, Role
from shigan.orgs.models import Person, Unit
from shigan.orgs.services import person_create
from shigan.problems.choices import CloseOutState, MeasureState, ProblemState, ProblemTerm
from shigan.problems.imports import LedgerImporter
from shigan.problems.models import CloseOut, Measure, Problem

pytestmark = pytest.mark.django_db

D = datetime.date
LEDGERS = Path(__file__).parent / "ledgers"
ASPECTS = ("理论学习", "调查研究", "作风建设", "为民服务", "制度建设")
OPEN, STARTED, PENDING = ProblemState.OPEN, ProblemState.IN_PROGRESS, ProblemState.PENDING_REVIEW


def unit(name: str, under: str | None = None) -> Unit:
    found = Unit.objects.filter(name=name)
    if under:
        found = found.filter(path__startswith=Unit.objects.get(name=under).path)
    return found.get()


@pytest.fixture
def campaign(units):
    campaign = campaigns.campaign_create(
        actor=system_actor("test"),
        name="主题教育",
        root_unit=units["region"],
        starts_on=D(2023, 4, 1),
    )
    for name in ASPECTS:
        campaigns.aspect_create(
            actor=system_actor("test"), campaign=campaign, kind=AspectKind.PROBLEM, name=name
        )
    return campaign


@pytest.fixture
def roster(units):
    """The people already registered; 巴特尔 is a name in two banners."""
    people = {}
    for name, where in (
        ("巴特尔", units["own"]),
        ("其木格", units["own"]),
        ("巴特尔", units["sibling"]),
        ("孟和", units["sibling"]),
        ("其其格", units["sibling"]),
    ):
        people[(name, where.name)] = person_create(
            actor=system_actor("test"), unit=where, name=name, rank=PersonRank.SECTION
        )
    return people


def import_ledger(user, root, campaign, filename, **kwargs):
    path = LEDGERS / filename
    importer = LedgerImporter(actor=user, unit=root, campaign=campaign, **kwargs)
    return importer.run(path.read_bytes(), path.name)


def leaders(problem: Problem) -> list[str]:
    """The problem's leaders as "name@unit", the lead first."""
    named = [problem.responsible] if problem.responsible else []
    named += sorted(problem.co_responsible.all(), key=lambda p: p.pk)
    return [f"{p.name}@{p.unit.name}" for p in named]


def check(problem: Problem, expected: dict) -> None:
    measures = list(problem.measures.order_by("pk"))
    got = {
        "unit": problem.unit.name,
        "state": problem.state,
        "leaders": leaders(problem),
        "measures": [m.text for m in measures],
        "done": [m.state == MeasureState.DONE for m in measures],
        "deadline": problem.deadline,
        "found_on": problem.found_on,
        "term": problem.term,
    }
    assert {k: got[k] for k in expected} == expected, problem.title


def figures(root: Unit) -> dict:
    return {
        state: metric_value("problems.found", unit=root, state=state, user=system_actor("test"))
        for state in (OPEN, STARTED, PENDING)
    } | {"measures": metric_value("problems.measures", unit=root, user=system_actor("test"))}


ABAG = {
    "理论学习不够深入，学用脱节": {
        "unit": "阿巴嘎旗",
        "state": STARTED,
        "leaders": ["巴特尔@阿巴嘎旗"],
        "measures": ["制定年度学习计划", "举办读书班"],
        "done": [False, False],
        "deadline": D(2023, 6, 30),
        "found_on": D(2023, 6, 15),
    },
    "调研走过场、重形式": {
        "unit": "别力古台镇",
        "state": OPEN,  # planned measures do not start a problem
        "leaders": ["张明@别力古台镇", "李华@别力古台镇"],
        "measures": ["建立调研台账", "开展蹲点调研"],
        "deadline": D(2023, 6, 10),  # "6月10日": the ledger's year, before its date
    },
    "基层报表多、负担重": {
        "unit": "洪格尔高勒镇",  # written "洪格尔高勒", its short name
        "state": PENDING,
        "leaders": ["王刚@洪格尔高勒镇"],
        "measures": ["清理报表", "合并填报"],
        "done": [True, True],
        "deadline": D(2023, 5, 31),
    },
    "窗口服务态度生硬": {
        "unit": "洪格尔高勒镇",  # 152522101000, a code written as a number
        "state": PENDING,
        "term": ProblemTerm.IMMEDIATE,
        "done": [True],
    },
    "制度执行不严格": {
        "unit": "阿巴嘎旗",
        "state": STARTED,
        "term": ProblemTerm.LONG_TERM,
        "leaders": ["其木格@阿巴嘎旗"],
    },
    "重点项目推进缓慢": {
        "unit": "查干淖尔镇",
        "state": STARTED,
        "leaders": ["巴特尔@阿巴嘎旗", "其木格@阿巴嘎旗", "张明@别力古台镇"],
        "measures": ["倒排工期", "组建专班"],
        "deadline": D(2023, 7, 31),
    },
    "整改落实不到位（第3批）": {"state": OPEN, "measures": ["逐项对账销号"]},
    "会议多、文件多": {"unit": "别力古台镇", "state": PENDING, "leaders": [], "done": [True]},
}

LEAGUE = {
    "牧区医疗服务不便": {
        "unit": "阿巴嘎旗",
        "state": STARTED,
        "measures": ["建设嘎查卫生室", "开展巡回医疗", "培训乡村医生"],
        "done": [True, False, False],
        "deadline": D(2023, 10, 31),  # the latest of its measures'
        "found_on": D(2023, 6, 20),  # the 填报日期 below the table
    },
    "惠牧政策宣传不到位": {
        "unit": "苏尼特左旗",
        "state": PENDING,
        "leaders": ["巴特尔@苏尼特左旗"],  # the nearer of the two 巴特尔
        "done": [True, True],
    },
    "办事环节多、时限长": {"unit": "阿巴嘎旗", "state": OPEN, "deadline": D(2023, 8, 31)},
}

SUNID_ODS = {
    "草原生态保护监管有漏洞": {
        "unit": "满都拉图镇",
        "state": OPEN,
        "leaders": ["孟和@苏尼特左旗", "其其格@苏尼特左旗"],
        "measures": ["完善巡查制度", "聘用草管员"],
        "found_on": D(2023, 5, 20),
    },
    "农畜产品销售渠道窄": {"unit": "苏尼特左旗", "state": STARTED, "found_on": D(2023, 5, 22)},
    "村务公开不及时": {"unit": "查干敖包镇", "state": PENDING, "deadline": D(2023, 6, 10)},
}

SUNID_CSV = {
    "干部下沉服务不够": {"unit": "巴彦淖尔镇", "state": PENDING, "deadline": D(2023, 7, 15)},
    "基层党组织活动不规范": {"unit": "苏尼特左旗", "state": STARTED},
    "群众办事跑腿多": {"unit": "达来苏木", "state": OPEN, "deadline": D(2023, 6, 1)},
}

# The township's WPS ledger (make_ledgers.write_township), imported at the township.
TOWN = {
    "村级活动场所管理不规范": {
        "unit": "别力古台镇",
        "state": PENDING,  # 是否完成: 是 (否, below: in progress)
        "measures": ["制定管理制度", "定期检查"],
        "done": [True, True],
        "deadline": D(2023, 6, 30),  # "２０２３年６月３０日"
    },
    "惠民政策宣传不到位": {"unit": "别力古台镇", "state": STARTED, "deadline": D(2023, 9, 30)},
    "理论学习形式单一": {"unit": "别力古台镇", "state": STARTED, "deadline": D(2023, 12, 31)},
    "党员教育管理松散": {"unit": "别力古台镇", "state": STARTED, "deadline": D(2023, 10, 31)},
}

CASES = [
    ("abag-banner-2023-06-15.xlsx", "阿巴嘎旗", ABAG, 3),
    ("xilingol-league-2023-06-20.xls", "锡林郭勒盟", LEAGUE, 0),
    ("sunid-left-banner-2023-06-16.ods", "苏尼特左旗", SUNID_ODS, 0),
    ("sunid-left-banner-2023-06-18-gb18030.csv", "苏尼特左旗", SUNID_CSV, 0),
    ("beiligutai-town-2023-06-30.xlsx", "别力古台镇", TOWN, 0),
    ("beiligutai-town-2023-06-30.xls", "别力古台镇", TOWN, 0),
]


@pytest.mark.parametrize(("filename", "root", "expected", "registered"), CASES)
def test_an_office_ledger_imports_whole_on_the_first_try(
    make_user, campaign, roster, filename, root, expected, registered
):
    root = unit(root)
    clerk = make_user(Role.EDITOR, root)
    before, people = figures(root), Person.objects.count()
    result = import_ledger(clerk, root, campaign, filename)
    assert not result.errors, [e.as_dict() for e in result.errors]
    assert result.committed and result.created == len(expected)
    problems = {p.title: p for p in Problem.objects.filter(campaign=campaign)}
    assert set(problems) == set(expected)
    for title, fields in expected.items():
        check(problems[title], fields)
    # Finished rows are close-out requests carrying the ledger's claim, with the ledger itself.
    for problem in problems.values():
        if problem.state == PENDING:
            closeout = problem.closeouts.get()
            assert closeout.state == CloseOutState.PENDING and "据台账" in closeout.summary
            assert problem.evidence.get().original_name == filename
    # The figures change by exactly what the sheet holds.
    after = figures(root)
    states = [fields["state"] for fields in expected.values()]
    for state in (OPEN, STARTED, PENDING):
        assert after[state] - before[state] == states.count(state)
    assert after["measures"] - before["measures"] == Measure.objects.count()
    assert Person.objects.count() - people == registered
    assert bool(registered) == any("新登记人员" in note for note in result.notes)


def test_an_overdue_row_shows_red(make_user, campaign, roster):
    root = unit("阿巴嘎旗")
    import_ledger(make_user(Role.EDITOR, root), root, campaign, "abag-banner-2023-06-15.xlsx")
    assert Problem.objects.get(title="调研走过场、重形式").light == "red"


def test_a_preview_writes_nothing_and_counts_what_would_be_written(make_user, campaign, roster):
    root = unit("阿巴嘎旗")
    clerk = make_user(Role.EDITOR, root)
    before = (Problem.objects.count(), Person.objects.count(), AuditEntry.objects.count())
    result = import_ledger(clerk, root, campaign, "abag-banner-2023-06-15.xlsx", dry_run=True)
    assert result.dry_run and not result.committed and not result.errors
    assert result.created == 8 and result.ledger_date == D(2023, 6, 15)
    assert "新登记人员 3 名" in result.notes[0] and "张明（别力古台镇）" in result.notes[0]
    after = (Problem.objects.count(), Person.objects.count(), AuditEntry.objects.count())
    assert after == before


# -- sent again ---------------------------------------------------------------------------------


def _rewrite(tmp_path, changes) -> tuple[bytes, str]:
    """The banner's ledger as the office sends it the next week."""
    from shigan.problems.tests.ledgers import make_ledgers

    rows = [list(r) for r in make_ledgers.ABAG_ROWS]
    for index, column, value in changes:
        rows[index][column] = value
    path = tmp_path / "abag-banner-2023-06-22.xlsx"
    original = make_ledgers.ABAG_ROWS
    make_ledgers.ABAG_ROWS = rows
    try:
        make_ledgers.write_abag(path)
    finally:
        make_ledgers.ABAG_ROWS = original
    return path.read_bytes(), path.name


NEXT_WEEK = [
    (0, 8, "读书班已举办4期，完成90%"),  # progress changed
    (0, 4, "1. 制定年度学习计划\n2. 举办读书班\n3. 开展学习测试"),  # a new measure
    (4, 4, "完善干部考核办法\n建立考核结果通报制度"),  # a new measure
    (0, 9, "已完成"),  # three rows now finished
    (4, 9, "已完成"),
    (5, 9, "已完成"),
]


def test_a_ledger_sent_again_updates_exactly_what_changed(make_user, campaign, roster, tmp_path):
    root = unit("阿巴嘎旗")
    clerk = make_user(Role.EDITOR, root)
    import_ledger(clerk, root, campaign, "abag-banner-2023-06-15.xlsx")
    snapshot = {p.pk: (p.state, p.measures.count()) for p in Problem.objects.all()}
    data, name = _rewrite(tmp_path, NEXT_WEEK)
    result = LedgerImporter(actor=clerk, unit=root, campaign=campaign).run(data, name)
    assert not result.errors, [e.as_dict() for e in result.errors]
    assert (result.created, result.updated, result.unchanged) == (0, 3, 5)
    assert Problem.objects.count() == 8 and set(snapshot) == set(
        Problem.objects.values_list("pk", flat=True)
    )  # noqa: E501
    theory = Problem.objects.get(title="理论学习不够深入，学用脱节")
    assert theory.state == PENDING and theory.progress_percent == 90
    assert [m.text for m in theory.measures.order_by("pk")][-1] == "开展学习测试"
    assert set(theory.measures.values_list("state", flat=True)) == {MeasureState.DONE}
    rules = Problem.objects.get(title="制度执行不严格")
    assert rules.state == PENDING and rules.measures.count() == 2
    assert Problem.objects.get(title="重点项目推进缓慢").state == PENDING
    changed = {theory.pk, rules.pk, Problem.objects.get(title="重点项目推进缓慢").pk}
    for problem in Problem.objects.exclude(pk__in=changed):
        assert (problem.state, problem.measures.count()) == snapshot[problem.pk]
    # A third time: nothing added, nothing changed.
    counts = (Problem.objects.count(), Measure.objects.count(), CloseOut.objects.count())
    entries = AuditEntry.objects.count()
    again = LedgerImporter(actor=clerk, unit=root, campaign=campaign).run(data, name)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 8)
    assert (Problem.objects.count(), Measure.objects.count(), CloseOut.objects.count()) == counts
    assert AuditEntry.objects.count() == entries


def test_a_half_width_copy_of_a_title_is_the_same_problem(make_user, campaign, roster, tmp_path):
    root = unit("阿巴嘎旗")
    clerk = make_user(Role.EDITOR, root)
    import_ledger(clerk, root, campaign, "abag-banner-2023-06-15.xlsx")
    data, name = _rewrite(tmp_path, [(6, 1, "整改落实不到位 (第3批)")])
    result = LedgerImporter(actor=clerk, unit=root, campaign=campaign).run(data, name)
    assert result.created == 0 and Problem.objects.count() == 8


# -- close-outs decided together ---------------------------------------------------------------


def test_a_reviewer_accepts_twenty_imported_closeouts_in_one_action(
    client, make_user, campaign, roster, tmp_path
):
    root = unit("阿巴嘎旗")
    clerk = make_user(Role.EDITOR, root)
    rows = [
        [n, f"第{n}个已整改问题", "作风建设", "检视查摆", "整改措施", "巴特尔", "", "2023-06-30",
         "已整改到位", "已完成"]
        for n in range(1, 21)
    ]  # fmt: skip
    data, name = _rewrite_rows(tmp_path, rows)
    result = LedgerImporter(actor=clerk, unit=root, campaign=campaign).run(data, name)
    assert result.created == 20 and not result.errors
    reviewer = make_user(Role.LEADER, unit("锡林郭勒盟"))
    pending = list(CloseOut.objects.filter(state=CloseOutState.PENDING))
    client.force_login(reviewer)
    inbox = client.get(reverse("problems:inbox")).content.decode()
    assert all(f'name="closeouts" value="{c.pk}"' in inbox for c in pending)
    response = client.post(
        reverse("problems:closeout_decide_many"),
        {
            "closeouts": [c.pk for c in pending],
            "decision": "accept",
            "decided_on": "2023-06-25",
            "reason": "同意",
        },
        follow=True,
    )
    assert "已审核 20 件销号申请：同意销号。" in response.content.decode()
    assert Problem.objects.filter(state=ProblemState.CLOSED).count() == 20
    accepted = AuditEntry.objects.filter(action="problems.closeout.accepted")
    assert sorted(accepted.values_list("target_id", flat=True)) == sorted(
        str(c.pk) for c in pending
    )


def _rewrite_rows(tmp_path, rows):
    from shigan.problems.tests.ledgers import make_ledgers

    original = make_ledgers.ABAG_ROWS
    make_ledgers.ABAG_ROWS = rows
    path = tmp_path / "abag-finished.xlsx"
    try:
        make_ledgers.write_abag(path)
    finally:
        make_ledgers.ABAG_ROWS = original
    return path.read_bytes(), path.name


# -- every way in: the command line and the pages ----------------------------------------------


def test_the_command_line_previews_then_imports(campaign, roster, capsys):
    from django.core.management import call_command

    path = LEDGERS / "sunid-left-banner-2023-06-18-gb18030.csv"
    where = "内蒙古自治区/锡林郭勒盟/苏尼特左旗"
    call_command("import", "problems", str(path), unit=where, campaign=campaign.pk, dry_run=True)
    out = capsys.readouterr().out
    assert "预检完成：新增 3 行" in out and Problem.objects.count() == 0
    call_command("import", "problems", str(path), unit="152523", campaign=campaign.pk)
    out = capsys.readouterr().out
    assert "导入 3 行" in out
    assert set(Problem.objects.values_list("title", flat=True)) == set(SUNID_CSV)


def test_the_command_line_names_every_bad_cell(campaign, roster, tmp_path, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    bad = tmp_path / "bad.csv"
    bad.write_text("问题,整改时限,完成情况\n甲问题,明年,差不多\n", encoding="gb18030")
    with pytest.raises(CommandError):
        call_command("import", "problems", str(bad), unit="152523", campaign=campaign.pk)
    out = capsys.readouterr().out
    assert "第 2 行 B列（整改时限）：明年" in out and "第 2 行 C列（完成情况）：差不多" in out
    assert Problem.objects.count() == 0


def test_the_page_previews_lists_errors_and_confirms(client, make_user, campaign, roster):
    root = unit("苏尼特左旗")
    client.force_login(make_user(Role.EDITOR, root))
    url = reverse("problems:import", args=[root.pk]) + f"?campaign={campaign.pk}"
    form = client.get(url).content.decode()
    assert "先预检" in form and "台账日期" in form and "按台账直接销号（已审核）" in form
    path = LEDGERS / "sunid-left-banner-2023-06-18-gb18030.csv"
    with path.open("rb") as handle:
        response = client.post(url, {"file": handle, "mode": "all", "preview": "on"}, follow=True)
    page = response.content.decode()
    assert "预检完成：新增 3 行" in page and "确认导入" in page
    assert Problem.objects.count() == 0
    preview = response.context["job"]
    response = client.post(reverse("core:job_confirm", args=[preview.pk]), follow=True)
    assert "导入 3 行" in response.content.decode()
    assert Problem.objects.count() == 3
    # Confirmed once only.
    again = client.post(reverse("core:job_confirm", args=[preview.pk]), follow=True)
    assert "该预检已确认导入" in again.content.decode() and Problem.objects.count() == 3


def test_a_bad_file_shows_every_error_on_the_page_in_one_round(
    client, make_user, campaign, roster, tmp_path
):
    root = unit("苏尼特左旗")
    client.force_login(make_user(Role.EDITOR, root))
    url = reverse("problems:import", args=[root.pk]) + f"?campaign={campaign.pk}"
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "问题,方面,整改时限,完成情况\n甲问题,不存在的方面,2023-06-30,已完成\n乙问题,,明年,差不多\n",
        encoding="utf-8",
    )
    with bad.open("rb") as handle:
        page = client.post(url, {"file": handle, "mode": "all"}, follow=True).content.decode()
    for cell in ("B 方面", "C 整改时限", "D 完成情况", "不存在的方面", "明年", "差不多"):
        assert cell in page, cell
    assert "整个文件未导入" in page and Problem.objects.count() == 0


def test_a_formula_in_a_text_cell_is_refused(make_user, campaign, roster, tmp_path):
    import xlsxwriter

    path = tmp_path / "formula.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["序号", "问题", "整改措施"])
    sheet.write_row(1, 0, [1, "甲问题", "措施一"])
    sheet.write_formula(2, 0, "=A2+1", None, 2)
    sheet.write_formula(2, 1, '="乙"&"问题"', None, "乙问题")
    sheet.write(2, 2, "措施二")
    book.close()
    root = unit("苏尼特左旗")
    importer = LedgerImporter(actor=make_user(Role.EDITOR, root), unit=root, campaign=campaign)
    result = importer.run(path.read_bytes(), path.name)
    assert [(e.row, e.letter, e.column) for e in result.errors] == [(3, "B", "问题")]
    assert "选择性粘贴为数值" in result.errors[0].message
    assert Problem.objects.count() == 0


def test_two_people_of_one_name_as_near_as_each_other_is_an_error(
    make_user, campaign, roster, tmp_path
):
    root = unit("阿巴嘎旗")
    for town in ("别力古台镇", "查干淖尔镇"):
        person_create(
            actor=system_actor("test"),
            unit=unit(town, under="阿巴嘎旗"),
            name="乌力吉",
            rank="other",
        )
    path = tmp_path / "tie.csv"
    path.write_text("问题,责任领导\n甲问题,乌力吉\n乙问题,乌力吉（查干淖尔镇）\n", encoding="utf-8")
    result = LedgerImporter(actor=make_user(Role.EDITOR, root), unit=root, campaign=campaign).run(
        path.read_bytes(), path.name
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "责任领导")]
    assert "乌力吉（别力古台镇）" in result.errors[0].message
    assert "乌力吉（查干淖尔镇）" in result.errors[0].message


def test_the_api_previews_then_imports(client, make_user, campaign, roster, units):
    root = unit("苏尼特左旗")
    client.force_login(make_user(Role.EDITOR, root))
    path = LEDGERS / "sunid-left-banner-2023-06-18-gb18030.csv"
    url = f"/api/problems/ledgers/{root.pk}/import/?campaign={campaign.pk}"
    with path.open("rb") as handle:
        started = client.post(url, {"file": handle})
    assert started.status_code == 202, started.content
    job = client.get(f"/api/jobs/{started.json()['id']}/").json()
    assert job["state"] == "done" and job["summary"]["dry_run"] is True
    assert job["summary"]["created"] == 3 and Problem.objects.count() == 0
    confirmed = client.post(f"/api/jobs/{job['id']}/confirm/")
    assert confirmed.status_code == 202 and confirmed.json()["summary"]["created"] == 3
    assert set(Problem.objects.values_list("title", flat=True)) == set(SUNID_CSV)
    # Another banner is out of scope; a file that is not a sheet names the field.
    with path.open("rb") as handle:
        outside = client.post(f"/api/problems/ledgers/{units['own'].pk}/import/", {"file": handle})
    assert outside.status_code == 404
    fake = io.BytesIO(b"MZ\x90\x00 not a sheet")
    fake.name = "ledger.xlsx"
    refused = client.post(url, {"file": fake})
    assert refused.status_code == 400 and refused.json()["field"] == "file"


def test_a_reviewer_may_record_the_ledger_close_outs_as_decided(make_user, campaign, roster):
    """按台账直接销号（已审核）: a league leader's own ledger closes its finished rows, with the
    ledger as evidence; a clerk without review rights is refused, row by row, and nothing is
    written."""
    root = unit("阿巴嘎旗")
    clerk = make_user(Role.EDITOR, root)
    refused = import_ledger(clerk, root, campaign, "abag-banner-2023-06-15.xlsx", closeout="accept")
    assert not refused.committed and Problem.objects.count() == 0
    assert {e.row for e in refused.errors} == {6, 7, 11}
    assert all("没有审核权限" in e.message for e in refused.errors)
    leader = make_user(Role.LEADER, unit("锡林郭勒盟"))
    result = import_ledger(leader, root, campaign, "abag-banner-2023-06-15.xlsx", closeout="accept")
    assert result.committed and not result.errors
    closed = Problem.objects.filter(state=ProblemState.CLOSED)
    assert set(closed.values_list("title", flat=True)) == {
        "基层报表多、负担重", "窗口服务态度生硬", "会议多、文件多"
    }  # fmt: skip
    for problem in closed:
        closeout = problem.closeouts.get()
        assert closeout.state == CloseOutState.ACCEPTED and closeout.decided_by == leader
        assert problem.evidence.get().original_name == "abag-banner-2023-06-15.xlsx"
        assert AuditEntry.objects.filter(
            action="problems.closeout.accepted", target_id=str(closeout.pk)
        ).exists()
    assert metric_value("problems.closed", unit=root, user=system_actor("test")) == 3


def test_a_moved_deadline_is_asked_for_as_an_extension(make_user, campaign, roster, tmp_path):
    """The deadline moves only by an approved extension: a ledger that moves it asks for one
    (once), for the reviewer above."""
    from shigan.problems.models import DeadlineExtension

    root = unit("阿巴嘎旗")
    clerk = make_user(Role.EDITOR, root)
    import_ledger(clerk, root, campaign, "abag-banner-2023-06-15.xlsx")
    data, name = _rewrite(tmp_path, [(0, 7, "2023年8月31日")])
    result = LedgerImporter(actor=clerk, unit=root, campaign=campaign).run(data, name)
    assert not result.errors and (result.created, result.updated) == (0, 1)
    theory = Problem.objects.get(title="理论学习不够深入，学用脱节")
    assert theory.deadline == D(2023, 6, 30)  # not moved by the sheet itself
    extension = DeadlineExtension.objects.get(problem=theory)
    assert extension.new_deadline == D(2023, 8, 31) and "据台账" in extension.reason
    again = LedgerImporter(actor=clerk, unit=root, campaign=campaign).run(data, name)
    assert (again.updated, again.unchanged) == (0, 8)
    assert DeadlineExtension.objects.filter(problem=theory).count() == 1


def test_the_township_ledgers_completion_dates_are_kept(make_user, campaign, roster):
    # Its 完成时间 (under 整改情况, beside 是否完成): the finished problem's measures were done
    # on 2023/6/28, two days before the ledger's date, and it was found by then.
    root = unit("别力古台镇")
    result = import_ledger(
        make_user(Role.EDITOR, root), root, campaign, "beiligutai-town-2023-06-30.xlsx"
    )
    assert result.errors == [] and result.created == 4 and result.notes == []
    done = Problem.objects.get(title="村级活动场所管理不规范")
    assert {m.done_on for m in done.measures.all()} == {D(2023, 6, 28)}
    assert done.found_on == D(2023, 6, 28)
