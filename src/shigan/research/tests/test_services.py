import datetime

import pytest

from shigan.audit.models import AuditEntry
from shigan.core.errors import DomainError
from shigan.problems.models import Problem
from shigan.research import services
from shigan.research.models import ResearchTopic

pytestmark = pytest.mark.django_db

D = datetime.date(2023, 4, 10)


def states(topic):
    return [(t.from_state, t.to_state) for t in topic.transitions.order_by("pk")]


def test_full_path_with_revision_keeps_versions_and_history(
    topic, editor, guide, units, problem_aspect
):
    plan1 = services.topic_plan_submit(actor=editor, topic=topic, text="第一稿", day=D)
    review = services.topic_plan_review(
        actor=guide, plan=plan1, verdict="revise", comments="调研点太少", day=D
    )
    assert review.group.name == "第一指导组"
    topic.refresh_from_db()
    assert topic.state == "drafting"
    plan2 = services.topic_plan_submit(actor=editor, topic=topic, text="第二稿", day=D)
    assert plan2.version == 2
    assert list(topic.plans.values_list("version", "text")) == [(1, "第一稿"), (2, "第二稿")]
    services.topic_plan_review(actor=guide, plan=plan2, verdict="approved", day=D)
    gacha = units["grandchild"]
    services.topic_trip_log(actor=editor, topic=topic, visited_on=D, place=gacha, findings="缺水")
    topic.refresh_from_db()
    assert topic.state == "researching"
    problem = services.topic_problem_create(
        actor=editor, topic=topic, title="饮水难", found_on=D, aspect=problem_aspect
    )
    assert (problem.source, problem.research_topic, problem.campaign) == (
        "research",
        topic,
        topic.campaign,
    )
    services.topic_report_submit(actor=editor, topic=topic, text="报告", day=D)
    services.topic_conclude(actor=editor, topic=topic, day=D)
    topic.refresh_from_db()
    assert states(topic) == [
        ("", "drafting"),
        ("drafting", "plan_submitted"),
        ("plan_submitted", "drafting"),
        ("drafting", "plan_submitted"),
        ("plan_submitted", "plan_approved"),
        ("plan_approved", "researching"),
        ("researching", "reported"),
        ("reported", "concluded"),
    ]
    revise = topic.transitions.get(from_state="plan_submitted", to_state="drafting")
    assert (revise.actor, revise.comment) == (guide, "调研点太少")
    assert AuditEntry.objects.filter(action="research.topic.transitioned").count() == 7
    assert AuditEntry.objects.filter(action="research.plan.reviewed").count() == 2


def test_plan_cannot_be_approved_outside_the_group(topic, editor, outsider_guide, office):
    plan = services.topic_plan_submit(actor=editor, topic=topic, text="方案", day=D)
    for who in (outsider_guide, editor, office):  # even the campaign office is not the group
        with pytest.raises(DomainError) as exc:
            services.topic_plan_review(actor=who, plan=plan, verdict="approved")
        assert exc.value.code == "not_in_group"
    topic.refresh_from_db()
    assert topic.state == "plan_submitted"
    assert not plan.reviews.exists()


def test_group_of_another_campaign_does_not_count(topic, editor, units, office, make_user):
    from shigan.campaigns import services as campaigns

    other = campaigns.campaign_create(
        actor=office, name="另一活动", root_unit=units["region"], starts_on=D
    )
    group = campaigns.guidance_group_create(actor=office, campaign=other, name="他组")
    campaigns.guidance_group_assign(actor=office, group=group, units=[units["own"]])
    user = make_user(username="other_guide")
    campaigns.guidance_group_add_member(actor=office, group=group, user=user)
    plan = services.topic_plan_submit(actor=editor, topic=topic, text="方案", day=D)
    with pytest.raises(DomainError) as exc:
        services.topic_plan_review(actor=user, plan=plan, verdict="approved")
    assert exc.value.code == "not_in_group"


def test_revise_needs_comments(topic, editor, guide):
    plan = services.topic_plan_submit(actor=editor, topic=topic, text="方案", day=D)
    with pytest.raises(DomainError) as exc:
        services.topic_plan_review(actor=guide, plan=plan, verdict="revise", comments=" ")
    assert exc.value.field == "comments"


def test_trips_only_after_approval(topic, editor, units):
    with pytest.raises(DomainError) as exc:
        services.topic_trip_log(actor=editor, topic=topic, visited_on=D, place=units["own"])
    assert exc.value.code == "plan_not_approved"
    assert not topic.trips.exists()


def test_concluded_topic_takes_no_trips(approved_topic, editor, units):
    topic = approved_topic
    services.topic_trip_log(actor=editor, topic=topic, visited_on=D, place=units["child"])
    services.topic_report_submit(actor=editor, topic=topic, text="报告")
    services.topic_conclude(actor=editor, topic=topic)
    with pytest.raises(DomainError) as exc:
        services.topic_trip_log(actor=editor, topic=topic, visited_on=D, place=units["child"])
    assert exc.value.code == "concluded"
    assert exc.value.message == "课题已结题，不能再登记调研。"
    assert topic.trips.count() == 1


def test_trip_place_anywhere_in_the_campaign(approved_topic, editor, units):
    # a place outside the editor's own scope but inside the campaign is fine
    trip = services.topic_trip_log(
        actor=editor, topic=approved_topic, visited_on=D, place=units["unrelated"]
    )
    assert trip.unit == units["own"]


def test_editor_cannot_record_outside_scope(units, make_user, campaign, aspect, lead):
    sibling_editor = make_user("editor", units["sibling"])
    with pytest.raises(DomainError) as exc:
        services.topic_create(
            actor=sibling_editor,
            unit=units["own"],
            campaign=campaign,
            aspect=aspect,
            title="越权课题",
            lead=lead,
        )
    assert exc.value.code == "forbidden"
    assert not ResearchTopic.objects.exists()


def test_topic_needs_a_research_aspect(editor, units, campaign, problem_aspect, lead):
    with pytest.raises(DomainError) as exc:
        services.topic_create(
            actor=editor,
            unit=units["own"],
            campaign=campaign,
            aspect=problem_aspect,
            title="x",
            lead=lead,
        )
    assert exc.value.field == "aspect"


def test_results_and_adoption(approved_topic, editor, units):
    with pytest.raises(DomainError):
        services.result_create(actor=editor, topic=approved_topic, kind="rule", title="制度")
    services.topic_trip_log(actor=editor, topic=approved_topic, visited_on=D, place=units["own"])
    result = services.result_create(actor=editor, topic=approved_topic, kind="rule", title="制度")
    assert result.state == "drafting"
    services.result_adopt(actor=editor, result=result, adopted_on=D)
    result.refresh_from_db()
    assert (result.state, result.adopted_on) == ("adopted", D)
    with pytest.raises(DomainError) as exc:
        services.result_adopt(actor=editor, result=result)
    assert exc.value.code == "already_adopted"


def test_problem_only_through_research_keeps_the_topic_link(approved_topic, editor):
    with pytest.raises(DomainError):
        services.topic_problem_create(actor=editor, topic=approved_topic, title="x", found_on=D)
    assert not Problem.objects.exists()
