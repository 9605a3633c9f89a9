"""The services: intake, routing, acceptance, the reply and its timeliness, extensions, reviews,
objections, the duplicate warning, the problem ledger, agents."""

import datetime

import pytest

from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry
from shigan.petitions import clock as petition_clock
from shigan.petitions import services
from shigan.petitions.choices import PetitionState
from shigan.petitions.models import PetitionTransition
from shigan.petitions.selectors import petition_facts
from shigan.petitions.services import PetitionError
from shigan.petitions.tests.conftest import PERSON, D, id_number, intake
from shigan.problems.models import Problem

pytestmark = pytest.mark.django_db

d = datetime.date
day = datetime.timedelta(days=1)


def refused(code, fn, *args, **kwargs):
    with pytest.raises(PetitionError) as caught:
        fn(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


def test_intake_records_the_petition_its_first_transition_and_its_audit(petition, agents):
    assert petition.number == f"XF20230403{petition.pk:06d}"
    assert petition.state == PetitionState.RECEIVED
    assert petition.unit == petition.handling_unit == agents["gacha"].unit
    assert petition.intake_agent == agents["gacha"]
    first = petition.transitions.get()
    assert (first.from_state, first.to_state, first.day) == ("", "received", D)
    entry = AuditEntry.objects.get(action="petitions.petition.received")
    assert entry.after["petitioners"] == ["张*"]


def test_only_an_active_agent_of_the_unit_takes_petitions_in(agents, people):
    agent = agents["gacha"]
    refused(
        "not_agent",
        services.petition_intake,
        actor=people["gacha_editor"],
        agent=agent,
        received_on=D,
        channel="visit",
        title="x",
        request="y",
        category="land",
        first_time=True,
        petitioners=[PERSON],
    )
    services.agent_retire(actor=people["banner_admin"], agent=agent)
    refused("not_agent", intake, agent)


def test_bad_personal_data_names_the_field(agents):
    bad = refused(
        "bad_id_number",
        intake,
        agents["gacha"],
        person={**PERSON, "id_number": "152527198001011230"},
    )
    assert bad.field == "id_number"
    assert (
        refused("bad_phone", intake, agents["gacha"], person={**PERSON, "phone": "电话"}).field
        == "phone"
    )
    two = refused(
        "bad_phone", intake, agents["gacha"], person={**PERSON, "phone": "13812345678 0471-1234567"}
    )
    assert two.field == "phone" and "只能填一个号码" in two.message
    assert (
        refused("name_required", intake, agents["gacha"], person={**PERSON, "name": " "}).field
        == "name"
    )
    assert refused("future_date", intake, agents["gacha"], day=d(2999, 1, 1)).field == "received_on"


def test_a_likely_duplicate_is_flagged_and_goes_on_only_when_confirmed(petition, agents):
    # The same petitioner (ID with a lower-case x, spaces) with a similar request, at the banner.
    error = refused(
        "likely_duplicate",
        intake,
        agents["banner"],
        person={**PERSON, "name": "张 三"},
        request="反映草场边界纠纷，要求解决",
    )
    assert petition.number in error.message and error.field == "confirm_duplicate"
    other = intake(agents["banner"], request="反映草场边界纠纷，要求解决", confirm_duplicate=True)
    assert other.pk != petition.pk
    # A different petitioner, or a different matter, is no duplicate.
    intake(
        agents["banner"],
        person={**PERSON, "name": "李四", "id_number": id_number("15252719900101123")},
    )
    intake(agents["banner"], request="申请农村低保")


def test_route_writes_who_to_whom_when_and_why(routed, places, people):
    assert routed.state == PetitionState.ROUTED
    assert routed.handling_unit == places["sumu"]
    assert routed.routed_on == routed.handed_on == D + day
    hand_over = PetitionTransition.objects.get(petition=routed, to_state="routed")
    assert hand_over.from_unit == places["gacha"] and hand_over.to_unit == places["sumu"]
    assert hand_over.actor == people["gacha_agent"] and hand_over.comment == "属苏木职权"


def test_route_only_within_the_county_or_up_the_line(petition, places, people):
    refused(
        "target_outside",
        services.petition_route,
        actor=people["gacha_agent"],
        petition=petition,
        to_unit=places["sibling"],  # another banner
        day=D,
    )
    # Across the county (another sumu) and up the line (the league) are allowed.
    services.petition_route(
        actor=people["gacha_agent"], petition=petition, to_unit=places["other_sumu"], day=D
    )
    assert services.route_allowed(petition, places["league"])


def test_only_the_holder_routes_and_not_after_acceptance(routed, people, places):
    refused(
        "forbidden",
        services.petition_route,
        actor=people["gacha_agent"],  # the sumu holds it now
        petition=routed,
        to_unit=places["banner"],
        day=D + day,
    )
    services.petition_accept(actor=people["sumu_agent"], petition=routed, accepted_on=D + day)
    refused(
        "not_routable",
        services.petition_route,
        actor=people["sumu_agent"],
        petition=routed,
        to_unit=places["banner"],
        day=D + 2 * day,
    )


def test_accept_not_before_receipt(routed, people):
    error = refused(
        "date_too_early",
        services.petition_accept,
        actor=people["sumu_agent"],
        petition=routed,
        accepted_on=D,
    )
    assert error.field == "accepted_on"


def test_a_sumu_reply_on_time_is_resolved_locally(replied, places):
    assert replied.state == PetitionState.REPLIED
    assert replied.answered_by == places["sumu"]
    assert replied.resolved_locally and replied.replied_on_time
    assert replied.told_on == replied.replied_on


def test_a_county_reply_is_not_local(petition, people, places):
    services.petition_route(
        actor=people["gacha_agent"], petition=petition, to_unit=places["banner"], day=D
    )
    services.petition_accept(actor=people["banner_agent"], petition=petition, accepted_on=D)
    services.petition_reply(
        actor=people["banner_agent"], petition=petition, text="答复", replied_on=D, told_by="phone"
    )
    petition.refresh_from_db()
    assert not petition.resolved_locally


def test_a_reply_after_sixty_plus_thirty_days_is_late(petition, people):
    accepted_on = d(2023, 4, 10)
    services.petition_accept(
        actor=people["gacha_agent"], petition=petition, accepted_on=accepted_on
    )
    services.petition_extend(
        actor=people["banner_leader"],
        petition=petition,
        days=30,
        reason="需要测绘",
        approved_on=d(2023, 6, 1),
        told_on=d(2023, 6, 2),
    )
    # Apr 10 + 90 = Jul 9 (Sunday) → Monday Jul 10 is the last day.
    services.petition_reply(
        actor=people["gacha_agent"],
        petition=petition,
        text="答复",
        replied_on=d(2023, 7, 11),
        told_by="writing",
    )
    petition.refresh_from_db()
    assert petition.replied_on_time is False
    clock = petition_clock.clock(petition_facts(petition))
    assert clock.step("handle").due_on == d(2023, 7, 10) and clock.step("handle").late


def test_extension_rules(accepted, people):
    kwargs = {
        "petition": accepted,
        "reason": "情况复杂",
        "approved_on": D + 5 * day,
        "told_on": D + 5 * day,
    }
    refused("forbidden", services.petition_extend, actor=people["sumu_agent"], days=10, **kwargs)
    refused(
        "extension_too_long",
        services.petition_extend,
        actor=people["sumu_leader"],
        days=31,
        **kwargs,
    )
    late = {**kwargs, "approved_on": d(2023, 6, 20), "told_on": d(2023, 6, 20)}
    refused(
        "extension_too_late", services.petition_extend, actor=people["sumu_leader"], days=10, **late
    )
    services.petition_extend(actor=people["sumu_leader"], days=30, **kwargs)
    refused(
        "already_extended", services.petition_extend, actor=people["sumu_leader"], days=1, **kwargs
    )
    accepted.refresh_from_db()
    # Accepted Apr 6 + 90 = Jul 5.
    assert petition_clock.clock(petition_facts(accepted)).step("handle").due_on == d(2023, 7, 5)


def test_review_then_rereview_then_no_more(replied, people, places):
    # 复查 by the body above the sumu: the banner.
    review = services.petition_review_request(
        actor=people["gacha_agent"], petition=replied, requested_on=D + 30 * day, text="不服"
    )
    assert review.level == "review" and review.body == places["banner"]
    replied.refresh_from_db()
    assert replied.state == "review_requested" and replied.handling_unit == places["banner"]
    refused(
        "review_pending",
        services.petition_review_request,
        actor=people["gacha_agent"],
        petition=replied,
        requested_on=D + 31 * day,
    )
    refused(
        "hearing_not_rereview",
        services.petition_review_hearing,
        actor=people["banner_agent"],
        review=review,
        started_on=D + 31 * day,
        ended_on=D + 31 * day,
    )
    services.petition_review_decide(
        actor=people["banner_agent"], review=review, decided_on=D + 40 * day, opinion="维持"
    )
    rereview = services.petition_review_request(
        actor=people["gacha_agent"], petition=replied, requested_on=D + 50 * day
    )
    assert rereview.level == "rereview" and rereview.body == places["league"]
    services.petition_review_hearing(
        actor=system_actor("test"),  # the league's staff: the system here
        review=rereview,
        started_on=D + 55 * day,
        ended_on=D + 57 * day,
    )
    services.petition_review_decide(
        actor=system_actor("test"), review=rereview, decided_on=D + 70 * day, opinion="维持，终结"
    )
    replied.refresh_from_db()
    assert replied.state == PetitionState.CLOSED
    # A 复核 after the 复核 is refused.
    error = refused(
        "no_further_review",
        services.petition_review_request,
        actor=people["gacha_agent"],
        petition=replied,
        requested_on=D + 72 * day,
    )
    assert "第三十六条" in error.message
    # The same matter taken in again is refused unless new facts and reasons are confirmed.
    refused("final_after_rereview", intake, replied.intake_agent, day=D + 80 * day)


def test_a_review_asked_for_late_is_refused(replied, people):
    # Replied Apr 23 → the last day to ask is May 23.
    error = refused(
        "review_request_late",
        services.petition_review_request,
        actor=people["gacha_agent"],
        petition=replied,
        requested_on=d(2023, 5, 24),
    )
    assert "2023-05-23" in error.message


def test_objection_within_five_working_days(people, agents):
    petition = intake(agents["gacha"], day=d(2023, 4, 24))
    services.petition_accept(
        actor=people["gacha_agent"], petition=petition, accepted_on=d(2023, 4, 26)
    )
    # Notice Apr 26 → May 6 (the make-up Saturday) is the last day.
    error = refused(
        "objection_window_closed",
        services.petition_objection_record,
        actor=people["gacha_agent"],
        petition=petition,
        raised_on=d(2023, 5, 7),
        text="不服",
    )
    assert "2023-05-06" in error.message
    services.petition_objection_record(
        actor=people["gacha_agent"], petition=petition, raised_on=d(2023, 5, 6), text="不服"
    )
    petition.refresh_from_db()
    assert petition.objection_on == d(2023, 5, 6)


def test_decline_with_reason(routed, people):
    refused(
        "reason_required",
        services.petition_decline,
        actor=people["sumu_agent"],
        petition=routed,
        day=D + day,
        reason="",
    )
    services.petition_decline(
        actor=people["sumu_agent"], petition=routed, day=D + day, reason="已经司法程序处理"
    )
    routed.refresh_from_db()
    assert routed.state == "declined" and routed.notified_on == D + day


def test_satisfaction_by_the_agent_or_the_body(replied, people):
    refused(
        "forbidden",
        services.petition_rate,
        actor=people["viewer"],
        petition=replied,
        satisfaction="satisfied",
        rated_on=D + 25 * day,
    )
    services.petition_rate(
        actor=people["gacha_agent"],
        petition=replied,
        satisfaction="basically",
        rated_on=D + 25 * day,
    )
    replied.refresh_from_db()
    assert replied.satisfaction == "basically"


def test_a_petition_raises_a_problem_in_the_rectification_ledger(accepted, people, places):
    problem = services.petition_problem_raise(
        actor=people["sumu_agent"],
        petition=accepted,
        title="草场确权工作滞后",
        found_on=D + 5 * day,
    )
    assert Problem.objects.get(pk=problem.pk).source == "petition"
    assert problem.unit == places["sumu"]
    assert list(accepted.problems.all()) == [problem]


def test_agents_only_at_three_levels_and_with_a_role(people, places, make_user):
    refused(
        "bad_level",
        services.agent_appoint,
        actor=system_actor("test"),
        user=people["banner_leader"],
        unit=places["league"],
    )
    stranger = make_user(username="stranger")
    refused(
        "agent_needs_role",
        services.agent_appoint,
        actor=system_actor("test"),
        user=stranger,
        unit=places["gacha"],
    )
    refused(
        "forbidden",
        services.agent_appoint,
        actor=people["sumu_leader"],  # may record, not manage
        user=people["gacha_editor"],
        unit=places["gacha"],
    )
