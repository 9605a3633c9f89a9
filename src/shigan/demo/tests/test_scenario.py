"""The scenario as a whole (issue 7, item 3): built through the services, dated April–June 2023
on working days and never after 2023-06-07 (deadlines aside), with plausible titles, a share of
overdue and red-light problems, close-outs decided by a reviewer above, and the demo accounts
wired into it. The figures themselves are checked in test_figures.py."""

import datetime
import random

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Max, Min, Sum

from shigan.audit.models import AuditEntry
from shigan.campaigns.models import GuidanceGroup, GuidanceVisit, Participation
from shigan.core.calendar import is_workday
from shigan.demo.scenario.context import split
from shigan.metrics.models import MetricFact
from shigan.orgs.models import Membership, Person, Unit
from shigan.problems.models import CloseOut, Measure, Problem, ProblemTransition, ProgressReport
from shigan.problems.permissions import can_review
from shigan.research.models import (
    PlanReview,
    PromotionTarget,
    ResearchPlan,
    ResearchReport,
    ResearchResult,
    ResearchTopic,
    ResearchTrip,
    ResultPromotion,
    TargetTransition,
    TopicTransition,
)
from shigan.study.models import StudyActivity

pytestmark = pytest.mark.django_db

START = datetime.date(2023, 4, 3)

# (model, date fields) of every record the scenario dates: the days things happened.
EVENT_DATES = (
    (StudyActivity, ("held_on", "ends_on")),
    (ResearchTopic, ("created_on",)),
    (TopicTransition, ("day",)),
    (ResearchReport, ("submitted_on",)),
    (ResearchResult, ("recorded_on", "adopted_on")),
    (ResearchPlan, ("submitted_on",)),
    (PlanReview, ("reviewed_on",)),
    (ResearchTrip, ("visited_on",)),
    (GuidanceVisit, ("visited_on",)),
    (Problem, ("found_on",)),
    (ProblemTransition, ("day",)),
    (Measure, ("added_on", "done_on")),
    (ProgressReport, ("reported_on",)),
    (CloseOut, ("submitted_on", "decided_on")),
    (Participation, ("enrolled_on",)),
    (ResultPromotion, ("promoted_on",)),
    (PromotionTarget, ("promoted_on", "reported_on")),
    (TargetTransition, ("day",)),
)

# How each model above reaches its campaign, where not by a `campaign` field.
CAMPAIGN_OF = {
    TopicTransition: "topic__campaign",
    ResearchReport: "topic__campaign",
    ResearchResult: "topic__campaign",
    ResearchPlan: "topic__campaign",
    PlanReview: "plan__topic__campaign",
    ResearchTrip: "topic__campaign",
    GuidanceVisit: "group__campaign",
    ProblemTransition: "problem__campaign",
    Measure: "problem__campaign",
    ProgressReport: "problem__campaign",
    CloseOut: "problem__campaign",
    Participation: "batch__campaign",
    PromotionTarget: "promotion__campaign",
    TargetTransition: "target__promotion__campaign",
}


def test_split_spreads_a_total_exactly():
    rng = random.Random(1)
    parts = split(1346, [3.0] * 12 + [1.0] * 149, rng, 4)
    assert sum(parts) == 1346 and min(parts) >= 4 and len(parts) == 161
    assert sum(parts[:12]) > sum(parts[12:24])  # the heavier parts get more
    with pytest.raises(ValueError):
        split(10, [1.0] * 6, rng, 2)


@pytest.mark.parametrize(
    ("model", "fields"), EVENT_DATES, ids=[m.__name__ for m, _f in EVENT_DATES]
)
def test_everything_happened_on_working_days_of_april_to_june(scenario, as_of, model, fields):
    # The 2023 campaign's records; the campaign that follows it is dated 2024 (carryover.py).
    of_2023 = model.objects.filter(**{CAMPAIGN_OF.get(model, "campaign"): scenario.campaign})
    for field in fields:
        days = set(of_2023.exclude(**{f"{field}__isnull": True}).values_list(field, flat=True))
        assert days, f"{model.__name__}.{field}: nothing recorded"
        assert min(days) >= START and max(days) <= as_of, (model.__name__, field)
        assert all(is_workday(d) for d in days), (model.__name__, field)
    if model in (StudyActivity, ResearchTrip, Problem, GuidanceVisit):
        months = {d.month for d in of_2023.values_list(fields[0], flat=True)}
        assert months >= {5, 6} and (months >= {4, 5, 6} or model is Problem)


def test_no_figure_counts_anything_after_the_as_of_date(scenario, as_of):
    later = MetricFact.objects.filter(campaign_id=scenario.campaign.pk, day__gt=as_of)
    # Rows are appended (a change and its undoing are two rows): what counts is their sum.
    later = (
        later.values("metric", "unit", "dim", "value", "day")
        .annotate(n=Sum("delta"))
        .exclude(n=0)  # changes that cancel out change nothing
    )
    assert not later.exists(), list(later.values_list("metric", "day")[:5])


def test_titles_are_plausible_chinese(scenario):
    samples = [
        *ResearchTopic.objects.values_list("title", flat=True),
        *Problem.objects.values_list("title", flat=True),
        *StudyActivity.objects.values_list("title", flat=True),
        *Measure.objects.values_list("text", flat=True),
    ]
    assert len(samples) > 7000
    for text in samples:
        assert text.strip() and "lorem" not in text.lower()
        assert sum("\u4e00" <= c <= "\u9fff" for c in text) >= len(text) * 0.6, text
    duplicates = (
        ResearchTopic.objects.values("unit", "title").annotate(n=Max("pk")).count()
        == ResearchTopic.objects.count()
    )
    assert duplicates


def test_the_batch_is_the_region_units_and_the_twelve_leagues(scenario):
    enrolled = Unit.objects.filter(pk__in=Participation.objects.values("unit"))
    leagues = enrolled.filter(division_level=2)
    assert leagues.count() == 12 and set(leagues) == set(
        Unit.objects.filter(division_level=2, path__startswith=scenario.campaign.root_unit.path)
    )
    kinds = set(enrolled.exclude(division_level=2).values_list("kind", flat=True))
    assert kinds == {"department", "enterprise", "school"}
    assert enrolled.filter(name__in=["包钢集团", "内蒙古大学", "自治区发展改革委"]).count() == 3


def test_a_share_of_problems_is_overdue_and_red(scenario, as_of):
    unfinished = Problem.objects.filter(campaign=scenario.campaign).exclude(state="closed")
    red = unfinished.filter(light="red")
    assert 0.03 * unfinished.count() < red.count() < 0.3 * unfinished.count()
    assert all(p.deadline is None or p.deadline < as_of for p in red if p.term != "long_term")
    overdue = unfinished.filter(deadline__lt=as_of, state__in=["open", "in_progress", "reopened"])
    assert overdue.exists() and set(overdue.values_list("light", flat=True)) <= {"red"}
    assert unfinished.filter(light="green").count() > red.count()


def test_closed_problems_went_through_the_lifecycle(scenario, as_of):
    closed = Problem.objects.filter(campaign=scenario.campaign, state="closed")
    assert closed.count() == 72
    for problem in closed.select_related("unit"):
        assert problem.evidence.exists()
        assert not problem.measures.filter(state="planned").exists()
        accepted = problem.closeouts.get(state="accepted")
        assert accepted.decided_by != accepted.submitted_by
        assert can_review(accepted.decided_by, problem)
        assert accepted.decided_on <= as_of
    assert CloseOut.objects.filter(state="rejected").exists()  # some were sent back first
    assert Problem.objects.filter(state="pending_review").exists()


def test_research_plans_were_reviewed_by_the_groups(scenario):
    reviews = PlanReview.objects.select_related("plan__topic__unit", "group")
    assert reviews.filter(verdict="revise").exists()
    for review in reviews.filter(plan__topic__unit__depth__gt=1)[:200]:
        assert review.plan.topic.unit in review.group.units.all()
        assert review.group.members.filter(pk=review.reviewer_id).exists()
    revised = ResearchPlan.objects.filter(version=2).values("topic")
    assert ResearchPlan.objects.filter(topic__in=revised, version=1).count() == revised.count()


def test_study_names_leaders_who_exist_and_counts_them_once(scenario):
    people = Person.objects.filter(unit__path__startswith=scenario.campaign.root_unit.path)
    assert people.filter(rank="section").exists()  # staff attend, but are not counted
    idle = people.filter(rank__in=["bureau", "county"], study_participations__isnull=True)
    assert idle.exists()  # leaders appointed who have not studied yet are not counted
    span = StudyActivity.objects.aggregate(first=Min("held_on"), last=Max("held_on"))
    assert span["first"].month == 4 and span["last"].month == 6


def test_demo_accounts_are_wired_into_the_scenario(scenario):
    User = get_user_model()
    office, league, banner, guide = (
        User.objects.get(username=u) for u in ("office", "league_leader", "banner_editor", "guide")
    )
    root = scenario.campaign.root_unit
    assert Membership.objects.filter(user=office, unit=root, role="admin").exists()
    xilingol = Membership.objects.get(user=league).unit
    assert xilingol.name == "锡林郭勒盟" and Participation.objects.filter(unit=xilingol).exists()
    assert Membership.objects.get(user=banner).unit.name == "阿巴嘎旗"
    group = GuidanceGroup.objects.get(members=guide)
    assert group.units.count() > 5 and PlanReview.objects.filter(reviewer=guide).exists()
    assert GuidanceVisit.objects.filter(created_by=guide).exists()
    # The league's own records were entered by its leader, the rest by the office.
    assert ResearchTopic.objects.filter(unit=xilingol, created_by=league).exists()
    assert not ResearchTopic.objects.filter(unit=xilingol).exclude(created_by=league).exists()
    assert AuditEntry.objects.filter(actor=league, action="problems.problem.created").exists()


def test_reset_empties_the_database_and_rebuilds_the_demo(scenario, capsys, settings, tmp_path):
    settings.SHIGAN_HOME = tmp_path
    (tmp_path / "private" / "evidence").mkdir(parents=True)
    call_command("demo", "--no-serve", "--reset", "--no-scenario")
    assert not (tmp_path / "private" / "evidence").exists()
    assert "正在清空数据库" in capsys.readouterr().out
    assert not ResearchTopic.objects.exists() and not Problem.objects.exists()
    assert Unit.objects.filter(division_level=2).count() == 12
    assert get_user_model().objects.filter(username="guide").exists()
