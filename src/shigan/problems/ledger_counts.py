"""The ledger's counts by state and light, from the facts where the filter allows.

A ledger shown for a unit's whole subtree (perhaps one campaign, perhaps a unit under it) is
counted from the daily facts of `problems.found` (by state) and of the light metrics — a few
indexed rows of one unit, whatever the number of problems below. Any other filter (a word, an
aspect, a light, a date range …) or a user who sees only part of the subtree is counted from
the records, as before (`selectors.ledger_counts`).
"""

from django.db.models import QuerySet

from shigan.metrics.selectors import metric_sums
from shigan.orgs.models import Unit
from shigan.orgs.scoping import ALL, user_scope_paths
from shigan.problems.choices import UNFINISHED_STATES, ProblemState
from shigan.problems.metrics import GREEN, OVERDUE, PROBLEMS, YELLOW
from shigan.problems.selectors import LedgerCounts, ledger_counts

__all__ = ["ledger_counts_for", "ledger_counts_from_facts"]

_FACT_CRITERIA = {"campaign", "unit", "under"}
_LIGHTS = {GREEN.key: "green", YELLOW.key: "yellow", OVERDUE.key: "red"}


def _sees_whole(user, unit: Unit) -> bool:
    paths = user_scope_paths(user, "view")
    return paths is ALL or any(unit.path.startswith(p) for p in paths)


def ledger_counts_for(*, user, unit: Unit, criteria: dict, problems: QuerySet) -> LedgerCounts:
    """The counts of the ledger `problems` (the unit's, filtered by `criteria`): from the facts
    when the filter is only a campaign and a unit within the subtree the user sees wholly."""
    given = {k for k, v in criteria.items() if v not in (None, "", [], (), False)}
    shown = criteria.get("under") or unit
    if (
        given <= _FACT_CRITERIA
        and shown.path.startswith(unit.path)
        and not criteria.get("own_only")
        and _sees_whole(user, shown)
    ):
        return ledger_counts_from_facts(unit=shown, campaign=criteria.get("campaign"))
    return ledger_counts(problems)


def ledger_counts_from_facts(*, unit: Unit, campaign=None) -> LedgerCounts:
    """Counts by state and by light of the unit's whole subtree now, in one query of facts."""
    keys = [(PROBLEMS.key, "state")] + [(metric, "") for metric in _LIGHTS]
    sums = metric_sums(unit, keys, campaign)
    # Counts: the sums of count metrics are whole numbers.
    by_state = {value: int(n) for (metric, value), n in sums.items() if metric == PROBLEMS.key}
    lights = {light: int(sums.get((metric, ""), 0)) for metric, light in _LIGHTS.items()}
    return LedgerCounts(
        total=sum(by_state.values()),
        unfinished=sum(by_state.get(s, 0) for s in UNFINISHED_STATES),
        closed=by_state.get(ProblemState.CLOSED, 0),
        pending_review=by_state.get(ProblemState.PENDING_REVIEW, 0),
        **lights,
    )
