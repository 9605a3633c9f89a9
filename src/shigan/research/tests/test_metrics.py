"""Figures for a banner and its league move when a topic gets trips, problems and results."""

import datetime

import pytest

from shigan.accounts.system import system_actor
from shigan.campaigns import services as campaigns
from shigan.metrics.selectors import metric_by, metric_records, metric_value
from shigan.research import selectors, services

pytestmark = pytest.mark.django_db

D = datetime.date(2023, 4, 10)
LATER = datetime.date(2023, 5, 10)


def figures(unit, campaign, as_of=None):
    keys = ("research.topics", "research.trips", "problems.research", "research.results")
    return [
        metric_value(k, unit=unit, campaign=campaign, as_of=as_of, user=system_actor("test"))
        for k in keys
    ]


def test_banner_and_league_figures_change(approved_topic, editor, units, campaign):
    banner, league, sibling = units["own"], units["parent"], units["sibling"]
    assert figures(banner, campaign) == [1, 0, 0, 0]
    assert figures(league, campaign) == [1, 0, 0, 0]
    services.topic_trip_log(
        actor=editor, topic=approved_topic, visited_on=D, place=units["grandchild"]
    )
    services.topic_trip_log(actor=editor, topic=approved_topic, visited_on=LATER, place=banner)
    services.topic_problem_create(actor=editor, topic=approved_topic, title="饮水难", found_on=D)
    services.result_create(
        actor=editor, topic=approved_topic, kind="measure", title="送水到户", recorded_on=D
    )
    assert figures(banner, campaign) == [1, 2, 1, 1]
    assert figures(league, campaign) == [1, 2, 1, 1]
    assert figures(sibling, campaign) == [0, 0, 0, 0]
    assert figures(league, campaign, as_of=D) == [1, 1, 1, 1]  # as of a past date
    assert metric_by(
        "kind", "research.results", unit=league, campaign=campaign, user=system_actor("test")
    ) == {"measure": 1}
    records = metric_records(
        "research.trips", unit=league, campaign=campaign, user=system_actor("test")
    )
    assert {t.topic_id for t in records} == {approved_topic.pk}


def test_topics_led_by_region_leaders(
    editor, units, campaign, aspect, provincial_lead, lead, office, guide
):
    region = units["region"]
    led = services.topic_create(
        actor=office,
        unit=region,
        campaign=campaign,
        aspect=aspect,
        title="全区调研",
        lead=provincial_lead,
        created_on=D,
    )
    services.topic_create(
        actor=editor, unit=units["own"], campaign=campaign, aspect=aspect, title="旗调研", lead=lead
    )
    assert (
        metric_value("research.topics", unit=region, campaign=campaign, user=system_actor("test"))
        == 2
    )
    assert (
        metric_value(
            "research.topics_provincial", unit=region, campaign=campaign, user=system_actor("test")
        )
        == 1
    )
    assert list(
        metric_records("research.topics_provincial", unit=region, user=system_actor("test"))
    ) == [led]


def test_batch_one_units_and_revised_plans(topic, editor, guide, units, office, campaign):
    batch = campaigns.batch_create(actor=office, campaign=campaign, name="第一批", starts_on=D)
    plan = services.topic_plan_submit(actor=editor, topic=topic, text="方案", day=D)
    services.topic_plan_review(actor=guide, plan=plan, verdict="revise", comments="再改", day=D)
    plan = services.topic_plan_submit(actor=editor, topic=topic, text="方案2", day=D)
    services.topic_plan_review(actor=guide, plan=plan, verdict="approved", day=D)
    services.topic_trip_log(actor=editor, topic=topic, visited_on=D, place=units["own"])
    assert (
        selectors.batch_records("research.trips", batch=batch, user=system_actor("test")).value == 0
    )
    campaigns.participation_enroll(actor=office, batch=batch, units=[units["own"]], enrolled_on=D)
    figure = selectors.batch_records("research.trips", batch=batch, user=system_actor("test"))
    assert figure.value == 1
    assert (
        selectors.batch_records("research.topics", batch=batch, user=system_actor("test")).value
        == 1
    )
    revised = selectors.units_with_revised_plans(
        campaign=campaign, unit=units["region"], user=system_actor("test")
    )
    assert revised.value == 1
    assert list(revised.records) == [units["own"]]
    assert (
        selectors.units_with_revised_plans(
            campaign=campaign, unit=units["sibling"], user=system_actor("test")
        ).value
        == 0
    )


def test_research_aspects_and_guidance_visits(aspect, campaign, group, guide, units, office):
    campaigns.aspect_create(actor=office, campaign=campaign, kind="research", name="生态")
    campaigns.aspect_create(actor=office, campaign=campaign, kind="problem", name="作风")
    assert selectors.research_aspects(campaign=campaign).value == 2
    services.research_visit_log(actor=guide, group=group, unit=units["own"], visited_on=D)
    assert (
        metric_value(
            "research.guidance_visits",
            unit=units["parent"],
            campaign=campaign,
            user=system_actor("test"),
        )
        == 1
    )
    assert (
        metric_value(
            "research.guidance_visits",
            unit=units["sibling"],
            campaign=campaign,
            user=system_actor("test"),
        )
        == 0
    )


def test_visits_logged_by_the_campaigns_service_are_counted(group, guide, units, campaign):
    campaigns.guidance_visit_log(
        actor=guide, group=group, unit=units["own"], visited_on=D, purpose="research"
    )
    assert (
        metric_value(
            "research.guidance_visits",
            unit=units["parent"],
            campaign=campaign,
            user=system_actor("test"),
        )
        == 1
    )


def test_row_13_measures_under_research_problems_of_batch_units(
    units, office, campaign, problem_aspect, editor, client, make_user
):
    """FIGURES row 13: measures proposed for the problems research found, of batch-1 units."""
    from django.urls import reverse

    from shigan.orgs.choices import Role
    from shigan.problems.services import measure_add, problem_create

    batch = campaigns.batch_create(actor=office, campaign=campaign, name="第一批", starts_on=D)
    campaigns.participation_enroll(actor=office, batch=batch, units=[units["own"]], enrolled_on=D)
    found = problem_create(
        actor=editor,
        unit=units["own"],
        title="牧区饮水难",
        source="research",
        found_on=D,
        campaign=campaign,
        aspect=problem_aspect,
    )
    inspected = problem_create(
        actor=editor,
        unit=units["own"],
        title="会议过多",
        source="self_inspection",
        found_on=D,
        campaign=campaign,
        aspect=problem_aspect,
    )
    for text in ("新打机井三眼", "铺设管网"):
        measure_add(actor=editor, problem=found, text=text, added_on=D)
    measure_add(actor=editor, problem=inspected, text="精简会议", added_on=D)
    later = datetime.date(2023, 5, 20)
    measure_add(actor=editor, problem=found, text="建立巡检制度", added_on=later)

    key = "problems.research_measures"
    assert (
        metric_value(key, unit=units["parent"], campaign=campaign, user=system_actor("test")) == 3
    )
    assert (
        metric_value(
            key, unit=units["parent"], campaign=campaign, as_of=D, user=system_actor("test")
        )
        == 2
    )
    assert (
        metric_value(
            "problems.measures", unit=units["own"], campaign=campaign, user=system_actor("test")
        )
        == 4
    )
    figure = selectors.batch_records(key, batch=batch, as_of=D, user=system_actor("test"))
    assert figure.value == 2
    assert {m.text for m in figure.records} == {"新打机井三眼", "铺设管网"}

    client.force_login(make_user(Role.VIEWER, units["region"]))
    page = client.get(
        reverse("research:batch_records", args=[key]),
        {"unit": units["region"].pk, "campaign": campaign.pk, "batch": batch.pk},
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "共 3 条记录" in body and "建立巡检制度" in body and "精简会议" not in body
