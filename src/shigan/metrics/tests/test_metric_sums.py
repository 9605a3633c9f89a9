"""metric_sums: several figures of one subtree in one query of facts (the ledger's counts)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shigan.metrics.models import MetricFact
from shigan.metrics.selectors import metric_sums

pytestmark = pytest.mark.django_db

D = datetime.date(2023, 5, 4)


def fact(unit, metric, delta, dim="", value="", campaign=1):
    MetricFact.objects.create(
        metric=metric, unit=unit, day=D, dim=dim, value=value, delta=delta, campaign_id=campaign
    )


def test_sums_of_totals_and_of_one_dimension_in_one_query(units):
    own, other = units["own"], units["sibling"]
    fact(own, "problems.found", 3, "state", "open")
    fact(own, "problems.found", 2, "state", "open")
    fact(own, "problems.found", -1, "state", "open")
    fact(own, "problems.found", 4, "state", "closed", campaign=2)
    fact(own, "problems.found", 9)  # a total: not asked for
    fact(own, "problems.overdue", 2)
    fact(own, "problems.overdue", 5, "aspect", "1")  # another dimension: not asked for
    fact(other, "problems.overdue", 7)  # another unit
    keys = [("problems.found", "state"), ("problems.overdue", ""), ("problems.green", "")]
    with CaptureQueriesContext(connection) as queries:
        sums = metric_sums(own, keys)
    assert len(queries) == 1
    assert sums == {
        ("problems.found", "open"): 4,
        ("problems.found", "closed"): 4,
        ("problems.overdue", ""): 2,
    }
    assert metric_sums(own, keys, campaign=2) == {("problems.found", "closed"): 4}
    assert metric_sums(own, []) == {}


def test_a_sum_metric_reads_back_as_an_exact_decimal(units):
    fact(units["own"], "initiatives.project_funds", 123456)  # fen
    sums = metric_sums(units["own"], [("initiatives.project_funds", "")])
    assert sums == {("initiatives.project_funds", ""): Decimal("1234.56")}
