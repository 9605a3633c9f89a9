"""Sum metrics: each record adds its amount (yuan, kept as integer fen in the facts) and the
figures read back as exact Decimals — through creation, a change of amount, a move of the
record or of its unit, deletion and as-of dates. The fund metric of the initiatives app is the
sum metric under test."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from shigan.accounts.system import system_actor
from shigan.campaigns.services import campaign_create
from shigan.initiatives.metrics import PROJECT_FUNDS, PROJECTS
from shigan.initiatives.models import Project
from shigan.initiatives.services import projects
from shigan.metrics.engine import metric_rebuild
from shigan.metrics.links import records_url
from shigan.metrics.models import MetricFact
from shigan.metrics.selectors import metric_by, metric_by_child, metric_records, metric_value
from shigan.orgs.choices import Role
from shigan.orgs.services import unit_move

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def campaign(units):
    return campaign_create(
        actor=system_actor("test"),
        name="主题教育",
        root_unit=units["region"],
        starts_on=D(2023, 4, 1),
    )


def project(campaign, unit, name, amount, day, area="border_security", kind="security"):
    return projects.project_create(
        actor=system_actor("test"),
        campaign=campaign,
        unit=unit,
        name=name,
        kind=kind,
        area=area,
        funds_allocated=Decimal(amount),
        approved_on=day,
    )


@pytest.fixture
def funds(campaign, units):
    return [
        project(campaign, units["own"], "旗本级", "19370000000.00", D(2023, 5, 4)),
        project(campaign, units["grandchild"], "嘎查", "0.01", D(2023, 5, 8)),
        project(
            campaign, units["sibling"], "邻旗", "714000000", D(2023, 5, 5), kind="ethnic_affairs"
        ),
    ]


def test_sums_are_exact_decimals_and_counts_stay_ints(units, funds):
    league, banner = units["parent"], units["own"]
    total = metric_value(PROJECT_FUNDS, unit=league, user=system_actor("test"))
    assert total == Decimal("20084000000.01") and isinstance(total, Decimal)
    assert metric_value(PROJECT_FUNDS, unit=banner, user=system_actor("test")) == Decimal(
        "19370000000.01"
    )
    count = metric_value(PROJECTS, unit=league, user=system_actor("test"))
    assert count == 3 and isinstance(count, int)
    facts = MetricFact.objects.filter(metric=PROJECT_FUNDS.key, unit=league, dim="")
    assert sum(facts.values_list("delta", flat=True)) == 2008400000001  # fen, an integer


def test_changing_an_amount_changes_every_sum_above(units, funds):
    projects.project_update(
        actor=system_actor("test"), project=funds[0], funds_allocated=Decimal("3220000000")
    )
    assert metric_value(PROJECT_FUNDS, unit=units["own"], user=system_actor("test")) == Decimal(
        "3220000000.01"
    )
    assert metric_value(PROJECT_FUNDS, unit=units["region"], user=system_actor("test")) == Decimal(
        "3934000000.01"
    )
    assert (
        metric_value(PROJECTS, unit=units["region"], user=system_actor("test")) == 3
    )  # the count does not move


def test_moving_a_record_or_its_unit_moves_its_amount(units, funds):
    projects.project_update(actor=system_actor("test"), project=funds[1], unit=units["own"])
    rows = {
        r.unit.pk if r.unit else "own": r.value
        for r in metric_by_child(PROJECT_FUNDS, unit=units["own"], user=system_actor("test"))
    }
    assert rows["own"] == Decimal("19370000000.01") and rows[units["child"].pk] == 0
    projects.project_update(actor=system_actor("test"), project=funds[1], unit=units["grandchild"])
    unit_move(actor=system_actor("test"), unit=units["child"], new_parent=units["sibling"])
    assert metric_value(PROJECT_FUNDS, unit=units["own"], user=system_actor("test")) == Decimal(
        "19370000000.00"
    )
    assert metric_value(PROJECT_FUNDS, unit=units["sibling"], user=system_actor("test")) == Decimal(
        "714000000.01"
    )
    assert metric_value(PROJECT_FUNDS, unit=units["parent"], user=system_actor("test")) == Decimal(
        "20084000000.01"
    )


def test_deleting_a_record_takes_its_amount_out(units, funds):
    projects.project_delete(actor=system_actor("test"), project=funds[0])
    assert metric_value(PROJECT_FUNDS, unit=units["parent"], user=system_actor("test")) == Decimal(
        "714000000.01"
    )
    assert not Project.objects.filter(name="旗本级").exists()


def test_as_of_dates_and_splits(units, funds, campaign):
    league = units["parent"]
    assert (
        metric_value(PROJECT_FUNDS, unit=league, as_of=D(2023, 5, 3), user=system_actor("test"))
        == 0
    )
    assert metric_value(
        PROJECT_FUNDS, unit=league, as_of=D(2023, 5, 4), user=system_actor("test")
    ) == Decimal("19370000000")
    assert metric_value(
        PROJECT_FUNDS, unit=league, as_of=D(2023, 5, 7), user=system_actor("test")
    ) == Decimal("20084000000")
    assert metric_by("kind", PROJECT_FUNDS, unit=league, user=system_actor("test")) == {
        "security": Decimal("19370000000.01"),
        "ethnic_affairs": Decimal("714000000.00"),
    }
    # Two dimensions at once are summed from the records, exactly.
    both = metric_value(
        PROJECT_FUNDS,
        unit=league,
        area="border_security",
        kind="security",
        user=system_actor("test"),
    )
    assert both == Decimal("19370000000.01") and isinstance(both, Decimal)
    split = metric_by(
        "kind", PROJECT_FUNDS, unit=league, area="border_security", user=system_actor("test")
    )
    assert split["ethnic_affairs"] == Decimal("714000000.00")
    rows = metric_by_child(
        PROJECT_FUNDS,
        unit=league,
        area="border_security",
        kind="security",
        user=system_actor("test"),
    )
    assert sum(r.value for r in rows) == both
    assert metric_value(
        PROJECT_FUNDS, unit=league, campaign=campaign, user=system_actor("test")
    ) == Decimal("20084000000.01")


def test_rebuild_reproduces_the_incremental_sums(units, funds):
    def snapshot():
        rows = (  # rows are appended: several may hold one day's changes
            MetricFact.objects.filter(metric=PROJECT_FUNDS.key)
            .values("unit", "day", "dim", "value")
            .annotate(n=Sum("delta"))
            .exclude(n=0)
            .values_list("unit", "day", "dim", "value", "n")
        )
        return sorted(rows)

    projects.project_update(
        actor=system_actor("test"), project=funds[2], funds_allocated=Decimal("600000000")
    )
    incremental = snapshot()
    metric_rebuild(PROJECT_FUNDS)
    assert snapshot() == incremental


def test_pages_show_yi_yuan_with_the_exact_value_on_hover(client, units, funds, make_user):
    client.force_login(make_user(Role.VIEWER, units["parent"]))
    query = {"unit": units["own"].pk, "family": "initiatives"}
    body = client.get(reverse("metrics:overview"), query).content.decode()
    url = records_url(PROJECT_FUNDS.key, unit=units["own"]).replace("&", "&amp;")
    assert f'href="{url}" title="19,370,000,000.01元">193.7亿元</a>' in body
    records = client.get(records_url(PROJECT_FUNDS.key, unit=units["own"])).content.decode()
    assert "共 2 条记录" in records and 'title="19,370,000,000.00元">193.7亿元' in records


def test_api_gives_sums_as_decimal_strings(units, funds, make_user):
    api = APIClient()
    api.force_authenticate(make_user(Role.VIEWER, units["parent"]))
    own = units["own"].pk
    value = api.get(f"/api/metrics/{PROJECT_FUNDS.key}/value/", {"unit": own}).json()["value"]
    assert value == "19370000000.01"
    assert api.get(f"/api/metrics/{PROJECTS.key}/value/", {"unit": own}).json()["value"] == 2
    rows = api.get(f"/api/metrics/{PROJECT_FUNDS.key}/by-child/", {"unit": own}).json()
    assert sum(Decimal(r["value"]) for r in rows) == Decimal("19370000000.01")
    by = api.get(f"/api/metrics/{PROJECT_FUNDS.key}/by/kind/", {"unit": own}).json()
    assert by == {"security": "19370000000.01"}
    records = api.get(f"/api/metrics/{PROJECT_FUNDS.key}/records/", {"unit": own}).json()
    assert {r["amount"] for r in records["results"]} == {"19370000000.00", "0.01"}
    catalogue = {m["key"]: m["kind"] for m in api.get("/api/metrics/").json()}
    assert catalogue[PROJECT_FUNDS.key] == "sum" and catalogue[PROJECTS.key] == "count"


amounts = st.decimals(min_value=0, max_value=Decimal("99999999999.99"), places=2)
ops = st.lists(
    st.one_of(
        st.tuples(st.just("create"), st.integers(0, 4), amounts, st.integers(0, 10)),
        st.tuples(st.just("amount"), st.integers(0, 20), amounts, st.just(0)),
        st.tuples(st.just("unit"), st.integers(0, 20), st.integers(0, 4), st.just(0)),
        st.tuples(st.just("delete"), st.integers(0, 20), st.just(0), st.just(0)),
    ),
    max_size=12,
)


@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=ops)
def test_sum_facts_always_equal_the_records_exact_sum(units, campaign, operations):
    places = [units[k] for k in ("own", "child", "grandchild", "sibling", "unrelated")]
    with transaction.atomic():
        made = []
        for i, (kind, a, b, offset) in enumerate(operations):
            if kind == "create":
                day = D(2023, 5, 1) + datetime.timedelta(days=offset)
                made.append(project(campaign, places[a], f"项目{i}", b, day))
            elif made and kind == "amount":
                made[a % len(made)] = projects.project_update(
                    actor=system_actor("test"), project=made[a % len(made)], funds_allocated=b
                )
            elif made and kind == "unit":
                made[a % len(made)] = projects.project_update(
                    actor=system_actor("test"), project=made[a % len(made)], unit=places[b]
                )
            elif made and kind == "delete":
                projects.project_delete(actor=system_actor("test"), project=made.pop(a % len(made)))
        for unit in (units["region"], units["parent"], units["own"], units["child"]):
            for as_of in (None, D(2023, 5, 5)):
                expected = sum(
                    (
                        p.funds_allocated
                        for p in metric_records(
                            PROJECT_FUNDS, unit=unit, as_of=as_of, user=system_actor("test")
                        )
                    ),
                    Decimal("0.00"),
                )
                assert (
                    metric_value(PROJECT_FUNDS, unit=unit, as_of=as_of, user=system_actor("test"))
                    == expected
                )
        transaction.set_rollback(True)
