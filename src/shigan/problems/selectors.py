"""Reads on the problem ledger; every one that depends on the user starts from
`restrict(user, action)`, so a record outside the user's scope is a 404, never a 403."""

import datetime
from dataclasses import dataclass
from itertools import chain

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from shigan.audit.models import AuditEntry
from shigan.audit.registry import action_label
from shigan.campaigns.choices import AspectKind
from shigan.campaigns.models import Aspect, Campaign, GuidanceGroup
from shigan.core.search import (
    Search,
    capped_count,
    capped_search,
    matching,
    rank,
    search_cap,
    text_filter,
    text_search,
)
from shigan.orgs.models import Membership, Unit
from shigan.orgs.scoping import ALL, path_upper, subtree_q, user_scope_paths
from shigan.problems.choices import (
    UNFINISHED_STATES,
    CloseOutState,
    ExtensionState,
    Light,
    ProblemState,
)
from shigan.problems.models import (
    MEASURE_SEARCH,
    TITLE_SEARCH,
    CloseOut,
    DeadlineExtension,
    Evidence,
    Measure,
    Problem,
    ProblemTransition,
    ProgressReport,
    Rule,
    SpecialProgram,
)
from shigan.problems.permissions import REVIEW_ROLES
from shigan.problems.versions import ledger_tokens

__all__ = [
    "LedgerCounts",
    "HistoryItem",
    "ancestor_paths",
    "ledger_versions",
    "campaigns_for_unit",
    "default_campaign",
    "problem_aspects",
    "problem_filter",
    "problem_list",
    "problem_ledger",
    "problems_for_bulk",
    "problem_get",
    "problem_detail",
    "problem_history",
    "evidence_by_problem",
    "measures_by_problem",
    "report_counts",
    "ledger_counts",
    "review_condition",
    "closeout_inbox",
    "extension_inbox",
    "closeout_get",
    "extension_get",
    "measure_get",
    "evidence_open",
    "evidence_list",
    "units_for_record",
    "special_program_list",
    "rule_list",
]

LIST_RELATED = ("unit", "aspect", "responsible", "special_program")


def ancestor_paths(unit: Unit, *, include_self: bool = True) -> list[str]:
    paths = Unit.lineage_paths(unit.path)
    return paths if include_self else paths[:-1]


def campaigns_for_unit(*, unit: Unit) -> QuerySet[Campaign]:
    """The campaigns whose tree holds the unit, the latest first."""
    return Campaign.objects.filter(root_unit__path__in=ancestor_paths(unit)).order_by(
        "-starts_on", "-pk"
    )


def default_campaign(*, unit: Unit, pk=None) -> Campaign | None:
    """The campaign asked for (if it covers the unit; else None), or the latest covering it."""
    campaigns = campaigns_for_unit(unit=unit)
    if pk not in (None, ""):
        try:
            return campaigns.filter(pk=int(pk)).first()
        except (TypeError, ValueError):
            return None
    return campaigns.first()


def problem_aspects(*, campaigns) -> QuerySet[Aspect]:
    return (
        Aspect.objects.filter(campaign__in=campaigns, kind=AspectKind.PROBLEM)
        .select_related("campaign")
        .order_by("campaign", "ordinal")
    )


def problem_filter(problems: QuerySet[Problem], criteria: dict) -> QuerySet[Problem]:
    """The ledger's filters, already parsed (forms and django-filter both end here)."""
    c = {k: v for k, v in criteria.items() if v not in (None, "", [], ())}
    if "campaign" in c:
        problems = problems.filter(campaign=c["campaign"])
    if "aspect" in c:
        problems = problems.filter(aspect=c["aspect"])
    for field in ("source", "state", "term"):
        if field in c:
            problems = problems.filter(**{field: c[field]})
    if "light" in c:  # a closed problem has no light, whatever the column holds
        problems = problems.filter(light=c["light"], state__in=UNFINISHED_STATES)
    if "deadline_from" in c:
        problems = problems.filter(deadline__gte=c["deadline_from"])
    if "deadline_to" in c:
        problems = problems.filter(deadline__lte=c["deadline_to"])
    if "under" in c:
        problems = problems.filter(subtree_q([c["under"].path], "unit__path"))
    if c.get("own_only") and "unit" in c:
        problems = problems.filter(unit=c["unit"])
    if "special_program" in c:
        problems = problems.filter(special_program=c["special_program"])
    if "q" in c:
        problems = problem_search(problems, c["q"])
    if "measure_q" in c:
        problems = problems_by_measure(problems, c["measure_q"])
    return problems


def problem_search(problems: QuerySet[Problem], words: str) -> QuerySet[Problem]:
    """Problems whose title holds every word (indexed, see core/search.py)."""
    return text_filter(problems, TITLE_SEARCH, words)


def problems_by_measure(problems: QuerySet[Problem], words: str) -> QuerySet[Problem]:
    """Problems one of whose measures holds every word."""
    ids = matching(MEASURE_SEARCH, words, select="problem_id", using=problems.db)
    return problems.none() if ids is None else problems.filter(pk__in=ids)


def measure_search(measures: QuerySet[Measure], words: str) -> QuerySet[Measure]:
    """Measures whose text holds every word, best match first (indexed, see core/search.py)."""
    return text_search(measures, MEASURE_SEARCH, words)


def problem_list(*, user, unit: Unit | None = None, **criteria) -> QuerySet[Problem]:
    """The problems of a unit's subtree (or of the whole scope) the user may see, filtered."""
    problems: QuerySet[Problem] = Problem.objects.restrict(user, "view")
    if unit is not None:
        problems = problems.filter(subtree_q([unit.path], "unit__path"))
        criteria.setdefault("unit", unit)
    problems = problem_filter(problems, criteria).select_related(*LIST_RELATED)
    if (criteria.get("q") or "").strip():  # the best title matches first
        rows = problems.annotate(search_rank=rank(TITLE_SEARCH, criteria["q"], using=problems.db))
        return rows.order_by("-search_rank", "-found_on", "-pk")
    return problems.order_by("-found_on", "-pk")


def problem_ledger(
    *, user, unit: Unit, cap: int | None = None, window: int | None = None, **criteria
) -> Search:
    """The ledger page's rows. Searched by words (title or measures), the hits are counted up to
    the cap (core/search.py): within it, exactly and best title match first; above it, in the
    ledger's order and uncounted, so that a common word's first page costs a walk along the
    ledger's index, not a read of every hit."""
    problems: QuerySet[Problem] = Problem.objects.restrict(user, "view").filter(
        subtree_q([unit.path], "unit__path")
    )
    criteria.setdefault("unit", unit)
    words = (criteria.pop("q", None) or "").strip()
    problems = problem_filter(problems, criteria).select_related(*LIST_RELATED)
    problems = problems.order_by("-found_on", "-pk")
    cap = search_cap() if cap is None else cap
    if words:  # the walk of capped_search needs the ledger unsearched
        return capped_search(problems, TITLE_SEARCH, words, cap=cap, size=window)
    if (criteria.get("measure_q") or "").strip():
        hits = capped_count(problems, cap)
        return Search(problems, hits, cap, capped=hits is None)
    return Search(problems, None, cap)


def problems_for_bulk(*, user, unit: Unit, ids) -> QuerySet[Problem]:
    """The ticked problems that the user may record on, in the unit's subtree."""
    return (
        Problem.objects.restrict(user, "record")
        .filter(subtree_q([unit.path], "unit__path"), pk__in=list(ids))
        .select_related("unit", "campaign")
        .order_by("-found_on", "-pk")
    )


def problem_get(*, user, pk, action: str = "view") -> Problem:
    return get_object_or_404(
        Problem.objects.restrict(user, action).select_related("unit", "campaign", "aspect"),
        pk=pk,
    )


def problem_detail(*, user, pk) -> Problem:
    """The problem with everything its page shows, in a fixed number of queries."""
    evidence = Evidence.objects.select_related("uploaded_by").order_by("uploaded_at", "pk")
    return get_object_or_404(
        # django-stubs joins the mixed Prefetch types below to `object`.
        Problem.objects.restrict(user, "view")  # type: ignore[type-var]
        .select_related(
            "unit",
            "campaign",
            "campaign__root_unit",
            "aspect",
            "responsible",
            "special_program",
            "research_topic",
        )
        .prefetch_related(
            Prefetch(
                "measures",
                Measure.objects.select_related("owner", "created_by").order_by("added_on", "pk"),
            ),
            Prefetch(
                "reports",
                ProgressReport.objects.select_related("created_by")
                .prefetch_related(Prefetch("evidence", evidence))
                .order_by("-reported_on", "-pk"),
            ),
            Prefetch(
                "closeouts",
                CloseOut.objects.select_related("submitted_by", "decided_by")
                .prefetch_related(Prefetch("evidence", evidence))
                .order_by("-submitted_on", "-pk"),
            ),
            Prefetch(
                "extensions",
                DeadlineExtension.objects.select_related("requested_by", "decided_by").order_by(
                    "-requested_on", "-pk"
                ),
            ),
            Prefetch("evidence", evidence),
            Prefetch(
                "transitions",
                ProblemTransition.objects.select_related("actor").order_by("at", "pk"),
            ),
            Prefetch("rules", Rule.objects.order_by("-created_on")),
        ),
        pk=pk,
    )


@dataclass(frozen=True)
class HistoryItem:
    """One line of a problem's history: a state change or an audit entry."""

    at: datetime.datetime
    day: datetime.date | None
    actor: str
    what: str
    detail: str
    kind: str  # "transition" or "audit"


def _audit_targets(problem: Problem) -> Q:
    """The audit entries about the problem and the records hanging off it."""
    q = Q(target_type="problems.problem", target_id=str(problem.pk))
    related = (
        ("problems.measure", problem.measures.all()),
        ("problems.progressreport", problem.reports.all()),
        ("problems.closeout", problem.closeouts.all()),
        ("problems.evidence", problem.evidence.all()),
        ("problems.deadlineextension", problem.extensions.all()),
    )
    for label, records in related:
        ids = [str(r.pk) for r in records]
        if ids:
            q |= Q(target_type=label, target_id__in=ids)
    return q


# Audit entries that repeat a transition row (shown once, from the transition).
_REPEATED_BY_TRANSITIONS = ("problems.problem.state_changed",)


def problem_history(*, problem: Problem) -> list[HistoryItem]:
    """Transitions and audit entries, oldest first (on a `problem_detail` problem: the related
    records are prefetched, so this costs one query)."""
    states = dict(ProblemState.choices)
    transitions = (
        HistoryItem(
            at=t.at,
            day=t.day,
            actor=t.actor.display_name if t.actor else "",
            what=f"{states.get(t.from_state, '—') if t.from_state else '—'} → "
            f"{states.get(t.to_state, t.to_state)}",
            detail=t.comment,
            kind="transition",
        )
        for t in problem.transitions.all()
    )
    entries = (
        AuditEntry.objects.filter(_audit_targets(problem))
        .exclude(action__in=_REPEATED_BY_TRANSITIONS)
        .select_related("actor")
        .order_by("seq")
    )
    audits = (
        HistoryItem(
            at=e.at,
            day=None,
            actor=e.actor.display_name if e.actor else e.actor_name,
            what=action_label(e.action),
            # "3067: 待审核": a close-out or an extension names itself by the problem's id,
            # which on the problem's own page says nothing.
            detail=e.target_repr.removeprefix(f"{problem.pk}: "),
            kind="audit",
        )
        for e in entries
    )
    return sorted(chain(transitions, audits), key=lambda item: (item.at, item.kind))


@dataclass(frozen=True)
class LedgerCounts:
    total: int
    unfinished: int
    closed: int
    pending_review: int
    green: int
    yellow: int
    red: int


def ledger_versions(*, unit_pk: int) -> tuple | None:
    """The data versions a unit's drawn ledger depends on (its subtree's problems, and the
    tree, roles, campaigns and programs that decide what is shown and to whom), in one query;
    None when there is no such unit."""
    found = ledger_tokens(unit_pk)
    return None if found is None else tuple(sorted(found.items()))


def ledger_counts(problems: QuerySet[Problem]) -> LedgerCounts:
    """Counts of a (filtered) ledger by state and light, in one query."""
    unfinished = Q(state__in=UNFINISHED_STATES)
    row = problems.order_by().aggregate(
        total=Count("pk"),
        unfinished=Count("pk", filter=unfinished),
        closed=Count("pk", filter=Q(state=ProblemState.CLOSED)),
        pending_review=Count("pk", filter=Q(state=ProblemState.PENDING_REVIEW)),
        green=Count("pk", filter=unfinished & Q(light=Light.GREEN)),
        yellow=Count("pk", filter=unfinished & Q(light=Light.YELLOW)),
        red=Count("pk", filter=unfinished & Q(light=Light.RED)),
    )
    return LedgerCounts(**row)


# -- review ------------------------------------------------------------------------------------


def review_condition(user, field: str = "problem__unit__path") -> Q:
    """Which records the user may decide on (`permissions.can_review` as a query): the
    problem's unit lies STRICTLY below a unit where the user holds a reviewing role, or in the
    subtree of a unit assigned to the user's guidance group (in the problem's campaign)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    condition = Q(pk__in=[])
    paths = Membership.objects.filter(
        user=user, role__in=REVIEW_ROLES, unit__active=True
    ).values_list("unit__path", flat=True)
    for p in paths:  # strictly below: longer paths starting with p, so > p itself
        condition |= Q(**{f"{field}__gt": p, f"{field}__lt": path_upper(p)})
    campaign_field = field.removesuffix("unit__path") + "campaign"
    groups = GuidanceGroup.objects.filter(members=user).prefetch_related(
        Prefetch("units", Unit.objects.filter(active=True))
    )
    for group in groups:
        group_paths = [u.path for u in group.units.all()]
        if group_paths:
            same_campaign = Q(**{campaign_field: group.campaign_id}) | Q(
                **{f"{campaign_field}__isnull": True}
            )
            condition |= same_campaign & subtree_q(group_paths, field)
    return condition


def closeout_inbox(*, user) -> QuerySet[CloseOut]:
    """The pending close-outs this user may decide, oldest first."""
    return (
        CloseOut.objects.restrict(user, "review")
        .filter(review_condition(user), state=CloseOutState.PENDING)
        .select_related(
            "problem", "problem__unit", "problem__aspect", "problem__responsible", "submitted_by"
        )
        .annotate(evidence_count=Count("evidence"))
        .order_by("submitted_on", "pk")
    )


def evidence_by_problem(*, problem_ids) -> dict[int, list[Evidence]]:
    """Every evidence file of these problems (those of the close-out request, of progress
    reports and of the problem itself), oldest first, by problem: a reviewer judges a close-out
    on all of it, not only on the files attached to the request."""
    grouped: dict[int, list[Evidence]] = {}
    files = Evidence.objects.filter(problem_id__in=list(problem_ids)).order_by("uploaded_at", "pk")
    for evidence in files.select_related("progress_report", "closeout"):
        grouped.setdefault(evidence.problem_id, []).append(evidence)
    return grouped


def measures_by_problem(*, problem_ids) -> dict[int, list[Measure]]:
    """The measures of these problems by problem (the inbox shows which are unfinished and
    why)."""
    grouped: dict[int, list[Measure]] = {}
    for measure in Measure.objects.filter(problem_id__in=list(problem_ids)).order_by("pk"):
        grouped.setdefault(measure.problem_id, []).append(measure)
    return grouped


def report_counts(*, problem_ids) -> dict[int, int]:
    rows = (
        ProgressReport.objects.filter(problem_id__in=list(problem_ids))
        .values("problem_id")
        .annotate(n=Count("pk"))
    )
    return {row["problem_id"]: row["n"] for row in rows}


def extension_inbox(*, user) -> QuerySet[DeadlineExtension]:
    return (
        DeadlineExtension.objects.restrict(user, "review")
        .filter(review_condition(user), state=ExtensionState.PENDING)
        .select_related("problem", "problem__unit", "requested_by")
        .order_by("requested_on", "pk")
    )


def closeout_get(*, user, pk, action: str = "view") -> CloseOut:
    return get_object_or_404(
        CloseOut.objects.restrict(user, action).select_related("problem", "problem__unit"), pk=pk
    )


def extension_get(*, user, pk, action: str = "view") -> DeadlineExtension:
    return get_object_or_404(
        DeadlineExtension.objects.restrict(user, action).select_related("problem", "problem__unit"),
        pk=pk,
    )


def measure_get(*, user, pk, action: str = "view") -> Measure:
    return get_object_or_404(
        Measure.objects.restrict(user, action).select_related("problem", "problem__unit"), pk=pk
    )


# -- evidence ----------------------------------------------------------------------------------


def evidence_list(*, user, problem: Problem | None = None) -> QuerySet[Evidence]:
    evidence = Evidence.objects.restrict(user, "view").select_related("problem", "uploaded_by")
    if problem is not None:
        evidence = evidence.filter(problem=problem)
    return evidence


def evidence_open(*, user, pk) -> tuple[Evidence, object]:
    """An evidence row in the user's scope and its file opened for reading; 404 otherwise
    (also when the file is missing from the private storage)."""
    evidence = get_object_or_404(
        Evidence.objects.restrict(user, "view").select_related("problem"), pk=pk
    )
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return evidence, handle


# -- choices for the forms ---------------------------------------------------------------------


def units_for_record(*, user, unit: Unit) -> list[Unit]:
    """Where the record form may put a problem: the unit itself and its children in scope."""
    children = Unit.objects.get_children(unit).restrict(user, "record").filter(active=True)
    return [unit, *children.order_by("path")]


# -- special programs and rules ----------------------------------------------------------------


def special_program_list(*, user, campaigns=None) -> QuerySet[SpecialProgram]:
    """The special programs the user sees: led by a unit in the user's scope or by one of its
    ancestors (a banner works under the league's program)."""
    paths = user_scope_paths(user, "view")
    programs = SpecialProgram.objects.all()
    if paths is not ALL:
        above = {p[:i] for p in paths for i in range(Unit.steplen, len(p), Unit.steplen)}
        programs = programs.filter(
            subtree_q(paths, "lead_unit__path") | Q(lead_unit__path__in=sorted(above))
        )
    if campaigns is not None:
        programs = programs.filter(campaign__in=campaigns)
    return programs.select_related("campaign", "lead_unit").order_by("campaign", "name")


def rule_list(*, user, unit: Unit | None = None) -> QuerySet[Rule]:
    rules = Rule.objects.restrict(user, "view").select_related("unit", "campaign")
    if unit is not None:
        rules = rules.filter(subtree_q([unit.path], "unit__path"))
    return rules.order_by("-created_on", "-pk")
