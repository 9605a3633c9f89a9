"""Issue 14, build points 4 (partly) and 6: the close-out card counts and lists all evidence of
the problem, buttons and messages name the action and the decision, and pages show objects and
people by their names: no "3067: 待审核", no action codes, no "---------"."""

import datetime
import re

import pytest
from django.urls import reverse

from shigan.problems import services
from shigan.problems.tests.conftest import pdf, unfinished

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def with_progress_evidence(started, editor):
    """Two files of the problem before its close-out: one of a progress report, one of its own."""
    services.progress_report_add(
        actor=editor,
        problem=started,
        text="台账建立一半",
        percent=50,
        reported_on=D(2023, 5, 20),
        files=[pdf("进展照片.pdf")],
    )
    services.evidence_add(actor=editor, problem=started, file=pdf("调研台账.pdf"))
    return started


def test_closeout_card_counts_and_lists_all_evidence(
    client, with_progress_evidence, editor, reviewer
):
    services.closeout_submit(
        actor=editor,
        problem=with_progress_evidence,
        finish=unfinished(with_progress_evidence),
        summary="已建立台账并完成整改",
        submitted_on=D(2023, 6, 1),
        files=[pdf("整改报告.pdf")],
    )
    client.force_login(reviewer)
    page = client.get(reverse("problems:inbox")).content.decode()
    card = page[page.index(f'id="closeout-{with_progress_evidence.closeouts.get().pk}"') :]
    assert "佐证材料 3 份" in card and "整改进展 1 次" in card and "完成 1/1" in card
    for name in ("进展照片.pdf", "调研台账.pdf", "整改报告.pdf"):
        assert name in card
    assert "整改进展（2023-05-20）" in card and "销号申请" in card


def test_closeout_submit_button_names_the_action(client, started, editor):
    client.force_login(editor)
    page = client.get(reverse("problems:closeout_submit", args=[started.pk])).content.decode()
    assert re.search(r'<button type="submit" class="primary">提交销号申请</button>', page)


def test_decision_message_names_the_decision(client, submitted, reviewer):
    client.force_login(reviewer)
    url = reverse("problems:closeout_decide", args=[submitted.pk])
    page = client.post(url, {"decision": "accept", "decided_on": "2023-06-02"}, follow=True)
    assert "已同意销号。" in page.content.decode()


def test_history_and_audit_name_objects_and_people(client, submitted, units, make_user):
    problem = submitted.problem
    reviewer = make_user("leader", units["parent"], full_name="锡盟审核人")
    client.force_login(reviewer)
    services.closeout_decide(
        actor=reviewer, closeout=submitted, accept=True, decided_on=D(2023, 6, 2), reason=""
    )
    history = client.get(problem.get_absolute_url()).content.decode()
    history = history[history.index('id="history"') :]
    assert f"{problem.pk}: " not in history and "同意销号" in history

    client.force_login(make_user(system_role="auditor", full_name="审计员甲"))
    trail = client.get(reverse("audit:entry_list")).content.decode()
    rows = trail[trail.index("<tbody>") :]
    assert f"{problem.pk}: " not in rows
    assert f"{problem.title} · 待审核" in rows  # the close-out by its problem's name
    assert f"{problem.title} · 同意销号" in rows
    assert "锡盟审核人" in rows and reviewer.username not in rows  # people by name
    assert "problems.closeout.submitted" not in rows  # the action in words, not its code
    assert "申请销号" in rows


def test_empty_choices_read_please_choose(client, units, editor):
    client.force_login(editor)
    page = client.get(reverse("problems:create", args=[units["own"].pk])).content.decode()
    assert "---------" not in page
    assert '<option value="" selected>请选择</option>' in page
