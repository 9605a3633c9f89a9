from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shigan.metrics.registry import Metric, StateHistory, register_metric
from shigan.problems.choices import ProblemState
from shigan.problems.models import Measure, Problem, ProblemTransition

HISTORY = StateHistory(ProblemTransition, record_field="problem")
ALL_STATES = tuple(ProblemState.values)

PROBLEMS = register_metric(
    Metric(
        key="problems.found",
        label=_("问题数"),
        model=Problem,
        states=ALL_STATES,
        history=HISTORY,
        campaign_field="campaign",
        dims=("source", "state", "aspect"),
        order_by=("-found_on", "-pk"),
    )
)
PROBLEMS_CLOSED = register_metric(
    Metric(
        key="problems.closed",
        label=_("已销号问题数"),
        model=Problem,
        states=(ProblemState.CLOSED,),
        history=HISTORY,
        campaign_field="campaign",
        dims=("source", "aspect"),
        order_by=("-found_on", "-pk"),
    )
)
PROBLEMS_FROM_RESEARCH = register_metric(
    Metric(
        key="problems.research",
        label=_("调研发现问题数"),
        model=Problem,
        filter=Q(source="research"),
        states=ALL_STATES,
        history=HISTORY,
        campaign_field="campaign",
        dims=("aspect",),
        order_by=("-found_on", "-pk"),
    )
)

MEASURES = register_metric(
    Metric(
        key="problems.measures",
        label=_("整改措施数"),
        model=Measure,
        unit_field="problem__unit",
        campaign_field="problem__campaign",
        date_field="added_on",
        dims=("problem__source",),
        order_by=("-added_on", "-pk"),
    )
)
# FIGURES row 13: measures proposed for the problems that research found.
RESEARCH_MEASURES = register_metric(
    Metric(
        key="problems.research_measures",
        label=_("调研发现问题的整改措施数"),
        model=Measure,
        unit_field="problem__unit",
        campaign_field="problem__campaign",
        date_field="added_on",
        filter=Q(problem__source="research"),
        order_by=("-added_on", "-pk"),
    )
)
