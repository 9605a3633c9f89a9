"""The ledger page is cached under data versions (core/versions.py, problems/versions.py): a
repeated view is served from the cache, and every kind of write shows on the very next view."""

import datetime
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shigan.accounts.system import system_actor
from shigan.campaigns import services as campaigns
from shigan.orgs.models import Membership
from shigan.orgs.services import membership_revoke, unit_move, unit_update
from shigan.problems import services
from shigan.problems.models import Problem
from shigan.problems.services import (
    MeasureDraft,
    ProblemDraft,
    measure_bulk_add,
    problem_bulk_create,
)
from shigan.problems.tests.conftest import pdf, unfinished
from shigan.problems.versions import problems_subtree_token, problems_touch_units
from shigan.problems.watch import problems_watch

pytestmark = pytest.mark.django_db

D = datetime.date


def _page(client, unit, **params) -> str:
    response = client.get(reverse("problems:ledger", args=[unit.pk]), params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _tokens(*units) -> dict:
    return {u.path: problems_subtree_token(u.path) for u in units}


def test_repeat_view_is_served_from_the_cache(
    client, reviewer, units, problem, django_assert_max_num_queries
):
    client.force_login(reviewer)
    first = _page(client, units["parent"])
    # The session, the user, the unit's path with its data versions, saving the session.
    with django_assert_max_num_queries(6) as hit:
        again = _page(client, units["parent"])
    assert not any("problems_problem" in q["sql"] for q in hit.captured_queries)
    assert "调研走过场" in again and "共 1 个问题" in again
    csrf = re.compile(r"[A-Za-z0-9]{64}")  # the masked CSRF token differs on every response
    assert csrf.sub("", again) == csrf.sub("", first)


def test_every_write_shows_on_the_next_view(client, reviewer, editor, units, campaign, problem):
    client.force_login(reviewer)
    league = units["parent"]
    assert "调研走过场" in _page(client, league)

    services.problem_update(actor=editor, problem=problem, title="调研走过场问题")
    assert "调研走过场问题" in _page(client, league)

    services.measure_add(actor=editor, problem=problem, text="建立台账", added_on=D(2023, 5, 5))
    assert '<span class="badge">整改中</span>' in _page(client, league)

    services.progress_report_add(
        actor=editor, problem=problem, text="完成四成", percent=40, reported_on=D(2023, 5, 20)
    )
    assert ">40%</td>" in _page(client, league)

    program = services.special_program_create(
        actor=system_actor("test"), campaign=campaign, name="整治形式主义专项", lead_unit=league
    )
    services.special_program_assign(actor=editor, program=program, problems=[problem])
    assert "整治形式主义专项" in _page(client, league)

    closeout = services.closeout_submit(
        actor=editor,
        problem=problem,
        finish=unfinished(problem),
        summary="已整改",
        submitted_on=D(2023, 6, 1),
        files=[pdf()],
    )
    assert "待销号 1 个" in _page(client, league)
    services.closeout_decide(
        actor=reviewer, closeout=closeout, accept=True, decided_on=D(2023, 6, 2)
    )
    assert "已销号 1 个" in _page(client, league)

    problem_bulk_create(
        actor=editor,
        drafts=[ProblemDraft(unit=units["own"], title="导入的问题", source="research",
                             found_on=D(2023, 5, 6), campaign=campaign)],
    )  # fmt: skip
    page = _page(client, league)
    assert "导入的问题" in page and "共 2 个问题" in page


def test_a_later_measure_shows_in_the_cached_search_by_measure(
    client, reviewer, editor, units, problem
):
    """Only the first measure changes the problem's figures; a later one must still refresh
    the ledger rows that are searched by 措施包含."""
    client.force_login(reviewer)
    league = units["parent"]
    services.measure_add(actor=editor, problem=problem, text="建立台账", added_on=D(2023, 5, 5))
    assert "调研走过场" not in _page(client, league, measure_q="约谈督办")
    services.measure_add(actor=editor, problem=problem, text="约谈督办", added_on=D(2023, 5, 6))
    page = _page(client, league, measure_q="约谈督办")
    assert "调研走过场" in page and "共 1 个问题" in page


def test_the_filters_outlive_problem_writes_and_follow_their_own_data(
    client, reviewer, editor, units, campaign, problem
):
    client.force_login(reviewer)
    league = units["parent"]
    _page(client, league)
    services.measure_add(actor=editor, problem=problem, text="建立台账", added_on=D(2023, 5, 5))
    with CaptureQueriesContext(connection) as drawn:
        page = _page(client, league)
    assert '<span class="badge">整改中</span>' in page  # drawn again, with the filters kept
    tables = ("campaigns_campaign", "campaigns_aspect", "problems_specialprogram")
    assert not [q for q in drawn if any(f'FROM "{t}"' in q["sql"] for t in tables)]
    program = services.special_program_create(
        actor=system_actor("test"), campaign=campaign, name="新的专项整治", lead_unit=league
    )
    assert f'<option value="{program.pk}">新的专项整治</option>' in _page(client, league)


def test_names_roles_and_moves_show_on_the_next_view(
    client, reviewer, units, campaign, aspect, problem, editor
):
    client.force_login(reviewer)
    league, own = units["parent"], units["own"]
    services.problem_update(actor=editor, problem=problem, aspect=aspect)
    assert "理论学习" in _page(client, league)

    campaigns.aspect_rename(actor=system_actor("test"), aspect=aspect, name="理论学习不深入")
    assert "理论学习不深入" in _page(client, league)

    unit_update(actor=system_actor("test"), unit=own, name="阿巴嘎旗（新）", kind=own.kind)
    assert "阿巴嘎旗（新）" in _page(client, league)

    # The banner moves out of the league: its problem leaves the league's ledger.
    unit_move(actor=system_actor("test"), unit=own, new_parent=units["unrelated"])
    assert "调研走过场" not in _page(client, league)

    # The reviewer loses the role: the ledger is out of scope at once.
    membership_revoke(actor=system_actor("test"), membership=Membership.objects.get(user=reviewer))
    response = client.get(reverse("problems:ledger", args=[league.pk]))
    assert response.status_code == 404


def test_a_write_touches_its_subtree_and_nothing_beside_it(units, campaign, editor, problem):
    region, league, own, sibling = (units[k] for k in ("region", "parent", "own", "sibling"))
    before = _tokens(region, league, own, sibling)
    services.problem_update(actor=editor, problem=problem, title="改过的标题")
    after = _tokens(region, league, own, sibling)
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {u.path for u in (region, league, own)}

    before = after
    measure_bulk_add(
        actor=editor, drafts=[MeasureDraft(problem=problem, text="措施", added_on=D(2023, 5, 5))]
    )
    after = _tokens(region, league, own, sibling)
    assert after[own.path] != before[own.path]
    assert after[sibling.path] == before[sibling.path]


def test_the_daily_watch_touches_what_it_marks(units, campaign, editor, calendar):
    problem = services.problem_create(
        actor=editor,
        unit=units["own"],
        campaign=campaign,
        title="到期问题",
        source="self_inspection",
        found_on=datetime.date.today(),
        deadline=datetime.date.today() + datetime.timedelta(days=60),
    )
    assert problem.light == "green"
    before = _tokens(units["own"])
    problems_watch(today=problem.deadline + datetime.timedelta(days=3))
    problem.refresh_from_db()
    assert problem.light == "red"
    assert _tokens(units["own"]) != before


def test_a_rolled_back_write_keeps_the_token(units):
    before = _tokens(units["own"])
    with pytest.raises(RuntimeError), transaction.atomic():
        problems_touch_units([units["own"].path])
        assert _tokens(units["own"]) != before
        raise RuntimeError
    assert _tokens(units["own"]) == before


def test_scope_and_query_are_part_of_the_key(client, make_user, units, campaign, editor):
    """Two users with different scopes, or two filters, never share an entry."""
    from shigan.orgs.choices import Role

    services.problem_create(
        actor=system_actor("test"), unit=units["own"], campaign=campaign, title="本旗问题",
        source="research", found_on=D(2023, 5, 4),
    )  # fmt: skip
    services.problem_create(
        actor=system_actor("test"), unit=units["sibling"], campaign=campaign, title="旁旗问题",
        source="petition", found_on=D(2023, 5, 4),
    )  # fmt: skip
    league_viewer = make_user(Role.VIEWER, units["parent"])
    client.force_login(league_viewer)
    page = _page(client, units["parent"])
    assert "本旗问题" in page and "旁旗问题" in page
    assert "旁旗问题" not in _page(client, units["parent"], source="research")
    assert Problem.objects.count() == 2
