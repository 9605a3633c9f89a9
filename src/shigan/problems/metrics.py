"""The problem metrics, declared once; and the article's rectification figures (FIGURES rows
12–20) that are not plain counts under a unit: the distinct aspects of rows 16–17, and the
"of batch-1 units" figures (rows 17–19), each with the records behind it.

Row 12 is `problems.research` and row 13 `problems.research_measures` (of batch-1 units via
`campaigns.selectors.batch_records`); rows 14–15 are research figures.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from shigan.campaigns.models import Aspect
from shigan.campaigns.selectors import batch_records
from shigan.core.deadlines import Light
from shigan.metrics.registry import StateHistory, campaign_metric, register_variant
from shigan.metrics.selectors import metric_records
from shigan.problems.choices import ProblemSource, ProblemState
from shigan.problems.models import (
    Measure,
    Problem,
    ProblemLightChange,
    ProblemTransition,
    Rule,
    SpecialProgram,
)

HISTORY = StateHistory(ProblemTransition, record_field="problem")
ALL_STATES = tuple(ProblemState.values)

PROBLEMS = campaign_metric(
    "problems.found",
    _("问题数"),
    Problem,
    states=ALL_STATES,
    history=HISTORY,
    dims=("source", "state", "aspect", "light", "term"),
    order_by=("-found_on", "-pk"),
)
PROBLEMS_CLOSED = register_variant(
    PROBLEMS,
    key="problems.closed",
    label=_("已销号问题数"),
    states=(ProblemState.CLOSED,),
    dims=("source", "aspect"),
)
PROBLEMS_FROM_RESEARCH = register_variant(
    PROBLEMS,
    key="problems.research",
    label=_("调研发现问题数"),
    filter=Q(source="research"),
    dims=("aspect",),
)
# Problems carried over from an earlier campaign, counted in theirs from the carry-over day.
CARRIED_IN = register_variant(
    PROBLEMS,
    key="problems.carried_in",
    label=_("转入问题数"),
    filter=Q(carried_from__isnull=False),
    dims=("aspect", "state"),
    order_by=("-carried_on", "-pk"),
)

MEASURES = campaign_metric(
    "problems.measures",
    _("整改措施数"),
    Measure,
    unit_field="problem__unit",
    campaign_field="problem__campaign",
    date_field="added_on",
    dims=("problem__source",),
)
# FIGURES row 13: measures proposed for the problems that research found.
RESEARCH_MEASURES = register_variant(
    MEASURES,
    key="problems.research_measures",
    label=_("调研发现问题的整改措施数"),
    filter=Q(problem__source="research"),
    dims=(),
)

# FIGURES row 17: problems found by self-inspection (检视问题).
SELF_INSPECTION = register_variant(
    PROBLEMS,
    key="problems.self_inspection",
    label=_("检视问题数"),
    filter=Q(source=ProblemSource.SELF_INSPECTION),
    dims=("aspect", "state", "light"),
)
# FIGURES row 18: of those, closed (已完成整改) by the as-of date.
SELF_INSPECTION_CLOSED = register_variant(
    SELF_INSPECTION,
    key="problems.self_inspection_closed",
    label=_("检视问题已完成整改数"),
    states=(ProblemState.CLOSED,),
    dims=("aspect",),
)
# FIGURES row 19: measures added to the self-inspection problems.
SELF_INSPECTION_MEASURES = register_variant(
    MEASURES,
    key="problems.self_inspection_measures",
    label=_("检视问题新增整改措施数"),
    filter=Q(problem__source=ProblemSource.SELF_INSPECTION),
    dims=(),
)
# Problems by their light, from the light history (`light_history`): each counts from the day
# its light took effect until the day it changed (a closed problem has no light). Red is
# overdue (逾期).
LIGHT_HISTORY = StateHistory(ProblemLightChange, record_field="problem", state_field="to_light")
_LIGHT_DIMS = ("source", "aspect", "term")
OVERDUE, YELLOW, GREEN = (
    campaign_metric(
        key,
        label,
        Problem,
        states=(light,),
        history=LIGHT_HISTORY,
        dims=_LIGHT_DIMS,
        order_by=("deadline", "pk"),
    )
    for key, label, light in (
        ("problems.overdue", _("逾期问题数"), Light.RED),
        ("problems.yellow", _("黄灯问题数"), Light.YELLOW),
        ("problems.green", _("绿灯问题数"), Light.GREEN),
    )
)
LIGHT_METRICS = (GREEN, YELLOW, OVERDUE)
# FIGURES row 20: special programs (专项整治方案) of the campaign.
SPECIAL_PROGRAMS = campaign_metric(
    "problems.special_programs",
    _("专项整治数"),
    SpecialProgram,
    unit_field="lead_unit",
    date_field="created_on",
)
RULES = campaign_metric(
    "problems.rules", _("建章立制数"), Rule, date_field="created_on", dims=("kind", "state")
)


@dataclass(frozen=True)
class AspectFigure:
    """Problems, with the distinct aspects they fall in (FIGURES rows 16–17)."""

    value: int
    records: QuerySet
    aspects: int
    aspect_records: QuerySet


def _with_aspects(records: QuerySet) -> AspectFigure:
    aspects = Aspect.objects.filter(pk__in=records.order_by().values("aspect")).order_by("ordinal")
    return AspectFigure(records.count(), records, aspects.count(), aspects)


def root_problems(*, campaign, user, as_of: datetime.date | None = None) -> AspectFigure:
    """FIGURES row 16: the problems of the campaign's root unit itself (自治区层面), and the
    number of distinct aspects they fall in."""
    root = campaign.root_unit
    records = metric_records(PROBLEMS, unit=root, user=user, campaign=campaign, as_of=as_of)
    return _with_aspects(records.filter(unit=root))


def batch_self_inspection(*, batch, user, unit=None, as_of: datetime.date | None = None) -> dict:
    """FIGURES rows 17–19 for the units enrolled in `batch`: self-inspection problems (with
    their distinct aspects), those closed by `as_of`, and the measures added to them."""
    found = batch_records(SELF_INSPECTION.key, batch=batch, unit=unit, user=user, as_of=as_of)
    return {
        "self_inspection": _with_aspects(found.records),
        "closed": batch_records(
            SELF_INSPECTION_CLOSED.key, batch=batch, unit=unit, user=user, as_of=as_of
        ),
        "measures": batch_records(
            SELF_INSPECTION_MEASURES.key, batch=batch, unit=unit, user=user, as_of=as_of
        ),
    }
