"""Pages of the problem ledger: the permission matrix (role × place × action → status), 404s
outside the scope, the record form, filters, bulk actions, the reviewer inbox, evidence
download, import and export through the pages, and the ledger's pinned query count."""

import datetime
import io
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from shigan.accounts.system import system_actor
from shigan.campaigns import services as campaigns
from shigan.core.spreadsheets.reading import read_rows
from shigan.orgs.choices import PersonRank, Role
from shigan.orgs.services import person_create
from shigan.problems import services
from shigan.problems.choices import CloseOutState, Light, ProblemState, ProblemTerm
from shigan.problems.models import Problem
from shigan.problems.tests.conftest import pdf

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def group(campaign, units):
    group = campaigns.guidance_group_create(
        actor=system_actor("test"), campaign=campaign, name="第一指导组"
    )
    campaigns.guidance_group_assign(
        actor=system_actor("test"), group=group, units=[units["parent"]]
    )
    return group


@pytest.fixture
def actors(units, make_user, editor, reviewer, group, campaign):
    guide = make_user(username="guide")
    campaigns.guidance_group_add_member(actor=system_actor("test"), group=group, user=guide)
    other = campaigns.guidance_group_create(
        actor=system_actor("test"), campaign=campaign, name="第二指导组"
    )
    campaigns.guidance_group_assign(
        actor=system_actor("test"), group=other, units=[units["unrelated"]]
    )
    outsider = make_user(username="outsider_guide")
    campaigns.guidance_group_add_member(actor=system_actor("test"), group=other, user=outsider)
    return {
        "editor": editor,
        "viewer": make_user(Role.VIEWER, units["own"]),
        "own_leader": make_user(Role.LEADER, units["own"]),
        "league_leader": reviewer,
        "sibling_editor": make_user(Role.EDITOR, units["sibling"]),
        "guide": guide,
        "outsider_guide": outsider,
    }


def _status(client, user, url, method="get", data=None):
    client.force_login(user)
    return getattr(client, method)(url, data or {}).status_code


@pytest.mark.parametrize(
    ("who", "ledger", "detail", "create", "report", "evidence", "decide"),
    [
        ("editor", 200, 200, 200, 200, 200, 404),
        ("viewer", 200, 200, 403, 403, 200, 404),
        ("own_leader", 200, 200, 200, 200, 200, 403),  # a unit never closes its own problems
        ("league_leader", 200, 200, 200, 200, 200, 302),
        ("sibling_editor", 404, 404, 404, 404, 404, 404),
        ("guide", 200, 200, 403, 403, 200, 302),
        ("outsider_guide", 404, 404, 404, 404, 404, 404),
    ],
)
def test_permission_matrix(
    client, actors, submitted, units, who, ledger, detail, create, report, evidence, decide
):
    user = actors[who]
    problem = submitted.problem
    own = units["own"]
    file = problem.evidence.get()
    assert _status(client, user, reverse("problems:ledger", args=[own.pk])) == ledger
    assert _status(client, user, problem.get_absolute_url()) == detail
    assert _status(client, user, reverse("problems:create", args=[own.pk])) == create
    assert _status(client, user, reverse("problems:report_create", args=[problem.pk])) == report
    assert _status(client, user, reverse("problems:evidence", args=[file.pk])) == evidence
    url = reverse("problems:closeout_decide", args=[submitted.pk])
    data = {"decision": "accept", "decided_on": "2023-06-02"}
    assert _status(client, user, url, "post", data) == decide
    submitted.refresh_from_db()
    expected = CloseOutState.ACCEPTED if decide == 302 else CloseOutState.PENDING
    assert submitted.state == expected


def test_evidence_of_another_banner_is_a_404_and_is_served_in_scope(client, submitted, units):
    from shigan.problems.models import Evidence

    evidence = Evidence.objects.get()
    url = reverse("problems:evidence", args=[evidence.pk])
    client.force_login(submitted.submitted_by)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    # The file is not under any public URL: the private directory is outside STATIC/MEDIA.
    assert "/private/" in evidence.file.path


def test_record_form_defaults_and_one_pass_entry(client, editor, units, campaign, aspect, calendar):
    lead = person_create(
        actor=system_actor("test"), unit=units["own"], name="巴特尔", rank=PersonRank.COUNTY
    )
    url = reverse("problems:create", args=[units["own"].pk])
    client.force_login(editor)
    page = client.get(url).content.decode()
    assert re.search(r'<input[^>]*name="title"[^>]*autofocus', page)
    today = datetime.date.today().isoformat()
    assert f'name="found_on" value="{today}"' in page
    assert re.search(r'<option value="time_bound" selected>', page)
    assert re.search(rf'<option value="{units["own"].pk}" selected>', page)
    assert re.search(r'<option value="self_inspection" selected>', page)
    assert aspect.name in page  # the latest campaign's problem aspects are offered

    response = client.post(
        url,
        {
            "title": "会议多、文件多",
            "measure": "精简会议文件，每月通报",
            "source": "self_inspection",
            "aspect": aspect.pk,
            "term": "time_bound",
            "deadline": "2023-07-31",
            "responsible": lead.pk,
            "unit": units["own"].pk,
            "found_on": "2023-05-08",
        },
    )
    problem = Problem.objects.get(title="会议多、文件多")
    assert response.status_code == 302 and response["Location"] == problem.get_absolute_url()
    assert problem.campaign == campaign and problem.responsible == lead
    assert problem.measures.get().text == "精简会议文件，每月通报"
    assert problem.state == ProblemState.IN_PROGRESS
    # "保存并继续登记" comes back to a fresh form.
    response = client.post(
        url,
        {
            "title": "第二个问题",
            "source": "self_inspection",
            "term": "time_bound",
            "deadline_workdays": "10",
            "unit": units["child"].pk,
            "found_on": "2023-09-28",
            "next": "another",
        },
    )
    assert response.status_code == 302 and response["Location"].startswith(url)
    second = Problem.objects.get(title="第二个问题")
    # 10 working days from 2023-09-28: the National Day week (9-29 … 10-6) is off, the
    # weekend 10-7/10-8 is worked (调休).
    assert second.unit == units["child"] and second.deadline == D(2023, 10, 18)


def test_record_form_shows_service_refusals_on_the_field(client, editor, units, campaign):
    client.force_login(editor)
    response = client.post(
        reverse("problems:create", args=[units["own"].pk]),
        {
            "title": "时限填了两种",
            "source": "self_inspection",
            "term": "time_bound",
            "deadline": "2023-06-01",
            "deadline_workdays": "10",
            "unit": units["own"].pk,
            "found_on": "2023-05-08",
        },
    )
    assert response.status_code == 400
    assert "整改时限请填写日期或工作日天数，不要同时填写。" in response.content.decode()
    assert not Problem.objects.filter(title="时限填了两种").exists()


def _problem(editor, unit, campaign, title, **kwargs):
    kwargs.setdefault("found_on", D(2023, 5, 4))
    kwargs.setdefault("source", "self_inspection")
    return services.problem_create(
        actor=editor, unit=unit, campaign=campaign, title=title, **kwargs
    )


@pytest.fixture
def ledger(units, campaign, aspect, editor, calendar):
    """Problems of the banner, its township and the sibling banner, with different lights."""
    far = datetime.date.today() + datetime.timedelta(days=120)
    return {
        "late": _problem(editor, units["own"], campaign, "逾期问题", deadline=D(2023, 6, 30)),
        "ok": _problem(editor, units["child"], campaign, "绿灯问题", aspect=aspect, deadline=far),
        "petition": _problem(
            editor, units["grandchild"], campaign, "信访问题", source="petition", deadline=far
        ),
        "other": _problem(
            system_actor("test"), units["sibling"], campaign, "旁旗问题", deadline=far
        ),
    }


def _titles(client, url, **params):
    page = client.get(url, params).content.decode()
    return {t for t in ("逾期问题", "绿灯问题", "信访问题", "旁旗问题") if t in page}


def test_ledger_filters(client, editor, units, ledger, aspect):
    client.force_login(editor)
    url = reverse("problems:ledger", args=[units["own"].pk])
    assert Problem.objects.get(title="逾期问题").light == Light.RED
    assert _titles(client, url) == {"逾期问题", "绿灯问题", "信访问题"}
    assert _titles(client, url, light="red") == {"逾期问题"}
    assert _titles(client, url, light="green") == {"绿灯问题", "信访问题"}
    assert _titles(client, url, source="petition") == {"信访问题"}
    assert _titles(client, url, aspect=aspect.pk) == {"绿灯问题"}
    assert _titles(client, url, state="open") == {"逾期问题", "绿灯问题", "信访问题"}
    assert _titles(client, url, deadline_to="2023-12-31") == {"逾期问题"}
    assert _titles(client, url, deadline_from="2024-01-01") == {"绿灯问题", "信访问题"}
    assert _titles(client, url, own_only="on") == {"逾期问题"}
    child_url = reverse("problems:ledger", args=[units["child"].pk])
    assert _titles(client, child_url) == {"绿灯问题", "信访问题"}
    page = client.get(url).content.decode()
    assert "红灯 1 个 · 黄灯 0 个 · 绿灯 2 个" in page
    assert 'class="light light-red"' in page and "红灯</span>" in page


def test_ledger_rows_escape_what_people_typed(client, editor, units, campaign, calendar):
    client.force_login(editor)
    _problem(editor, units["own"], campaign, "<script>alert(\"x\")</script> & '引号'")
    page = client.get(reverse("problems:ledger", args=[units["own"].pk])).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;引号&#x27;" in page


def test_ledger_query_count_is_pinned(
    client, editor, units, campaign, calendar, django_assert_max_num_queries
):
    client.force_login(editor)
    url = reverse("problems:ledger", args=[units["own"].pk])
    for i in range(5):
        _problem(editor, units["own"], campaign, f"问题{i}", deadline=D(2023, 6, 30))
    client.get(url)  # warm the per-user caches of the session
    cache.clear()  # draw the page, not serve it from the cache (test_ledger_cache.py)
    # 11: the session and the user, the unit's data versions, the scope (memberships and
    # guidance groups, every action at once), the unit, its breadcrumbs, the campaigns, aspects
    # and special programs of the filters, the counts by state and light (also the pager's
    # total) and the 50 rows; the session is not saved (shigan.accounts.idle).
    with django_assert_max_num_queries(11) as few:
        client.get(url)
    for i in range(5, 60):
        _problem(editor, units["child"], campaign, f"问题{i}", deadline=D(2023, 6, 30))
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count('name="ids"') == 50  # 50 rows a page
    assert "第 1 / 2 页" in page


def test_bulk_assign_special_program_asks_first_and_stays_in_scope(
    client, editor, units, campaign, ledger
):
    program = services.special_program_create(
        actor=system_actor("test"),
        campaign=campaign,
        name="整治形式主义专项",
        lead_unit=units["parent"],
    )
    url = reverse("problems:bulk", args=[units["own"].pk])
    ids = [ledger["late"].pk, ledger["ok"].pk, ledger["other"].pk]  # "other": sibling banner
    client.force_login(editor)
    confirm = client.post(url, {"action": "assign_program", "program": program.pk, "ids": ids})
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "逾期问题" in page and "绿灯问题" in page and "旁旗问题" not in page
    assert not Problem.objects.filter(special_program=program).exists()
    done = client.post(
        url, {"action": "assign_program", "program": program.pk, "ids": ids, "confirmed": "1"}
    )
    assert done.status_code == 302
    assert set(Problem.objects.filter(special_program=program).values_list("title", flat=True)) == {
        "逾期问题",
        "绿灯问题",
    }
    viewer_url = reverse("problems:bulk", args=[units["own"].pk])
    client.force_login(make_viewer(units))
    assert client.post(viewer_url, {"action": "assign_program", "ids": ids}).status_code == 403


def make_viewer(units):
    from shigan.accounts.services import user_create
    from shigan.orgs.services import membership_grant

    user = user_create(
        actor=system_actor("test"), username="bulk_viewer", password="correct-horse-battery-1"
    )
    membership_grant(actor=system_actor("test"), user=user, unit=units["own"], role=Role.VIEWER)
    return user


def test_problem_page_shows_measures_progress_evidence_and_full_history(client, editor, started):
    services.progress_report_add(
        actor=editor,
        problem=started,
        text="已完成台账建设",
        percent=80,
        reported_on=D(2023, 5, 20),
        files=[pdf("台账照片.pdf")],
    )
    client.force_login(editor)
    page = client.get(started.get_absolute_url()).content.decode()
    assert "建立调研台账" in page and "已完成台账建设" in page and "台账照片.pdf" in page
    history = page[page.index('id="history"') :]
    for what in ("— → 待整改", "待整改 → 整改中", "登记问题", "登记整改措施", "上传佐证材料"):
        assert what in history, what


def test_reviewer_inbox_reject_then_accept(client, submitted, reviewer, editor):
    problem = submitted.problem
    client.force_login(editor)
    assert problem.title not in client.get(reverse("problems:inbox")).content.decode()
    client.force_login(reviewer)
    inbox = client.get(reverse("problems:inbox")).content.decode()
    assert problem.title in inbox and "佐证材料 1 份" in inbox
    url = reverse("problems:closeout_decide", args=[submitted.pk])
    refused = client.post(url, {"decision": "reject", "decided_on": "2023-06-02"}, follow=True)
    assert "退回销号申请时，请写明理由。" in refused.content.decode()
    client.post(
        url,
        {"decision": "reject", "reason": "佐证不足", "decided_on": "2023-06-02", "next": "inbox"},
    )
    problem.refresh_from_db()
    assert problem.state == ProblemState.REOPENED
    assert problem.title not in client.get(reverse("problems:inbox")).content.decode()

    client.force_login(editor)
    client.post(
        reverse("problems:closeout_submit", args=[problem.pk]),
        {"summary": "补充了佐证", "submitted_on": "2023-06-05", "files": [pdf("补充.pdf")]},
    )
    problem.refresh_from_db()
    assert problem.state == ProblemState.PENDING_REVIEW
    second = problem.closeouts.get(state=CloseOutState.PENDING)
    client.force_login(reviewer)
    client.post(
        reverse("problems:closeout_decide", args=[second.pk]),
        {"decision": "accept", "decided_on": "2023-06-06"},
    )
    problem.refresh_from_db()
    assert problem.state == ProblemState.CLOSED and problem.light == ""
    # A second decision on the same close-out gets the clear message, changes nothing.
    again = client.post(
        reverse("problems:closeout_decide", args=[second.pk]),
        {"decision": "reject", "reason": "重复", "decided_on": "2023-06-07"},
        follow=True,
    )
    assert "无需重复审核" in again.content.decode()
    second.refresh_from_db()
    assert second.state == CloseOutState.ACCEPTED


def test_closeout_without_evidence_is_refused_on_the_form(client, editor, started):
    client.force_login(editor)
    response = client.post(
        reverse("problems:closeout_submit", args=[started.pk]),
        {"summary": "已整改", "submitted_on": "2023-06-01"},
    )
    assert response.status_code == 400
    assert "申请销号须提供佐证材料" in response.content.decode()
    started.refresh_from_db()
    assert started.state == ProblemState.IN_PROGRESS


def test_forged_upload_is_refused_with_its_name(client, editor, started):
    client.force_login(editor)
    from django.core.files.uploadedfile import SimpleUploadedFile

    forged = SimpleUploadedFile(
        "报告.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "application/pdf"
    )
    response = client.post(
        reverse("problems:evidence_create", args=[started.pk]), {"files": [forged]}
    )
    assert response.status_code == 400
    assert "报告.pdf" in response.content.decode()
    assert not started.evidence.exists()


def test_extension_request_and_decision_through_the_pages(
    client, editor, reviewer, units, campaign, calendar
):
    problem = _problem(editor, units["own"], campaign, "需延期的问题", deadline=D(2023, 6, 30))
    client.force_login(editor)
    client.post(
        reverse("problems:extension_request", args=[problem.pk]),
        {"new_deadline": "2023-08-31", "reason": "涉及资金拨付", "requested_on": "2023-06-20"},
    )
    extension = problem.extensions.get()
    client.force_login(reviewer)
    assert "需延期的问题" in client.get(reverse("problems:inbox")).content.decode()
    client.post(
        reverse("problems:extension_decide", args=[extension.pk]),
        {"decision": "approve", "decided_on": "2023-06-21"},
    )
    problem.refresh_from_db()
    assert problem.deadline == D(2023, 8, 31)


def test_the_inbox_pages_its_extension_requests_apart_from_its_close_outs(
    client, editor, reviewer, units, campaign, calendar, monkeypatch
):
    """More extension requests than a page: none is left out of the reviewer's inbox (it used
    to list the first 50 without a word), and their pages turn without the close-outs' page."""
    from shigan.core import pagination

    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    for n in range(3):
        problem = _problem(
            editor, units["own"], campaign, f"需延期的问题{n}", deadline=D(2023, 6, 30)
        )
        services.extension_request(
            actor=editor,
            problem=problem,
            new_deadline=D(2023, 8, 31),
            reason="涉及资金拨付",
            requested_on=D(2023, 6, 20),
        )
    client.force_login(reviewer)
    url = reverse("problems:inbox")
    first = client.get(url, {"page": "1"}).content.decode()
    assert "?page=1&amp;extensions_page=2#extensions" in first
    second = client.get(url, {"page": "1", "extensions_page": "2"}).content.decode()
    shown = [[f"需延期的问题{n}" in body for n in range(3)] for body in (first, second)]
    assert [sum(page) for page in shown] == [2, 1]
    assert all(a != b for a, b in zip(*shown, strict=True))


def test_measure_complete_button(client, editor, started):
    measure = started.measures.get()
    client.force_login(editor)
    client.post(reverse("problems:measure_complete", args=[measure.pk]), {"done_on": "2023-05-20"})
    measure.refresh_from_db()
    assert measure.state == "done" and measure.done_on == D(2023, 5, 20)


def test_home_link_opens_the_ledger_of_the_scope(client, editor, units, make_user):
    client.force_login(editor)
    response = client.get(reverse("problems:home"))
    assert response["Location"] == reverse("problems:ledger", args=[units["own"].pk])
    assert "问题整改" in client.get(reverse("core:home")).content.decode()
    client.force_login(make_user(username="nobody"))
    assert client.get(reverse("problems:home")).status_code == 200


def test_import_and_export_through_the_pages(client, editor, units, campaign, calendar):
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["序号", "问题", "整改措施", "整改时限", "完成情况"])
    sheet.write_row(1, 0, [1, "台账问题", "1. 甲\n2. 乙", "2030年6月底", "未完成"])
    book.close()
    buffer.seek(0)
    buffer.name = "台账.xlsx"
    client.force_login(editor)
    url = reverse("problems:import", args=[units["own"].pk])
    response = client.post(url, {"file": buffer, "mode": "all"})
    assert response.status_code == 302  # to the job page
    problem = Problem.objects.get(title="台账问题")
    assert problem.measures.count() == 2 and problem.deadline == D(2030, 6, 30)
    assert problem.term == ProblemTerm.TIME_BOUND and problem.campaign == campaign

    response = client.get(reverse("problems:export", args=[units["own"].pk, "xlsx"]))
    rows = read_rows(response.content, "x.xlsx")
    assert rows[0][:5] == ["序号", "问题", "方面", "来源", "整改措施"]
    assert rows[1][1] == "台账问题" and rows[1][4] == "1. 甲\n2. 乙"
    client.force_login(make_viewer(units))
    assert client.get(url).status_code == 403


def test_workspace_tab_shows_linked_figures(rf, editor, units, campaign, problem):
    from django.template import engines

    template = engines["django"].from_string('{% include "problems/_workspace_tab.html" %}')
    request = rf.get("/")
    request.user = editor
    context = {"unit": units["own"], "campaign": campaign, "as_of": None, "request": request}
    html = template.render(context)
    found = f"/metrics/problems.found/records/?unit={units['own'].pk}&amp;campaign={campaign.pk}"
    assert f'<a class="figure" href="{found}">1</a>' in html
    assert reverse("problems:ledger", args=[units["own"].pk]) in html
