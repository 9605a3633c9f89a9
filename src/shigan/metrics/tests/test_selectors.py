import datetime

import pytest
from django.db.models import Sum
from django.http import Http404
from django.urls import reverse

from shigan.accounts.system import system_actor
from shigan.metrics.engine import metric_rebuild
from shigan.metrics.links import records_url
from shigan.metrics.memberships import MEMBERSHIPS
from shigan.metrics.models import MetricFact
from shigan.metrics.selectors import (
    UnitFigures,
    figures_of,
    metric_by_child,
    metric_own_by,
    metric_records,
    metric_value,
)
from shigan.orgs.choices import Role
from shigan.orgs.models import Unit
from shigan.orgs.services import membership_revoke, unit_move
from shigan.problems.metrics import PROBLEMS, PROBLEMS_CLOSED
from shigan.problems.services import problem_create, problem_set_state

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def ledger(units):
    """Three problems in 阿巴嘎旗 (one at the banner, two at a gacha), one in 苏尼特左旗."""
    create = problem_create
    made = [
        create(
            actor=system_actor("test"),
            unit=units["own"],
            title="旗直问题",
            source="research",
            found_on=D(2023, 5, 4),
        ),
        create(
            actor=system_actor("test"),
            unit=units["grandchild"],
            title="嘎查问题一",
            source="self_inspection",
            found_on=D(2023, 5, 8),
        ),
        create(
            actor=system_actor("test"),
            unit=units["grandchild"],
            title="嘎查问题二",
            source="research",
            found_on=D(2023, 6, 1),
        ),
        create(
            actor=system_actor("test"),
            unit=units["sibling"],
            title="邻旗问题",
            source="research",
            found_on=D(2023, 5, 5),
        ),
    ]
    problem_set_state(
        actor=system_actor("test"), problem=made[1], state="closed", day=D(2023, 5, 20)
    )
    return made


def test_figures_as_of_dates(units, ledger):
    banner, league = units["own"], units["parent"]
    assert metric_value(PROBLEMS, unit=banner, user=system_actor("test")) == 3
    assert metric_value(PROBLEMS, unit=league, user=system_actor("test")) == 4
    assert metric_value(PROBLEMS, unit=banner, as_of=D(2023, 5, 7), user=system_actor("test")) == 1
    assert (
        metric_value(PROBLEMS_CLOSED, unit=banner, as_of=D(2023, 5, 19), user=system_actor("test"))
        == 0
    )
    assert (
        metric_value(PROBLEMS_CLOSED, unit=banner, as_of=D(2023, 5, 20), user=system_actor("test"))
        == 1
    )
    assert metric_value(PROBLEMS, unit=league, source="research", user=system_actor("test")) == 3
    assert (
        metric_value(
            PROBLEMS, unit=league, source="research", state="open", user=system_actor("test")
        )
        == 3
    )


def _own_records(units: list, as_of=None, **dims) -> int:
    """The records of each unit itself, counted from the ledger."""
    return sum(
        metric_records(PROBLEMS, unit=unit, as_of=as_of, **dims, user=system_actor("test"))
        .filter(unit=unit)
        .count()
        for unit in units
    )


@pytest.mark.parametrize(
    "names",
    [
        ("own",),  # its gacha's records are not its own
        ("own", "grandchild"),  # a unit and a unit two levels below it
        ("own", "child", "grandchild", "sibling"),  # nested: a listed child of a listed unit
        ("parent", "child"),
        ("region",),
    ],
)
def test_own_figures_of_several_units_come_from_the_facts(units, ledger, names):
    listed = [units[name] for name in names]
    ids = Unit.objects.filter(pk__in=[u.pk for u in listed]).values("pk")
    for as_of in (None, D(2023, 5, 6)):
        own = metric_own_by(PROBLEMS, units=ids, under=units["region"], as_of=as_of)
        assert own.get("", 0) == _own_records(listed, as_of), (names, as_of)
        by_source = metric_own_by(
            PROBLEMS, units=ids, under=units["region"], as_of=as_of, dim="source"
        )
        for source in ("research", "self_inspection"):
            expected = _own_records(listed, as_of, source=source)
            assert by_source.get(source, 0) == expected, (names, as_of, source)


def test_by_child_puts_the_units_own_records_last(units, ledger):
    rows = metric_by_child(PROBLEMS, unit=units["own"], user=system_actor("test"))
    by_unit = {row.unit.pk if row.unit else "own": row.value for row in rows}
    assert by_unit["own"] == 1
    assert by_unit[units["child"].pk] == 2
    assert sum(by_unit.values()) == 3


def test_records_are_exactly_the_counted_ones(units, ledger):
    titles = set(
        metric_records(PROBLEMS, unit=units["own"], user=system_actor("test")).values_list(
            "title", flat=True
        )
    )
    assert titles == {"旗直问题", "嘎查问题一", "嘎查问题二"}
    closed = metric_records(
        PROBLEMS_CLOSED, unit=units["parent"], as_of=D(2023, 6, 7), user=system_actor("test")
    )
    assert [p.title for p in closed] == ["嘎查问题一"]


def test_a_unit_outside_the_users_scope_is_404(units, ledger, make_user):
    editor = make_user(Role.EDITOR, units["own"])
    assert metric_value(PROBLEMS, unit=units["own"], user=editor) == 3
    with pytest.raises(Http404):
        metric_value(PROBLEMS, unit=units["parent"], user=editor)
    with pytest.raises(Http404):
        metric_records(PROBLEMS, unit=units["sibling"], user=editor)


def test_a_units_figures_check_the_unit_once_for_the_user(
    units, ledger, make_user, django_assert_num_queries
):
    editor = make_user(Role.EDITOR, units["own"])
    figures = figures_of(user=editor, unit=units["own"])
    # The facts (the children's list too), never the user's scope again.
    with django_assert_num_queries(5) as reads:
        assert figures.value(PROBLEMS) == 3
        assert figures.by("state", PROBLEMS) == {"open": 2, "closed": 1}
        assert sum(row.value for row in figures.by_child(PROBLEMS)) == 3
    assert not any("orgs_membership" in q["sql"] for q in reads.captured_queries)
    for outsider, unit in (
        (editor, units["parent"]),
        (editor, units["sibling"]),
        (None, units["own"]),
    ):
        with pytest.raises(Http404):
            figures_of(user=outsider, unit=unit)
    # Nor can a unit be put in by hand, past the check.
    with pytest.raises(TypeError):
        UnitFigures(units["parent"])


def test_moving_a_unit_moves_its_figures(units, ledger, make_user):
    unit_move(actor=system_actor("test"), unit=units["child"], new_parent=units["sibling"])
    assert metric_value(PROBLEMS, unit=units["own"], user=system_actor("test")) == 1
    assert metric_value(PROBLEMS, unit=units["sibling"], user=system_actor("test")) == 3
    assert metric_value(PROBLEMS, unit=units["parent"], user=system_actor("test")) == 4
    assert (
        metric_value(
            PROBLEMS, unit=units["sibling"], as_of=D(2023, 5, 10), user=system_actor("test")
        )
        == 2
    )


def test_membership_figures_follow_grants_and_revokes(units, make_user):
    before = metric_value(
        MEMBERSHIPS, unit=units["parent"], role="editor", user=system_actor("test")
    )
    editor = make_user(Role.EDITOR, units["grandchild"])
    assert (
        metric_value(MEMBERSHIPS, unit=units["parent"], role="editor", user=system_actor("test"))
        == before + 1
    )
    assert metric_value(MEMBERSHIPS, unit=units["grandchild"], user=system_actor("test")) == 1
    membership_revoke(actor=system_actor("test"), membership=editor.memberships.get())
    assert (
        metric_value(MEMBERSHIPS, unit=units["parent"], role="editor", user=system_actor("test"))
        == before
    )


def test_rebuild_reproduces_the_incremental_facts(units, ledger):
    def snapshot():
        rows = (  # rows are appended: several may hold one day's changes
            MetricFact.objects.filter(metric=PROBLEMS.key)
            .values("unit", "day", "dim", "value")
            .annotate(n=Sum("delta"))
            .exclude(n=0)
            .values_list("unit", "day", "dim", "value", "n")
        )
        return sorted(rows)

    incremental = snapshot()
    metric_rebuild(PROBLEMS)
    assert snapshot() == incremental


def test_overview_page_links_every_figure_to_its_records(client, units, ledger, make_user):
    client.force_login(make_user(Role.VIEWER, units["parent"]))
    response = client.get(
        reverse("metrics:overview"), {"unit": units["own"].pk, "family": "problems"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    url = records_url(PROBLEMS.key, unit=units["own"])
    assert f'href="{url.replace("&", "&amp;")}">3</a>' in body
    records = client.get(url).content.decode()
    assert "共 3 条记录" in records and "嘎查问题二" in records and "邻旗问题" not in records


def test_records_page_of_a_unit_out_of_scope_is_404(client, units, ledger, make_user):
    client.force_login(make_user(Role.VIEWER, units["own"]))
    assert client.get(records_url(PROBLEMS.key, unit=units["sibling"])).status_code == 404
    assert client.get(records_url("no.such.metric", unit=units["own"])).status_code == 404


def test_overview_query_count_is_pinned_and_does_not_grow_with_records(
    client, units, ledger, make_user, django_assert_num_queries
):
    from shigan.metrics.registry import METRICS

    client.force_login(make_user(Role.VIEWER, units["parent"]))
    url = reverse("metrics:overview")
    client.get(url, {"unit": units["parent"].pk})  # warm the session
    # 6 for the page: session, user, scope (roles and guidance at once), unit, breadcrumbs
    # (the session is not saved: shigan.accounts.idle), the system account the checked unit's
    # figures are read as (`system_actor`); then per metric: the children,
    # the total and the children's sums — never a query per record or per child
    # (issue 14: one family of metrics, PER_PAGE a page)
    from shigan.metrics.views import PER_PAGE

    shown = min(PER_PAGE, sum(1 for key in METRICS if key.startswith("problems.")))
    expected = 6 + 3 * shown
    query = {"unit": units["parent"].pk, "family": "problems"}
    with django_assert_num_queries(expected):
        client.get(url, query)
    for i in range(20):
        problem_create(
            actor=system_actor("test"),
            unit=units["grandchild"],
            title=f"新增问题{i}",
            source="research",
            found_on=D(2023, 6, 2),
        )
    with django_assert_num_queries(expected):
        client.get(url, query)
