"""The rectification lifecycle: open → in_progress → pending_review → closed / reopened, with the
refusals the issue asks for. Each step leaves a transition row and an audit entry."""

import datetime

import pytest

from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry
from shigan.campaigns import services as campaigns
from shigan.core.errors import DomainError
from shigan.metrics.selectors import metric_value
from shigan.orgs.choices import Role
from shigan.problems import services
from shigan.problems.choices import CloseOutState, ExtensionState, ProblemState
from shigan.problems.models import CloseOut, DeadlineExtension, Problem, ProblemTransition
from shigan.problems.permissions import can_review
from shigan.problems.tests.conftest import pdf, unfinished

pytestmark = pytest.mark.django_db

D = datetime.date


def states(problem):
    return list(
        ProblemTransition.objects.filter(problem=problem)
        .order_by("pk")
        .values_list("from_state", "to_state")
    )


def audit_actions(target):
    return list(
        AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_full_lifecycle_reject_once_then_accept(problem, editor, reviewer, units):
    assert problem.state == ProblemState.OPEN
    services.measure_add(actor=editor, problem=problem, text="建立台账", added_on=D(2023, 5, 5))
    problem.refresh_from_db()
    assert problem.state == ProblemState.IN_PROGRESS
    services.progress_report_add(
        actor=editor,
        problem=problem,
        text="已完成一半",
        percent=50,
        reported_on=D(2023, 5, 20),
        files=[pdf()],
    )
    first = services.closeout_submit(
        actor=editor,
        problem=problem,
        finish=unfinished(problem),
        summary="整改完成",
        submitted_on=D(2023, 6, 1),
    )
    problem.refresh_from_db()
    assert problem.state == ProblemState.PENDING_REVIEW
    services.closeout_decide(
        actor=reviewer,
        closeout=first,
        accept=False,
        decided_on=D(2023, 6, 2),
        reason="佐证材料不足",
    )
    problem.refresh_from_db()
    first.refresh_from_db()
    assert problem.state == ProblemState.REOPENED
    assert first.state == CloseOutState.REJECTED and first.reason == "佐证材料不足"
    second = services.closeout_submit(
        actor=editor,
        problem=problem,
        finish=unfinished(problem),
        summary="已补充材料",
        submitted_on=D(2023, 6, 5),
        files=[pdf("补充材料.pdf")],
    )
    services.closeout_decide(actor=reviewer, closeout=second, accept=True, decided_on=D(2023, 6, 6))
    problem.refresh_from_db()
    assert problem.state == ProblemState.CLOSED and problem.light == ""
    assert states(problem) == [
        ("", "open"),
        ("open", "in_progress"),
        ("in_progress", "pending_review"),
        ("pending_review", "reopened"),
        ("reopened", "pending_review"),
        ("pending_review", "closed"),
    ]
    assert audit_actions(problem).count("problems.problem.state_changed") == 5
    assert audit_actions(first) == ["problems.closeout.submitted", "problems.closeout.rejected"]
    assert audit_actions(second) == ["problems.closeout.submitted", "problems.closeout.accepted"]
    # The figures follow, as of each day.
    closed = dict(unit=units["region"], campaign=problem.campaign)
    assert (
        metric_value("problems.closed", as_of=D(2023, 6, 5), **closed, user=system_actor("test"))
        == 0
    )
    assert (
        metric_value("problems.closed", as_of=D(2023, 6, 6), **closed, user=system_actor("test"))
        == 1
    )
    assert (
        metric_value("problems.found", state="reopened", **closed, user=system_actor("test")) == 0
    )


def test_closing_without_evidence_is_refused_and_changes_nothing(started, editor):
    with pytest.raises(DomainError) as exc:
        services.closeout_submit(
            actor=editor,
            problem=started,
            finish=unfinished(started),
            summary="整改完成",
            submitted_on=D(2023, 6, 1),
        )
    assert exc.value.code == "no_evidence"
    assert "佐证材料" in exc.value.message
    started.refresh_from_db()
    assert started.state == ProblemState.IN_PROGRESS
    assert not CloseOut.objects.exists()


def test_evidence_of_a_progress_report_is_enough(started, editor):
    services.progress_report_add(
        actor=editor,
        problem=started,
        text="完成",
        percent=100,
        reported_on=D(2023, 5, 30),
        files=[pdf()],
    )
    closeout = services.closeout_submit(
        actor=editor,
        problem=started,
        finish=unfinished(started),
        summary="整改完成",
        submitted_on=D(2023, 6, 1),
    )
    assert closeout.state == CloseOutState.PENDING


def test_a_problem_not_started_cannot_be_submitted(problem, editor):
    with pytest.raises(DomainError) as exc:
        services.closeout_submit(
            actor=editor,
            problem=problem,
            finish=unfinished(problem),
            summary="整改完成",
            submitted_on=D(2023, 6, 1),
            files=[pdf()],
        )
    assert exc.value.code == "not_started"


def test_a_second_closeout_while_one_is_pending_is_refused(submitted, editor):
    with pytest.raises(DomainError) as exc:
        services.closeout_submit(
            actor=editor,
            problem=submitted.problem,
            finish=unfinished(submitted.problem),
            summary="再次申请",
            submitted_on=D(2023, 6, 2),
            files=[pdf()],
        )
    assert exc.value.code == "already_pending"


@pytest.mark.parametrize(
    ("role", "where", "allowed"),
    [
        (Role.ADMIN, "own", False),  # the unit itself never closes its own problem
        (Role.LEADER, "own", False),
        (Role.EDITOR, "own", False),
        (Role.LEADER, "child", False),
        (Role.LEADER, "sibling", False),
        (Role.ADMIN, "unrelated", False),
        (Role.EDITOR, "parent", False),  # above, but editors do not review
        (Role.VIEWER, "parent", False),
        (Role.LEADER, "parent", True),
        (Role.ADMIN, "parent", True),
        (Role.LEADER, "region", True),  # any level above
    ],
)
def test_who_may_decide_a_closeout(submitted, units, make_user, role, where, allowed):
    user = make_user(role, units[where])
    assert can_review(user, submitted.problem) is allowed
    if allowed:
        services.closeout_decide(
            actor=user, closeout=submitted, accept=True, decided_on=D(2023, 6, 2)
        )
        submitted.refresh_from_db()
        assert submitted.state == CloseOutState.ACCEPTED
        return
    with pytest.raises(DomainError) as exc:
        services.closeout_decide(
            actor=user, closeout=submitted, accept=True, decided_on=D(2023, 6, 2)
        )
    assert exc.value.code == "not_reviewer"
    submitted.refresh_from_db()
    assert submitted.state == CloseOutState.PENDING
    assert Problem.objects.get(pk=submitted.problem_id).state == ProblemState.PENDING_REVIEW


@pytest.fixture
def group(campaign, units, make_user):
    group = campaigns.guidance_group_create(
        actor=system_actor("test"), campaign=campaign, name="第一巡回指导组"
    )
    return group


@pytest.mark.parametrize(
    ("assigned", "allowed"),
    [("own", True), ("parent", True), ("sibling", False), ("child", False)],
)
def test_guidance_group_reviews_its_assigned_units(
    submitted, group, units, make_user, assigned, allowed
):
    member = make_user()
    campaigns.guidance_group_add_member(actor=system_actor("test"), group=group, user=member)
    campaigns.guidance_group_assign(
        actor=system_actor("test"), group=group, units=[units[assigned]]
    )
    assert can_review(member, submitted.problem) is allowed
    if not allowed:
        with pytest.raises(DomainError) as exc:
            services.closeout_decide(
                actor=member, closeout=submitted, accept=True, decided_on=D(2023, 6, 2)
            )
        assert exc.value.code == "not_reviewer"
        return
    services.closeout_decide(
        actor=member, closeout=submitted, accept=False, decided_on=D(2023, 6, 2), reason="请补充"
    )
    assert Problem.objects.get(pk=submitted.problem_id).state == ProblemState.REOPENED


def test_a_reviewer_cannot_accept_a_closeout_they_submitted(started, units, make_user):
    league_leader = make_user(Role.LEADER, units["parent"])  # may record below, and review
    closeout = services.closeout_submit(
        actor=league_leader,
        problem=started,
        finish=unfinished(started),
        summary="代为申请",
        submitted_on=D(2023, 6, 1),
        files=[pdf()],
    )
    with pytest.raises(DomainError) as exc:
        services.closeout_decide(
            actor=league_leader, closeout=closeout, accept=True, decided_on=D(2023, 6, 2)
        )
    assert exc.value.code == "own_closeout"


def test_rejecting_needs_a_reason(submitted, reviewer):
    with pytest.raises(DomainError) as exc:
        services.closeout_decide(
            actor=reviewer, closeout=submitted, accept=False, decided_on=D(2023, 6, 2), reason=" "
        )
    assert exc.value.code == "reason_required" and exc.value.field == "reason"
    submitted.refresh_from_db()
    assert submitted.state == CloseOutState.PENDING


def test_a_decided_closeout_cannot_be_decided_again(submitted, reviewer, units, make_user):
    services.closeout_decide(
        actor=reviewer, closeout=submitted, accept=True, decided_on=D(2023, 6, 2)
    )
    other = make_user(Role.LEADER, units["region"])
    with pytest.raises(DomainError) as exc:
        services.closeout_decide(
            actor=other, closeout=submitted, accept=False, decided_on=D(2023, 6, 3), reason="不同意"
        )
    assert exc.value.code == "already_decided"
    assert reviewer.get_username() in exc.value.message and "同意销号" in exc.value.message
    assert Problem.objects.get(pk=submitted.problem_id).state == ProblemState.CLOSED


def test_closed_problem_takes_no_more_measures(submitted, reviewer, editor):
    services.closeout_decide(
        actor=reviewer, closeout=submitted, accept=True, decided_on=D(2023, 6, 2)
    )
    with pytest.raises(DomainError) as exc:
        services.measure_add(
            actor=editor, problem=submitted.problem, text="x", added_on=D(2023, 6, 3)
        )
    assert exc.value.code == "closed"


def test_long_term_problem_closes_a_stage_and_stays_on_the_ledger(
    units, campaign, editor, reviewer
):
    problem = services.problem_create(
        actor=editor,
        unit=units["own"],
        campaign=campaign,
        title="作风建设",
        source="self_inspection",
        found_on=D(2023, 5, 4),
        term="long_term",
        first_measure={"text": "建立长效机制"},
    )
    closeout = services.closeout_submit(
        actor=editor,
        problem=problem,
        finish=unfinished(problem),
        summary="阶段整改完成",
        submitted_on=D(2023, 6, 1),
        files=[pdf()],
    )
    with pytest.raises(DomainError) as exc:
        services.closeout_decide(
            actor=reviewer, closeout=closeout, accept=True, decided_on=D(2023, 6, 2)
        )
    assert exc.value.code == "next_checkpoint_required"
    services.closeout_decide(
        actor=reviewer,
        closeout=closeout,
        accept=True,
        decided_on=D(2023, 6, 2),
        next_checkpoint=D(2023, 12, 31),
    )
    problem.refresh_from_db()
    closeout.refresh_from_db()
    assert closeout.state == CloseOutState.ACCEPTED
    assert problem.state == ProblemState.IN_PROGRESS
    assert problem.next_checkpoint == D(2023, 12, 31)
    assert states(problem)[-1] == ("pending_review", "in_progress")
    assert metric_value("problems.closed", unit=units["own"], user=system_actor("test")) == 0
    assert (
        metric_value(
            "problems.found", unit=units["own"], state="in_progress", user=system_actor("test")
        )
        == 1
    )


def test_unit_may_propose_the_next_checkpoint_with_its_closeout(units, campaign, editor, reviewer):
    problem = services.problem_create(
        actor=editor,
        unit=units["own"],
        campaign=campaign,
        title="作风建设",
        source="self_inspection",
        found_on=D(2023, 5, 4),
        term="long_term",
        first_measure={"text": "建立长效机制"},
    )
    closeout = services.closeout_submit(
        actor=editor,
        problem=problem,
        finish=unfinished(problem),
        summary="阶段整改完成",
        submitted_on=D(2023, 6, 1),
        files=[pdf()],
        next_checkpoint=D(2023, 9, 30),
    )
    services.closeout_decide(
        actor=reviewer, closeout=closeout, accept=True, decided_on=D(2023, 6, 2)
    )
    problem.refresh_from_db()
    assert problem.state == ProblemState.IN_PROGRESS and problem.next_checkpoint == D(2023, 9, 30)


# -- deadline extensions ------------------------------------------------------------------------


@pytest.fixture
def with_deadline(units, campaign, editor):
    return services.problem_create(
        actor=editor,
        unit=units["own"],
        campaign=campaign,
        title="会议过多",
        source="self_inspection",
        found_on=D(2023, 5, 4),
        deadline=D(2023, 6, 30),
        first_measure={"text": "精简会议"},
    )


def test_extension_approved_above_moves_the_deadline_and_keeps_history(
    with_deadline, editor, reviewer
):
    request = services.extension_request(
        actor=editor,
        problem=with_deadline,
        new_deadline=D(2023, 8, 31),
        reason="涉及多个部门",
        requested_on=D(2023, 6, 20),
    )
    assert request.old_deadline == D(2023, 6, 30)
    services.extension_decide(
        actor=reviewer, extension=request, approve=True, decided_on=D(2023, 6, 21)
    )
    with_deadline.refresh_from_db()
    request.refresh_from_db()
    assert with_deadline.deadline == D(2023, 8, 31)
    assert request.state == ExtensionState.APPROVED and request.decided_by == reviewer
    assert audit_actions(request) == ["problems.extension.requested", "problems.extension.approved"]
    entry = AuditEntry.objects.get(action="problems.extension.approved")
    assert entry.before["deadline"] == "2023-06-30" and entry.after["deadline"] == "2023-08-31"


def test_extension_refusals(with_deadline, editor, reviewer, units, make_user):
    with pytest.raises(DomainError) as exc:
        services.extension_request(
            actor=editor,
            problem=with_deadline,
            new_deadline=D(2023, 6, 15),
            reason="x",
            requested_on=D(2023, 6, 1),
        )
    assert exc.value.code == "not_later"
    request = services.extension_request(
        actor=editor,
        problem=with_deadline,
        new_deadline=D(2023, 7, 31),
        reason="x",
        requested_on=D(2023, 6, 1),
    )
    with pytest.raises(DomainError) as exc:
        services.extension_request(
            actor=editor,
            problem=with_deadline,
            new_deadline=D(2023, 8, 31),
            reason="y",
            requested_on=D(2023, 6, 2),
        )
    assert exc.value.code == "extension_pending"
    own_admin = make_user(Role.ADMIN, units["own"])
    with pytest.raises(DomainError) as exc:
        services.extension_decide(
            actor=own_admin, extension=request, approve=True, decided_on=D(2023, 6, 2)
        )
    assert exc.value.code == "not_reviewer"
    with pytest.raises(DomainError) as exc:
        services.extension_decide(
            actor=reviewer, extension=request, approve=False, decided_on=D(2023, 6, 2)
        )
    assert exc.value.code == "note_required"
    services.extension_decide(
        actor=reviewer, extension=request, approve=False, decided_on=D(2023, 6, 2), note="按期完成"
    )
    with_deadline.refresh_from_db()
    assert with_deadline.deadline == D(2023, 6, 30)
    assert DeadlineExtension.objects.get().state == ExtensionState.REFUSED


def test_the_deadline_is_not_edited_directly(with_deadline, editor):
    with pytest.raises(DomainError) as exc:
        services.problem_update(actor=editor, problem=with_deadline, deadline=D(2023, 12, 31))
    assert exc.value.code == "deadline_needs_extension"
