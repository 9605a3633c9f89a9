"""Reads on petitions; every one that depends on the user starts from `restrict(user, action)`.

Petitioners' personal data is never read here: `services.petitioners_read` decrypts, masks or
reveals (and audits)."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from rapidfuzz import fuzz

from shigan.core.deadlines import Light
from shigan.core.search import Search, capped_search, search_cap, text_search
from shigan.metrics.selectors import figures_of
from shigan.orgs.choices import UnitKind
from shigan.orgs.models import Unit
from shigan.orgs.scoping import path_upper, subtree_q
from shigan.petitions import clock
from shigan.petitions.access import reveal_unit_ids
from shigan.petitions.choices import OPEN_STATES, CaseKind
from shigan.petitions.models import (
    PETITION_SEARCH,
    Agent,
    Petition,
    Petitioner,
    PetitionExtension,
    PetitionReview,
    PetitionTransition,
)

__all__ = [
    "DUPLICATE_SIMILARITY",
    "petition_facts",
    "petition_clock",
    "likely_duplicates",
    "request_similarity",
    "petition_get",
    "petition_detail",
    "petition_list",
    "petition_search",
    "desk",
    "desk_to_rate",
    "agent_posts",
    "agent_list",
    "route_targets",
    "review_get",
    "FigureRow",
    "unit_figures",
    "FIGURES",
    "FIGURE_NAMES",
    "figure_keys",
]

# How alike two requests must be (0–100, rapidfuzz) to call the same petitioner's a duplicate.
DUPLICATE_SIMILARITY = 70
# Words every petition uses ("asks to solve the problem of …"): they say nothing of the matter.
STOP_PHRASES = (
    "要求",
    "解决",
    "反映",
    "请求",
    "问题",
    "申请",
    "关于",
    "希望",
    "相关",
    "有关",
    "情况",
    "帮助",
    "落实",
    "我们",
    "我",
    "的",
    "了",
    "请",
)
_NOT_WORD = re.compile(r"[\s\W_]+")


def petition_facts(petition: Petition) -> clock.Facts:
    """The clock's input from a petition, its extension and its reviews."""
    try:
        extension_days = petition.extension.days
    except PetitionExtension.DoesNotExist:
        extension_days = 0
    reviews = tuple(
        clock.ReviewFacts(
            level=r.level,
            requested_on=r.requested_on,
            decided_on=r.decided_on,
            told_on=r.told_on,
            hearing_days=clock.hearing_days(r.hearing_started_on, r.hearing_ended_on),
        )
        for r in petition.reviews.all()
    )
    return clock.Facts(
        received_on=petition.received_on,
        handed_on=petition.handed_on,
        routed_on=petition.routed_on,
        accepted_on=petition.accepted_on,
        declined_on=petition.declined_on,
        notified_on=petition.notified_on,
        objection_on=petition.objection_on,
        extension_days=extension_days,
        replied_on=petition.replied_on,
        told_on=petition.told_on,
        reviews=reviews,
    )


def petition_clock(petition: Petition) -> clock.Clock:
    """May raise `CalendarError` when a year on the clock has no calendar data."""
    return clock.clock(petition_facts(petition))


def _core(text: str) -> str:
    text = _NOT_WORD.sub("", text or "")
    for phrase in STOP_PHRASES:
        text = text.replace(phrase, "")
    return text


def request_similarity(a: str, b: str) -> float:
    """0–100: the matter of two requests, without punctuation and stock phrasing, compared
    whole and (when the shorter has at least four characters) as the best-matching part."""
    a, b = _core(a), _core(b)
    if not a or not b:
        return 0.0
    partial = fuzz.partial_ratio(a, b) if min(len(a), len(b)) >= 4 else 0.0
    return max(fuzz.ratio(a, b), partial)


def likely_duplicates(
    *, hashes: list[str], text: str, exclude_pk=None
) -> list[tuple[Petition, float]]:
    """Petitions of the same petitioner (keyed hash) with a similar request, most alike first.

    Across all units on purpose (Art. 19 is about another level handling it): the caller shows
    only number, handling unit and state, never the petitioner."""
    candidates = (
        Petition.objects.filter(
            pk__in=Petitioner.objects.filter(person_hash__in=hashes).values("petition")
        )
        .exclude(pk=exclude_pk)
        .select_related("handling_unit")
    )
    found = []
    for petition in candidates:
        score = request_similarity(text, petition.request)
        if score >= DUPLICATE_SIMILARITY:
            found.append((petition, score))
    return sorted(found, key=lambda pair: -pair[1])


def petition_get(*, user, pk, action: str = "view") -> Petition:
    return get_object_or_404(
        Petition.objects.restrict(user, action).select_related(
            "unit", "handling_unit", "intake_agent", "intake_agent__user", "answered_by"
        ),
        pk=pk,
    )


def petition_detail(*, user, pk) -> Petition:
    """The petition with everything its page shows, in a fixed number of queries."""
    return get_object_or_404(
        Petition.objects.restrict(user, "view")
        .select_related(
            "unit",
            "handling_unit",
            "answered_by",
            "intake_agent",
            "intake_agent__user",
            "extension",
            "extension__approved_by",
            "created_by",
        )
        .prefetch_related(
            Prefetch(
                "transitions",
                PetitionTransition.objects.select_related("actor", "from_unit", "to_unit").order_by(
                    "day", "pk"
                ),
            ),
            Prefetch("reviews", PetitionReview.objects.select_related("body").order_by("pk")),
            "attachments",
            "problems",
        ),
        pk=pk,
    )


def review_get(*, user, pk) -> PetitionReview:
    return get_object_or_404(
        PetitionReview.objects.restrict(user, "view").select_related("petition", "body"), pk=pk
    )


def petition_list(
    *,
    user,
    unit: Unit,
    state: str | None = None,
    kind: str | None = None,
    first_time: bool | None = None,
    category: str | None = None,
    channel: str | None = None,
    light: str | None = None,
    q: str = "",
) -> QuerySet[Petition]:
    """The petitions received or handled in a unit's subtree that the user may see; with words,
    those whose 事由 holds them, best match first."""
    petitions = Petition.objects.restrict(user, "view").filter(
        subtree_q([unit.path], "unit__path") | subtree_q([unit.path], "handling_unit__path")
    )
    if state:
        petitions = petitions.filter(state=state)
    if kind:
        petitions = petitions.filter(kind=kind)
    if first_time is not None:
        petitions = petitions.filter(first_time=first_time)
    if category:
        petitions = petitions.filter(category=category)
    if channel:
        petitions = petitions.filter(channel=channel)
    if light:
        petitions = petitions.filter(light=light)
    petitions = petitions.select_related("unit", "handling_unit").order_by("-received_on", "-pk")
    return text_search(petitions, PETITION_SEARCH, q) if q.strip() else petitions


def petition_search(*, user, unit: Unit, q: str = "", cap: int | None = None, **filters) -> Search:
    """`petition_list` for a page: with words, ranked and counted up to the cap, in the
    ledger's order and uncounted above it (core/search.py)."""
    petitions = petition_list(user=user, unit=unit, **filters)
    if not q.strip():
        return Search(petitions, None, search_cap() if cap is None else cap)
    return capped_search(petitions, PETITION_SEARCH, q, cap=cap)


def _desk_q(user) -> Q:
    return Q(intake_agent__user=user) | Q(handling_unit_id__in=reveal_unit_ids(user))


def desk(*, user, near_limit: bool = False) -> QuerySet[Petition]:
    """What the user must act on: petitions they took in or their unit must answer, still owed
    something, the one due first on top; `near_limit`: only those whose clock is yellow or
    red (the landing page's 待办 counts these)."""
    petitions = Petition.objects.restrict(user, "view").filter(_desk_q(user), state__in=OPEN_STATES)
    if near_limit:
        petitions = petitions.filter(light__in=[Light.YELLOW, Light.RED])
    return petitions.select_related("unit", "handling_unit").order_by(
        F("due_on").asc(nulls_last=True), "received_on", "pk"
    )


def desk_to_rate(*, user) -> QuerySet[Petition]:
    """Replied petitions whose satisfaction is not yet recorded (回访)."""
    return (
        Petition.objects.restrict(user, "view")
        .filter(_desk_q(user), replied_on__isnull=False, satisfaction="")
        .select_related("unit", "handling_unit")
        .order_by("replied_on", "pk")
    )


def agent_posts(*, user) -> QuerySet[Agent]:
    if user is None or not user.is_authenticated:
        return Agent.objects.none()
    return Agent.objects.filter(user=user, active=True).select_related("unit").order_by("pk")


def agent_list(*, user, unit: Unit) -> QuerySet[Agent]:
    return (
        Agent.objects.restrict(user, "view")
        .filter(subtree_q([unit.path], "unit__path"))
        .select_related("user", "unit")
        .order_by("unit__path", "-active", "pk")
    )


def route_targets(petition: Petition) -> QuerySet[Unit]:
    """Bodies a form offers to hand the petition to: the units above the one that took it in
    (up to the county), the county's townships and departments."""
    origin = petition.unit
    prefixes = [origin.path[:i] for i in range(Unit.steplen, len(origin.path) + 1, Unit.steplen)]
    county = Unit.objects.filter(path__in=prefixes, kind=UnitKind.COUNTY).order_by("-depth").first()
    above = Q(path__in=prefixes)
    if county is not None:
        above &= Q(depth__gte=county.depth)
        nearby = Q(path__gt=county.path, path__lt=path_upper(county.path), depth=county.depth + 1)
    else:
        nearby = Q(pk__in=[])
    return (
        Unit.objects.filter(above | nearby, active=True)
        .exclude(pk=petition.handling_unit_id)
        .order_by("path")
    )


# -- figures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureRow:
    unit: Unit | None  # None: the unit's own records
    values: dict  # metric key → value
    own: bool = False


# The unit figures (metric names, "petitions.…" or "union.…" by case kind) and the rates
# computed from them.
FIGURE_NAMES = (
    "received",
    "first_time",
    "resolved_locally",
    "first_time_resolved_locally",
    "replied",
    "on_time",
    "rated",
    "satisfied",
)
RATE_NAMES = {
    "first_time_local_rate": ("first_time_resolved_locally", "first_time"),
    "on_time_rate": ("on_time", "replied"),
    "satisfaction_rate": ("satisfied", "rated"),
}


def figure_keys(kind: str = CaseKind.PETITION) -> dict[str, str]:
    """name → metric key of the figures of one case kind."""
    prefix = "union" if kind == CaseKind.UNION else "petitions"
    return {name: f"{prefix}.{name}" for name in FIGURE_NAMES}


FIGURES = tuple(figure_keys().values())  # the petitions' figure keys


def rate(part: int | Decimal, whole: int | Decimal) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def unit_figures(*, user, unit: Unit, as_of=None, kind: str = CaseKind.PETITION) -> dict:
    """Each figure of one case kind for the unit, and by child, with the rates; 404 when the
    user may not see the unit (figures are counts, not records)."""
    keys = figure_keys(kind)
    metric_keys = tuple(keys.values())
    rate_keys = {name: (keys[a], keys[b]) for name, (a, b) in RATE_NAMES.items()}
    figures = figures_of(user=user, unit=unit)
    by_child = {k: figures.by_child(k, as_of=as_of) for k in metric_keys}
    totals = {k: sum(r.value for r in rows) for k, rows in by_child.items()}
    rows = []
    for i, first in enumerate(by_child[metric_keys[0]]):
        counts = {k: by_child[k][i].value for k in metric_keys}
        if first.own and not any(counts.values()):
            continue
        values: dict[str, int | Decimal | str] = dict(counts)
        values.update({name: rate(counts[a], counts[b]) for name, (a, b) in rate_keys.items()})
        rows.append(FigureRow(first.unit, values, own=first.own))
    rates = {name: rate(totals[a], totals[b]) for name, (a, b) in rate_keys.items()}
    return {"totals": totals, "rates": rates, "rows": rows, "keys": keys}
