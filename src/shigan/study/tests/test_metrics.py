"""The study figures of FIGURES.md rows 1–3, 5 and 6, each with the records behind it."""

import datetime

import pytest

from shigan.accounts.system import system_actor
from shigan.campaigns import services as campaign_services
from shigan.metrics.engine import metric_rebuild
from shigan.metrics.selectors import metric_by, metric_by_child, metric_records, metric_value
from shigan.orgs.choices import PersonRank, Role
from shigan.orgs.models import Unit
from shigan.orgs.services import person_create
from shigan.study import selectors
from shigan.study.metrics import ATTENDANCES, SESSIONS
from shigan.study.tests.conftest import D

pytestmark = pytest.mark.django_db

LATER = D + datetime.timedelta(days=20)


def test_distinct_leaders_counted_once_across_sessions(units, campaign, people, make_activity):
    head, deputy, section = people["banner_head"], people["deputy"], people["section"]
    make_activity(kind="reading_class", held_on=D, leaders=[head, section])
    make_activity(kind="central_group", held_on=D, leaders=[head])
    make_activity(kind="lecture", held_on=LATER, leaders=[head, deputy])
    # 3 sessions, 5 attendances, but 2 distinct county-level leaders (乌云 is section level).
    assert (
        metric_value(ATTENDANCES, unit=units["own"], campaign=campaign, user=system_actor("test"))
        == 5
    )
    count, leaders = selectors.study_leaders(
        user=system_actor("test"), unit=units["region"], campaign=campaign
    )
    assert count == 2
    assert sorted(p.name for p in leaders) == ["巴特尔", "王建国"]
    # As of the first day, only 巴特尔 had studied.
    count, leaders = selectors.study_leaders(
        user=system_actor("test"), unit=units["region"], campaign=campaign, as_of=D
    )
    assert (count, [p.name for p in leaders]) == (1, ["巴特尔"])
    # Under the sibling banner nobody studied; with every rank, 乌云 counts too.
    assert (
        selectors.study_leaders(
            user=system_actor("test"), unit=units["sibling"], campaign=campaign
        )[0]
        == 0
    )
    everyone = selectors.study_leaders(
        user=system_actor("test"), unit=units["own"], campaign=campaign, ranks=PersonRank.values
    )
    assert everyone[0] == 3


def test_leaders_of_another_campaign_do_not_count(units, campaign, people, make_activity):
    other = campaign_services.campaign_create(
        actor=system_actor("test"), name="另一次活动", root_unit=units["region"], starts_on=D
    )
    make_activity(campaign=other, leaders=[people["banner_head"]])
    assert (
        selectors.study_leaders(user=system_actor("test"), unit=units["region"], campaign=campaign)[
            0
        ]
        == 0
    )
    assert (
        selectors.study_leaders(user=system_actor("test"), unit=units["region"], campaign=other)[0]
        == 1
    )


def test_root_units_own_reading_classes_and_central_group_sessions(units, campaign, make_activity):
    """FIGURES rows 2 and 3: the by_child "own" row is the root unit's own records."""
    region = units["region"]
    for i in range(2):
        make_activity(unit=region, kind="reading_class", title=f"常委会读书班第{i + 1}期")
    for i in range(5):
        make_activity(unit=region, kind="central_group", title=f"中心组集中研讨{i + 1}")
    make_activity(unit=units["own"], kind="reading_class")  # a banner's, not the root's
    rows = metric_by_child(
        SESSIONS, unit=region, campaign=campaign, kind="reading_class", user=system_actor("test")
    )
    own = [r for r in rows if r.own][0]
    assert own.value == 2
    assert sum(r.value for r in rows if not r.own) == 1
    rows = metric_by_child(
        SESSIONS, unit=region, campaign=campaign, kind="central_group", user=system_actor("test")
    )
    assert [r for r in rows if r.own][0].value == 5
    assert metric_by(
        "kind", SESSIONS, unit=region, campaign=campaign, user=system_actor("test")
    ) == {
        "reading_class": 3,
        "central_group": 5,
    }
    records = metric_records(
        SESSIONS, unit=region, campaign=campaign, kind="reading_class", user=system_actor("test")
    )
    assert records.count() == 3


@pytest.fixture
def batch1(units, campaign):
    batch = campaign_services.batch_create(
        actor=system_actor("test"), campaign=campaign, name="第一批", starts_on=D
    )
    campaign_services.participation_enroll(
        actor=system_actor("test"),
        batch=batch,
        units=[units["own"], units["sibling"], units["unrelated"]],
        enrolled_on=D,
    )
    return batch


def test_coverage_counts_distinct_enrolled_units(units, campaign, batch1, make_activity):
    """FIGURES row 5: "covered of enrolled", with both lists."""
    make_activity(unit=units["own"], kind="reading_class", held_on=D)
    make_activity(unit=units["own"], kind="reading_class", held_on=LATER, title="第二期")
    make_activity(unit=units["sibling"], kind="reading_class", held_on=LATER)
    make_activity(unit=units["unrelated"], kind="central_group", held_on=D)
    # A township's reading class is not its banner's: enrolment does not take the subtree.
    make_activity(unit=units["child"], kind="reading_class", held_on=D)
    coverage = selectors.study_coverage(
        user=system_actor("test"), campaign=campaign, batch=batch1, kind="reading_class", as_of=None
    )
    assert (coverage.covered, coverage.enrolled) == (2, 3)
    assert {u.name for u in coverage.covered_units} == {"阿巴嘎旗", "苏尼特左旗"}
    assert [u.name for u in coverage.missing_units] == ["鄂尔多斯市"]
    as_of_d = selectors.study_coverage(
        user=system_actor("test"), campaign=campaign, batch=batch1, kind="reading_class", as_of=D
    )
    assert (as_of_d.covered, as_of_d.enrolled) == (1, 3)


def test_coverage_seen_by_a_banner_editor_is_their_own_scope(
    units, campaign, batch1, make_activity, make_user
):
    make_activity(unit=units["own"], kind="reading_class")
    editor = make_user(Role.EDITOR, units["own"])
    coverage = selectors.study_coverage(
        user=editor, campaign=campaign, batch=batch1, kind="reading_class"
    )
    assert (coverage.covered, coverage.enrolled) == (1, 1)


def test_central_group_sessions_of_batch_units(units, campaign, batch1, make_activity):
    """FIGURES row 6: a selector, since the metric engine keeps figures by subtree, not batch."""
    make_activity(unit=units["own"], kind="central_group", title="一")
    make_activity(unit=units["own"], kind="central_group", title="二", held_on=LATER)
    make_activity(unit=units["sibling"], kind="central_group", title="三")
    make_activity(unit=units["parent"], kind="central_group", title="盟级，未参学")
    make_activity(unit=units["child"], kind="central_group", title="苏木，未参学")
    make_activity(unit=units["sibling"], kind="reading_class", title="读书班")
    sessions = selectors.study_sessions_of_batch(
        user=system_actor("test"), campaign=campaign, batch=batch1, kind="central_group"
    )
    assert sorted(s.title for s in sessions) == ["一", "三", "二"]
    assert (
        selectors.study_sessions_of_batch(
            user=system_actor("test"),
            campaign=campaign,
            batch=batch1,
            kind="central_group",
            as_of=D,
        ).count()
        == 2
    )


def test_facts_match_a_rebuild_and_the_records(units, campaign, people, make_activity):
    from shigan.study import services

    a = make_activity(kind="reading_class", leaders=[people["banner_head"]])
    b = make_activity(unit=units["child"], kind="lecture", leaders=[people["section"]])
    make_activity(unit=units["sibling"], kind="party_day", held_on=LATER)
    services.study_activity_update(
        actor=system_actor("test"), activity=a, kind="central_group", held_on=LATER
    )
    services.study_participant_add(actor=system_actor("test"), activity=a, person=people["deputy"])
    services.study_activity_delete(actor=system_actor("test"), activity=b)
    probes = [units["region"], units["parent"], units["own"], units["child"], units["sibling"]]

    def figures():
        return [
            (
                metric_value(
                    m, unit=u, campaign=campaign, as_of=day, **dims, user=system_actor("test")
                ),
                metric_records(
                    m, unit=u, campaign=campaign, as_of=day, **dims, user=system_actor("test")
                ).count(),
            )
            for m in (SESSIONS, ATTENDANCES)
            for u in probes
            for day in (None, D, LATER)
            for dims in ({}, {"kind": "central_group"})
        ]

    before = figures()
    assert all(value == count for value, count in before)
    metric_rebuild(SESSIONS)
    metric_rebuild(ATTENDANCES)
    assert figures() == before


def test_moving_a_unit_takes_its_study_figures(units, campaign, make_activity):
    from shigan.orgs.services import unit_move

    make_activity(unit=units["child"], kind="reading_class")
    unit_move(actor=system_actor("test"), unit=units["child"], new_parent=units["sibling"])
    child = Unit.objects.get(pk=units["child"].pk)
    assert (
        metric_value(SESSIONS, unit=units["sibling"], campaign=campaign, user=system_actor("test"))
        == 1
    )
    assert (
        metric_value(SESSIONS, unit=units["own"], campaign=campaign, user=system_actor("test")) == 0
    )
    assert metric_value(SESSIONS, unit=child, campaign=campaign, user=system_actor("test")) == 1


def test_leader_candidates_come_from_the_unit_subtree(units):
    # People of a unit are found by the picker in its whole subtree, nearest unit first.
    person_create(
        actor=system_actor("test"), unit=units["grandchild"], name="其其格", rank=PersonRank.COUNTY
    )
    found = selectors.leader_candidates(user=system_actor("test"), unit=units["own"], query="其其")
    assert [p.name for p in found] == ["其其格"]
    assert not selectors.leader_candidates(
        user=system_actor("test"), unit=units["sibling"], query="其其"
    ).exists()
