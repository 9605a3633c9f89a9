"""Issue 14: what waits for a reviewer is told (notices) and shown (待办 on the landing page),
and a close-out tells the truth about the problem's measures."""

import datetime
import re

import pytest
from django.urls import reverse

from shigan.accounts.system import system_actor
from shigan.campaigns import services as campaigns
from shigan.core.todo import todo_items
from shigan.notifications.models import Notification
from shigan.orgs.choices import Role
from shigan.problems import services
from shigan.problems.choices import MeasureState, ProblemState
from shigan.problems.models import Measure
from shigan.problems.tests.conftest import pdf, unfinished

D = datetime.date


@pytest.fixture
def region_leader(units, make_user):
    """Reviews everything below the region, but a banner's requests go to the league."""
    return make_user(Role.LEADER, units["region"])


@pytest.fixture
def guide(units, campaign, make_user):
    member = make_user()
    group = campaigns.guidance_group_create(
        actor=system_actor("test"), campaign=campaign, name="第一指导组"
    )
    campaigns.guidance_group_assign(actor=system_actor("test"), group=group, units=[units["own"]])
    campaigns.guidance_group_add_member(actor=system_actor("test"), group=group, user=member)
    return member


def _notices(user, kind):
    return list(Notification.objects.filter(user=user, kind=kind))


def _make(units, campaign, editor, title, measure="落实整改", deadline=None):
    problem = services.problem_create(
        actor=editor,
        unit=units["own"],
        campaign=campaign,
        title=title,
        source="self_inspection",
        found_on=D(2023, 5, 4),
        deadline=deadline,
        first_measure={"text": measure},
    )
    services.evidence_add(actor=editor, problem=problem, file=pdf())
    return problem


def test_a_closeout_notifies_its_reviewers_once_and_only_them(
    started, editor, reviewer, region_leader, guide, units, make_user
):
    bystander = make_user(Role.LEADER, units["sibling"])
    services.closeout_submit(
        actor=editor,
        problem=started,
        summary="已完成",
        submitted_on=D(2023, 6, 1),
        files=[pdf()],
        finish=unfinished(started),
    )
    for user in (reviewer, guide):  # the league above and the banner's guidance group
        [notice] = _notices(user, "problems.closeout.submitted")
        assert f"“{started.title}”" in notice.text and units["own"].name in notice.text
        assert not re.search(rf"\b{started.pk}\b", notice.text)  # named, not numbered
        assert notice.link == started.get_absolute_url()
    for user in (editor, region_leader, bystander):
        assert not _notices(user, "problems.closeout.submitted")


def test_a_ledger_submission_gives_each_reviewer_one_notice(
    units, campaign, editor, reviewer, guide
):
    problems = [_make(units, campaign, editor, f"台账问题{i}") for i in range(3)]
    services.closeout_bulk_submit(
        actor=editor,
        drafts=[
            services.CloseOutDraft(
                problem=p, summary="据台账", submitted_on=D(2023, 6, 1), other_reason="台账未标注"
            )
            for p in problems
        ],
    )
    for user in (reviewer, guide):
        [notice] = _notices(user, "problems.closeout.submitted")
        assert "3 件销号申请" in notice.text and notice.link == reverse("problems:inbox")
    assert not _notices(editor, "problems.closeout.submitted")


def test_an_extension_request_notifies_the_reviewers(started, editor, reviewer, region_leader):
    services.extension_request(
        actor=editor,
        problem=started,
        new_deadline=D(2023, 12, 31),
        reason="需协调",
        requested_on=D(2023, 6, 1),
    )
    [notice] = _notices(reviewer, "problems.extension.requested")
    assert started.title in notice.text and "2023-12-31" in notice.text
    assert not _notices(region_leader, "problems.extension.requested")


# -- a close-out tells the truth about measures -------------------------------------------------


def test_an_unfinished_measure_must_be_done_or_explained(started, editor):
    with pytest.raises(services.ProblemError) as exc:
        services.closeout_submit(
            actor=editor,
            problem=started,
            summary="已完成",
            submitted_on=D(2023, 6, 1),
            files=[pdf()],
        )
    assert exc.value.code == "measure_unfinished" and "“建立调研台账”" in exc.value.message
    started.refresh_from_db()
    assert started.state == ProblemState.IN_PROGRESS and not started.closeouts.exists()


def test_a_measure_left_open_carries_its_reason_to_the_reviewer_and_the_closed_problem(
    client, started, editor, reviewer
):
    measure = started.measures.get()
    closeout = services.closeout_submit(
        actor=editor,
        problem=started,
        summary="主体完成",
        submitted_on=D(2023, 6, 1),
        files=[pdf()],
        reasons={measure.pk: "长效机制待常委会审议"},
    )
    client.force_login(reviewer)
    inbox = client.get(reverse("problems:inbox")).content.decode()
    row = inbox[inbox.index(f'id="closeout-{closeout.pk}"') :]
    assert "完成 0/1" in row and "长效机制待常委会审议" in row
    services.closeout_decide(
        actor=reviewer, closeout=closeout, accept=True, decided_on=D(2023, 6, 2)
    )
    page = client.get(started.get_absolute_url()).content.decode()
    measures = page[page.index('id="measures"') : page.index('id="progress"')]
    assert "未完成" in measures and "未完成原因：长效机制待常委会审议" in measures


def test_the_form_marks_measures_done_or_names_the_one_left(client, started, editor):
    client.force_login(editor)
    url = reverse("problems:closeout_submit", args=[started.pk])
    measure = started.measures.get()
    form = client.get(url).content.decode()
    assert "建立调研台账" in form and f'name="reason_{measure.pk}"' in form
    data = {"summary": "已完成", "submitted_on": "2023-06-01", "files": [pdf()]}
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "整改措施“建立调研台账”尚未完成" in refused.content.decode()
    done = client.post(url, {**data, "files": [pdf()], "measures": [measure.pk]}, follow=True)
    assert "已提交销号申请" in done.content.decode()
    measure.refresh_from_db()
    assert measure.state == MeasureState.DONE and measure.done_on == D(2023, 6, 1)


def test_bulk_submission_shares_the_check(units, campaign, editor):
    problem = _make(units, campaign, editor, "批量问题")
    draft = services.CloseOutDraft(problem=problem, summary="完成", submitted_on=D(2023, 6, 1))
    with pytest.raises(services.ProblemBulkRejected) as exc:
        services.closeout_bulk_submit(actor=editor, drafts=[draft])
    assert exc.value.errors[0].code == "measure_unfinished"
    draft.other_reason = "台账未标注"
    services.closeout_bulk_submit(actor=editor, drafts=[draft])
    assert Measure.objects.get(problem=problem).open_reason == "台账未标注"


# -- 待办 ----------------------------------------------------------------------------------------


def _todo(client):
    """{label: (count, url)} as the landing page shows them."""
    page = client.get(reverse("core:home")).content.decode()
    section = page[page.index('id="todo"') : page.index("</section>", page.index('id="todo"'))]
    found = re.findall(
        r'<a href="([^"]+)"><span class="todo-label">([^<]+)</span> '
        r'<span class="todo-count">(\d+)</span>',
        section,
    )
    return {label: (int(count), url.replace("&amp;", "&")) for url, label, count in found}


def test_todo_counts_equal_the_rows_their_lists_show(
    client, units, campaign, editor, reviewer, calendar
):
    problems = [
        _make(units, campaign, editor, f"待审问题{i}", deadline=D(2023, 5, 31)) for i in range(3)
    ]
    for problem in problems[:2]:
        services.closeout_submit(
            actor=editor,
            problem=problem,
            summary="完成",
            submitted_on=D(2023, 6, 1),
            finish=unfinished(problem),
        )
    client.force_login(reviewer)
    todo = _todo(client)
    count, url = todo["待审核的销号申请"]
    inbox = client.get(url).content.decode()
    assert count == 2 == inbox.count('name="closeouts"')
    closeout = problems[0].closeouts.get()
    services.closeout_decide(
        actor=reviewer, closeout=closeout, accept=True, decided_on=D(2023, 6, 2)
    )
    assert _todo(client)["待审核的销号申请"][0] == 1

    client.force_login(editor)  # the banner's clerk: its red problems (the third is overdue)
    todo = _todo(client)
    assert "待审核的销号申请" not in todo
    count, url = todo["红灯问题（逾期或即将逾期）"]
    ledger = client.get(url).content.decode()
    # The one still waiting was submitted late (it keeps its red light) and the third is overdue.
    assert count == 2 == ledger.count('name="ids"')


def test_the_todo_registry_leaves_out_nothing_to_do(make_user, units):
    outsider = make_user(Role.VIEWER, units["unrelated"])
    assert todo_items(outsider) == []
