"""The metric invariants on random trees, records, state changes and unit moves."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shigan.accounts.system import system_actor
from shigan.core.errors import DomainError
from shigan.metrics.selectors import metric_by, metric_by_child, metric_records, metric_value
from shigan.orgs.models import Unit
from shigan.orgs.services import unit_create, unit_move
from shigan.problems.choices import ProblemSource, ProblemState
from shigan.problems.metrics import PROBLEMS, PROBLEMS_CLOSED, PROBLEMS_FROM_RESEARCH
from shigan.problems.models import Problem
from shigan.problems.services import problem_create, problem_set_state

pytestmark = pytest.mark.django_db

START = datetime.date(2023, 4, 1)
DAYS = 20
METRICS = (PROBLEMS, PROBLEMS_CLOSED, PROBLEMS_FROM_RESEARCH)

ops = st.lists(
    st.one_of(
        st.tuples(
            st.just("create"),
            st.integers(0, 7),
            st.sampled_from(ProblemSource.values),
            st.integers(0, DAYS),
        ),
        st.tuples(
            st.just("state"),
            st.integers(0, 30),
            st.sampled_from(ProblemState.values),
            st.integers(0, DAYS),
        ),
        st.tuples(st.just("move"), st.integers(0, 7), st.integers(0, 7), st.just(0)),
    ),
    max_size=25,
)


class Oracle:
    """An independent model of what each figure must be."""

    def __init__(self):
        self.parent: dict[int, int | None] = {}
        self.problems: list[dict] = []

    def in_subtree(self, unit_pk: int, root_pk: int) -> bool:
        while unit_pk is not None:
            if unit_pk == root_pk:
                return True
            unit_pk = self.parent[unit_pk]
        return False

    @staticmethod
    def state_on(problem: dict, as_of) -> str | None:
        state = None
        for day, new_state in problem["changes"]:  # in the order they were recorded
            if (as_of is None or day <= as_of) and (state is None or day >= state[0]):
                state = (day, new_state)
        return state[1] if state else None

    def count(self, metric, unit_pk: int, as_of) -> int:
        n = 0
        for problem in self.problems:
            if metric is PROBLEMS_FROM_RESEARCH and problem["source"] != "research":
                continue
            if self.in_subtree(problem["unit"], unit_pk):
                state = self.state_on(problem, as_of)
                if state is not None and state in metric.states:
                    n += 1
        return n


def build_tree(draw_parents: list[int]):
    root = unit_create(actor=system_actor("test"), parent=None, name="随机树", kind="other")
    units = [root]
    for i, parent_index in enumerate(draw_parents, start=1):
        parent = units[parent_index % len(units)]
        units.append(
            unit_create(
                actor=system_actor("test"), parent=parent, name=f"单位{i}", kind="department"
            )
        )
    return units


def apply(operations, units, oracle):
    for kind, a, b, offset in operations:
        day = START + datetime.timedelta(days=offset)
        if kind == "create":
            unit = units[a % len(units)]
            problem = problem_create(
                actor=system_actor("test"), unit=unit, title="问题", source=b, found_on=day
            )
            oracle.problems.append(
                {"pk": problem.pk, "unit": unit.pk, "source": b, "changes": [(day, "open")]}
            )
        elif kind == "state" and oracle.problems:
            record = oracle.problems[a % len(oracle.problems)]
            problem = Problem.objects.get(pk=record["pk"])
            if problem.state == b:
                continue
            problem_set_state(actor=system_actor("test"), problem=problem, state=b, day=day)
            record["changes"].append((day, b))
        elif kind == "move":
            unit, target = units[a % len(units)], units[b % len(units)]
            try:
                unit_move(actor=system_actor("test"), unit=unit, new_parent=target)
            except DomainError:
                continue
            oracle.parent[unit.pk] = target.pk


def check(units, oracle):
    for unit in units:
        unit.refresh_from_db()
    for metric in METRICS:
        for as_of in (
            None,
            START,
            START + datetime.timedelta(days=7),
            START + datetime.timedelta(days=DAYS),
        ):
            for unit in units:
                value = metric_value(metric, unit=unit, as_of=as_of, user=system_actor("test"))
                assert value == oracle.count(metric, unit.pk, as_of), (metric.key, unit, as_of)
                records = list(
                    metric_records(metric, unit=unit, as_of=as_of, user=system_actor("test"))
                )
                assert len(records) == value
                assert len({r.pk for r in records}) == value
                rows = metric_by_child(metric, unit=unit, as_of=as_of, user=system_actor("test"))
                assert sum(r.value for r in rows) == value
                for row in rows:
                    if row.unit is not None:
                        assert row.value == oracle.count(metric, row.unit.pk, as_of)
                if "source" in metric.dims:
                    assert (
                        sum(
                            metric_by(
                                "source", metric, unit=unit, as_of=as_of, user=system_actor("test")
                            ).values()
                        )
                        == value
                    )
                    for source in ProblemSource.values:
                        split = metric_value(
                            metric, unit=unit, as_of=as_of, source=source, user=system_actor("test")
                        )
                        assert (
                            split
                            == metric_records(
                                metric,
                                unit=unit,
                                as_of=as_of,
                                source=source,
                                user=system_actor("test"),
                            ).count()
                        )


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(parents=st.lists(st.integers(0, 10), min_size=1, max_size=7), operations=ops)
def test_metric_invariants(parents, operations):
    with transaction.atomic():
        units = build_tree(parents)
        oracle = Oracle()
        for unit in units:
            parent = Unit.objects.get_parent(unit) if unit.depth > 1 else None
            oracle.parent[unit.pk] = parent.pk if parent else None
        apply(operations, units, oracle)
        check(units, oracle)
        transaction.set_rollback(True)
