"""The bulk research services write what the one-by-one services write, or nothing."""

import datetime

import pytest

from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry
from shigan.metrics.selectors import metric_records, metric_value
from shigan.research import services
from shigan.research.models import PlanReview, ResearchPlan, ResearchTopic, ResearchTrip

pytestmark = pytest.mark.django_db

D = datetime.date(2023, 4, 10)
D2, D3, D4 = D + datetime.timedelta(1), D + datetime.timedelta(2), D + datetime.timedelta(3)


def history(topic):
    return [(t.from_state, t.to_state, t.day, t.comment) for t in topic.transitions.order_by("pk")]


def one_by_one(editor, guide, topic, place):
    plan = services.topic_plan_submit(actor=editor, topic=topic, text="第一稿", day=D)
    services.topic_plan_review(
        actor=guide, plan=plan, verdict="revise", comments="补充点位", day=D2
    )
    plan = services.topic_plan_submit(actor=editor, topic=topic, text="第二稿", day=D2)
    services.topic_plan_review(actor=guide, plan=plan, verdict="approved", day=D3)
    services.topic_trip_log(actor=editor, topic=topic, visited_on=D2, place=place)
    services.topic_trip_log(actor=editor, topic=topic, visited_on=D4, place=place)


def in_bulk(editor, guide, draft, place):
    (pk,) = services.topic_bulk_create(actor=editor, drafts=[draft])
    topic = ResearchTopic.objects.get(pk=pk)
    (plan,) = services.plan_bulk_submit(
        actor=editor, drafts=[services.PlanDraft(topic, "第一稿", D)]
    )
    plan = ResearchPlan.objects.get(pk=plan)
    services.plan_bulk_review(
        actor=guide, drafts=[services.ReviewDraft(plan, "revise", D2, "补充点位")]
    )
    (plan,) = services.plan_bulk_submit(
        actor=editor, drafts=[services.PlanDraft(topic, "第二稿", D2)]
    )
    plan = ResearchPlan.objects.get(pk=plan)
    services.plan_bulk_review(actor=guide, drafts=[services.ReviewDraft(plan, "approved", D3)])
    services.trip_bulk_log(
        actor=editor,
        drafts=[services.TripDraft(topic, D2, place), services.TripDraft(topic, D4, place)],
    )
    return topic


def test_bulk_path_writes_what_one_by_one_writes(
    topic, editor, guide, units, campaign, aspect, lead
):
    place = units["grandchild"]
    one_by_one(editor, guide, topic, place)
    actions = (
        "research.topic.created",
        "research.topic.transitioned",
        "research.plan.submitted",
        "research.plan.reviewed",
        "research.trip.logged",
    )
    single = {a: AuditEntry.objects.filter(action=a).count() for a in actions}
    draft = services.TopicDraft(units["own"], campaign, aspect, "牧区饮水调研", lead, D, [lead])
    bulk = in_bulk(editor, guide, draft, place)
    bulk.refresh_from_db()
    topic.refresh_from_db()
    assert bulk.state == topic.state == "researching"
    assert history(bulk) == history(topic)
    assert list(bulk.participants.all()) == [lead]
    assert [p.version for p in bulk.plans.all()] == [1, 2]
    assert PlanReview.objects.filter(plan__topic=bulk).count() == 2
    assert bulk.trips.count() == topic.trips.count() == 2
    for action in actions:
        assert AuditEntry.objects.filter(action=action).count() == 2 * single[action], action
    for key in ("research.topics", "research.trips"):
        for as_of in (D, D2, D4, None):
            value = metric_value(
                key, unit=units["region"], campaign=campaign, as_of=as_of, user=system_actor("test")
            )
            records = metric_records(
                key, unit=units["region"], campaign=campaign, as_of=as_of, user=system_actor("test")
            )
            assert value == records.count(), (key, as_of)
    assert (
        metric_value(
            "research.trips", unit=units["parent"], campaign=campaign, user=system_actor("test")
        )
        == 4
    )


def test_one_invalid_draft_refuses_the_whole_call(
    topic, editor, units, campaign, aspect, lead, outsider_guide
):
    drafts = [
        services.TopicDraft(units["own"], campaign, aspect, "新课题", lead, D),
        services.TopicDraft(units["own"], campaign, aspect, topic.title, lead, D),
    ]
    with pytest.raises(services.ResearchBulkRejected) as exc:
        services.topic_bulk_create(actor=editor, drafts=drafts)
    assert list(exc.value.errors) == [1]
    assert exc.value.errors[1].code == "duplicate_title"
    assert ResearchTopic.objects.count() == 1

    with pytest.raises(services.ResearchBulkRejected) as exc:
        services.trip_bulk_log(
            actor=editor, drafts=[services.TripDraft(topic, D, units["grandchild"])]
        )
    assert exc.value.errors[0].code == "plan_not_approved"
    assert not ResearchTrip.objects.exists()

    (plan,) = services.plan_bulk_submit(actor=editor, drafts=[services.PlanDraft(topic, "方案", D)])
    plan = ResearchPlan.objects.get(pk=plan)
    with pytest.raises(services.ResearchBulkRejected) as exc:
        services.plan_bulk_review(
            actor=outsider_guide, drafts=[services.ReviewDraft(plan, "approved", D)]
        )
    assert exc.value.errors[0].code == "not_in_group"
    topic.refresh_from_db()
    assert topic.state == "plan_submitted" and not PlanReview.objects.exists()


def test_bulk_create_checks_the_recording_right(units, make_user, campaign, aspect, lead):
    outsider = make_user("editor", units["sibling"])
    draft = services.TopicDraft(units["own"], campaign, aspect, "越权课题", lead, D)
    with pytest.raises(services.ResearchBulkRejected) as exc:
        services.topic_bulk_create(actor=outsider, drafts=[draft])
    assert exc.value.errors[0].code == "forbidden"
    assert not ResearchTopic.objects.exists()
