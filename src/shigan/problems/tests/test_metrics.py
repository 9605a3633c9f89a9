"""The problem metrics and the article's rectification figures (FIGURES rows 16–20), built from
records the way a campaign produces them; and the facts the services keep agree with a rebuild."""

import datetime
from collections import Counter

import pytest

from shigan.accounts.system import system_actor
from shigan.campaigns import services as campaigns
from shigan.campaigns.choices import AspectKind
from shigan.metrics.engine import metric_rebuild
from shigan.metrics.models import MetricFact
from shigan.metrics.registry import METRICS
from shigan.metrics.selectors import metric_by, metric_value
from shigan.problems import services
from shigan.problems.metrics import batch_self_inspection, root_problems
from shigan.problems.tests.conftest import pdf, unfinished
from shigan.problems.watch import problems_watch

pytestmark = pytest.mark.django_db

D = datetime.date
AS_OF = D(2023, 6, 7)


@pytest.fixture
def world(units, campaign, calendar, make_user):
    from shigan.orgs.choices import Role

    aspects = [
        campaigns.aspect_create(
            actor=system_actor("test"), campaign=campaign, kind=AspectKind.PROBLEM, name=n
        )
        for n in ("理论学习", "调查研究", "推动发展", "为民服务", "作风建设", "党的建设")
    ]
    batch = campaigns.batch_create(
        actor=system_actor("test"), campaign=campaign, name="第一批", starts_on=D(2023, 4, 1)
    )
    # Batch 1: the region's own offices are not a separate unit here; the league and two banners.
    campaigns.participation_enroll(
        actor=system_actor("test"),
        batch=batch,
        units=[units["own"], units["sibling"], units["parent"]],
        enrolled_on=D(2023, 4, 1),
    )
    reviewer = make_user(Role.LEADER, units["region"])

    def problem(unit, aspect, source="self_inspection", found_on=None, **kwargs):
        found_on = found_on or D(2023, 5, 4)
        return services.problem_create(
            actor=system_actor("test"),
            unit=units[unit],
            campaign=campaign,
            aspect=aspects[aspect] if aspect is not None else None,
            title="问题",
            source=source,
            found_on=found_on,
            **kwargs,
        )

    # Row 16: the region's own problems, in aspects 0, 1, 1 (2 distinct), plus one found later.
    region_own = [problem("region", a, source="research") for a in (0, 1, 1)]
    problem("region", 4, found_on=D(2023, 6, 20))
    problem("parent", 3, source="research")  # the league's: not the region's own
    # Row 17: self-inspection problems of batch-1 units, in aspects 0, 2, 2, 5 (3 distinct) …
    own = [problem("own", a) for a in (0, 2)]
    sibling = [problem("sibling", a) for a in (2, 5)]
    problem("child", 3)  # … a unit below an enrolled one is not itself enrolled
    problem("unrelated", 4)  # … nor a unit outside batch 1
    problem("own", 1, source="research")  # … nor another source
    # Row 19: measures added to them (one after the as-of date).
    for p, day in ((own[0], D(2023, 5, 5)), (own[0], D(2023, 5, 6)), (sibling[0], D(2023, 6, 10))):
        services.measure_add(actor=system_actor("test"), problem=p, text="措施", added_on=day)
    # Row 18: one closed by the as-of date, one closed after it.
    for p, day in ((own[0], D(2023, 6, 5)), (sibling[0], D(2023, 6, 12))):
        closeout = services.closeout_submit(
            actor=system_actor("test"),
            problem=p,
            finish=unfinished(p),
            summary="完成",
            submitted_on=day,
            files=[pdf()],
        )
        services.closeout_decide(actor=reviewer, closeout=closeout, accept=True, decided_on=day)
    # Row 20: special programs of the campaign (and one of another campaign).
    for name in ("整治形式主义", "整治群众身边不正之风"):
        services.special_program_create(
            actor=system_actor("test"),
            campaign=campaign,
            name=name,
            lead_unit=units["region"],
            created_on=D(2023, 5, 15),
        )
    other = campaigns.campaign_create(
        actor=system_actor("test"),
        name="另一次",
        root_unit=units["parent"],
        starts_on=D(2023, 1, 1),
    )
    services.special_program_create(
        actor=system_actor("test"),
        campaign=other,
        name="整治",
        lead_unit=units["parent"],
        created_on=D(2023, 5, 1),
    )
    return {"campaign": campaign, "batch": batch, "region_own": region_own, "aspects": aspects}


def test_row_16_region_level_problems_and_their_aspects(world):
    figure = root_problems(campaign=world["campaign"], as_of=AS_OF, user=system_actor("test"))
    assert figure.value == 3 and figure.aspects == 2
    assert set(figure.records) == set(world["region_own"])
    assert [a.name for a in figure.aspect_records] == ["理论学习", "调查研究"]
    later = root_problems(
        campaign=world["campaign"], as_of=D(2023, 6, 30), user=system_actor("test")
    )
    assert (later.value, later.aspects) == (4, 3)


def test_rows_17_to_19_of_batch_one_units(world):
    figures = batch_self_inspection(batch=world["batch"], as_of=AS_OF, user=system_actor("test"))
    found = figures["self_inspection"]
    assert found.value == 4 and found.aspects == 3
    assert {a.name for a in found.aspect_records} == {"理论学习", "推动发展", "党的建设"}
    assert figures["closed"].value == 1
    assert figures["measures"].value == 2  # sibling[0]'s measure came after the as-of date
    later = batch_self_inspection(
        batch=world["batch"], as_of=D(2023, 6, 30), user=system_actor("test")
    )
    assert later["closed"].value == 2 and later["measures"].value == 3


def test_row_20_special_programs(world, units):
    campaign = world["campaign"]
    assert (
        metric_value(
            "problems.special_programs",
            unit=units["region"],
            campaign=campaign,
            user=system_actor("test"),
        )
        == 2
    )
    assert (
        metric_value("problems.special_programs", unit=units["region"], user=system_actor("test"))
        == 3
    )


def test_problems_by_source_state_aspect_and_term(world, units):
    region = dict(unit=units["region"], campaign=world["campaign"], as_of=AS_OF)
    by_source = metric_by("source", "problems.found", **region, user=system_actor("test"))
    assert by_source == {"research": 5, "self_inspection": 6}
    # A dimension holds the record's current value (the engine's rule): "by state" is today's.
    now = dict(unit=units["region"], campaign=world["campaign"])
    assert metric_by("state", "problems.found", **now, user=system_actor("test"))["closed"] == 2
    assert metric_by("term", "problems.found", **region, user=system_actor("test")) == {
        "time_bound": 11
    }
    assert metric_value("problems.self_inspection", **region, user=system_actor("test")) == 6
    assert metric_value("problems.self_inspection_closed", **region, user=system_actor("test")) == 1
    assert (
        metric_value(
            "problems.closed", unit=units["region"], as_of=D(2023, 6, 12), user=system_actor("test")
        )
        == 2
    )


def test_facts_kept_by_the_services_equal_a_rebuild(world, units):
    problems_watch(D(2023, 6, 7))
    problems_watch(D(2023, 9, 1))  # some lights turn; the overdue facts move with them

    def facts():
        rows = MetricFact.objects.filter(metric__startswith="problems.").values_list(
            "metric", "campaign_id", "unit_id", "day", "dim", "value", "delta"
        )
        totals = Counter()
        for metric, campaign, unit, day, dim, value, delta in rows:
            totals[(metric, campaign, unit, day, dim, value)] += delta
        return +totals

    kept = facts()
    for key, metric in METRICS.items():
        if key.startswith("problems."):
            metric_rebuild(metric)
    assert facts() == kept
