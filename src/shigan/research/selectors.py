"""Reads on research; every one that depends on the user starts from `restrict(user, action)`."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from shigan.campaigns.choices import AspectKind
from shigan.campaigns.models import Aspect, Campaign, GuidanceGroup
from shigan.campaigns.selectors import Figure, batch_records
from shigan.core.search import Search, capped_search, search_cap, text_search
from shigan.metrics.selectors import metric_by_child, metric_value
from shigan.orgs.models import Unit
from shigan.orgs.scoping import ALL, subtree_q, user_scope_paths
from shigan.problems.models import Problem
from shigan.research.choices import AdoptionState, TopicState, Verdict
from shigan.research.models import (
    TOPIC_SEARCH,
    PlanReview,
    PromotionTarget,
    ResearchPlan,
    ResearchResult,
    ResearchTopic,
    ResearchTrip,
    ResultPromotion,
    TopicTransition,
)

__all__ = [
    "Figure",
    "campaign_for_unit",
    "topic_list",
    "topic_search",
    "topic_get",
    "topic_detail",
    "plan_get",
    "result_get",
    "trip_list",
    "result_list",
    "inbox_plans",
    "member_groups",
    "research_aspects",
    "units_with_revised_plans",
    "batch_records",
    "place_resolve",
    "PromotionRow",
    "PromotionFigure",
    "promotion_list",
    "promotion_get",
    "promotion_unit",
    "promotion_figure",
    "promotion_targets",
    "target_get",
]


def campaign_for_unit(*, user, unit: Unit, pk=None) -> Campaign | None:
    """The campaign asked for (if it covers the unit), else the latest one covering it."""
    campaigns = Campaign.objects.filter(
        root_unit__path__in=[unit.path[:i] for i in range(4, len(unit.path) + 1, Unit.steplen)]
    )
    if pk not in (None, ""):
        try:
            return get_object_or_404(campaigns, pk=int(pk))
        except (TypeError, ValueError):
            return None
    return campaigns.order_by("-starts_on", "-pk").first()


def topic_list(
    *,
    user,
    unit: Unit,
    campaign: Campaign | None = None,
    aspect=None,
    state: str | None = None,
    q: str = "",
) -> QuerySet[ResearchTopic]:
    """The topics of a unit's subtree that the user may see; with words, those whose title holds
    them, best match first."""
    topics = ResearchTopic.objects.restrict(user, "view").filter(
        subtree_q([unit.path], "unit__path")
    )
    if campaign is not None:
        topics = topics.filter(campaign=campaign)
    if aspect:
        topics = topics.filter(aspect=aspect)
    if state:
        topics = topics.filter(state=state)
    topics = topics.select_related("unit", "aspect", "lead").order_by("-created_on", "-pk")
    return text_search(topics, TOPIC_SEARCH, q) if q.strip() else topics


def topic_search(*, user, unit: Unit, q: str = "", cap: int | None = None, **filters) -> Search:
    """`topic_list` for a page: with words, ranked and counted up to the cap, in the ledger's
    order and uncounted above it (core/search.py)."""
    topics = topic_list(user=user, unit=unit, **filters)
    if not q.strip():
        return Search(topics, None, search_cap() if cap is None else cap)
    return capped_search(topics, TOPIC_SEARCH, q, cap=cap)


def topic_get(*, user, pk, action: str = "view") -> ResearchTopic:
    return get_object_or_404(
        ResearchTopic.objects.restrict(user, action).select_related(
            "unit", "campaign", "campaign__root_unit", "aspect", "lead"
        ),
        pk=pk,
    )


def topic_detail(*, user, pk) -> ResearchTopic:
    """The topic with everything its page shows, in a fixed number of queries."""
    reviews = PlanReview.objects.select_related("reviewer", "group").order_by("reviewed_at", "pk")
    return get_object_or_404(
        # django-stubs joins the mixed Prefetch types below to `object`.
        ResearchTopic.objects.restrict(user, "view")  # type: ignore[type-var]
        .select_related("unit", "campaign", "campaign__root_unit", "aspect", "lead", "report")
        .prefetch_related(
            "participants",
            Prefetch(
                "plans",
                ResearchPlan.objects.select_related("submitted_by")
                .prefetch_related(Prefetch("reviews", reviews))
                .order_by("-version"),
            ),
            Prefetch(
                "trips",
                ResearchTrip.objects.select_related("place").prefetch_related("people"),
            ),
            Prefetch("problems", Problem.objects.select_related("aspect").order_by("-found_on")),
            Prefetch(
                "results",
                ResearchResult.objects.annotate(
                    promoted=Exists(ResultPromotion.objects.filter(result=OuterRef("pk")))
                ),
            ),
            Prefetch(
                "transitions",
                TopicTransition.objects.select_related("actor").order_by("at", "pk"),
            ),
        ),
        pk=pk,
    )


def plan_get(*, user, pk, action: str = "view") -> ResearchPlan:
    return get_object_or_404(
        ResearchPlan.objects.restrict(user, action).select_related("topic", "topic__unit"), pk=pk
    )


def result_get(*, user, pk, action: str = "view") -> ResearchResult:
    return get_object_or_404(
        ResearchResult.objects.restrict(user, action).select_related("topic", "unit"), pk=pk
    )


def trip_list(*, user, topic: ResearchTopic | None = None, unit: Unit | None = None):
    trips = ResearchTrip.objects.restrict(user, "view").select_related("place", "topic", "unit")
    if topic is not None:
        trips = trips.filter(topic=topic)
    if unit is not None:
        trips = trips.filter(subtree_q([unit.path], "unit__path"))
    return trips


def result_list(*, user, topic: ResearchTopic | None = None, unit: Unit | None = None):
    results = ResearchResult.objects.restrict(user, "view").select_related("topic", "unit")
    if topic is not None:
        results = results.filter(topic=topic)
    if unit is not None:
        results = results.filter(subtree_q([unit.path], "unit__path"))
    return results


def member_groups(*, user) -> list[GuidanceGroup]:
    if user is None or not user.is_authenticated:
        return []
    return list(
        GuidanceGroup.objects.filter(members=user)
        .select_related("campaign")
        .prefetch_related("units")
    )


def inbox_plans(*, user) -> QuerySet[ResearchPlan]:
    """The latest plan of each topic waiting for review, in the units this member's groups look
    after (their subtrees), in the groups' campaigns."""
    condition = Q(pk__in=[])
    for group in member_groups(user=user):
        paths = [u.path for u in group.units.all()]
        if paths:
            condition |= Q(topic__campaign=group.campaign_id) & subtree_q(
                paths, "topic__unit__path"
            )
    return (
        ResearchPlan.objects.restrict(user, "review")
        .filter(condition, topic__state=TopicState.PLAN_SUBMITTED)
        .exclude(reviews__isnull=False)
        .select_related("topic", "topic__unit", "topic__lead", "topic__aspect", "submitted_by")
        .order_by("submitted_on", "pk")
    )


def research_aspects(*, campaign: Campaign) -> Figure:
    """FIGURES row 7: the research aspects of the campaign."""
    aspects = Aspect.objects.filter(campaign=campaign, kind=AspectKind.RESEARCH)
    return Figure(aspects.count(), aspects.order_by("ordinal"))


def units_with_revised_plans(
    *, campaign: Campaign, unit: Unit | None = None, user, as_of=None
) -> Figure:
    """FIGURES row 15: distinct units with at least one plan review verdict "revise"."""
    reviews = PlanReview.objects.restrict(user, "view").filter(
        verdict=Verdict.REVISE, plan__topic__campaign=campaign
    )
    if unit is not None:
        reviews = reviews.filter(subtree_q([unit.path], "plan__topic__unit__path"))
    if as_of is not None:
        reviews = reviews.filter(reviewed_on__lte=as_of)
    units = Unit.objects.filter(pk__in=reviews.values("plan__topic__unit")).order_by("path")
    return Figure(units.count(), units)


def place_resolve(*, campaign: Campaign, text) -> Unit | None:
    """A trip's place: a unit id, a 12-digit division code, or a unit name, in the campaign."""
    text = str(text or "").strip()
    if not text:
        return None
    units = Unit.objects.subtree_of(campaign.root_unit)
    if text.isdigit() and len(text) == 12:
        return units.filter(division_code=text).order_by("depth").first()
    if text.isdigit():
        return units.filter(pk=int(text)).first()
    return units.filter(Q(name=text) | Q(short_name=text)).order_by("depth", "path").first()


# -- promotion (推广) ---------------------------------------------------------------------------


def promotion_list(*, user, result: ResearchResult | None = None) -> QuerySet[ResultPromotion]:
    """Promotions the user may see: made in their subtrees or reaching a unit in them."""
    promotions = (
        ResultPromotion.objects.restrict(user, "view")
        .select_related("result", "unit")
        .prefetch_related("scopes")
    )
    if result is not None:
        promotions = promotions.filter(result=result)
    return promotions.order_by("-promoted_on", "-pk")


def promotion_get(*, user, pk) -> ResultPromotion:
    return get_object_or_404(
        ResultPromotion.objects.restrict(user, "view")
        .select_related("result", "result__topic", "unit", "campaign__root_unit")
        .prefetch_related("scopes"),
        pk=pk,
    )


def promotion_unit(*, user, promotion: ResultPromotion, pk=None) -> Unit:
    """The unit whose subtree the promotion page shows: the one asked for (in the user's scope),
    else the campaign's root, the promotion's one scope or promoting unit if the user sees it,
    else the user's topmost unit among those the promotion reaches."""
    units = Unit.objects.restrict(user, "view")
    if pk not in (None, ""):
        return get_object_or_404(units, pk=pk if str(pk).isdigit() else 0)
    scopes = list(promotion.scopes.all())
    one_scope = scopes[0] if len(scopes) == 1 else None
    for candidate in (one_scope, promotion.campaign.root_unit, promotion.unit):
        if candidate is not None and units.filter(pk=candidate.pk).exists():
            return candidate
    paths = user_scope_paths(user, "view")
    roots = units.filter(path__in=[] if paths is ALL else paths)
    reached = promotion.targets.values("unit__path")
    for root in roots.order_by("depth", "path"):
        if reached.filter(subtree_q([root.path], "unit__path")).exists():
            return root
    raise Http404


@dataclass(frozen=True)
class PromotionRow:
    unit: Unit | None  # None: the unit itself (a target directly)
    promoted: int | Decimal  # the metrics engine's sums
    adopted: int | Decimal


@dataclass(frozen=True)
class PromotionFigure:
    """ "推广到 N 个嘎查村，已采用 M 个" for a subtree, with one row per child."""

    unit: Unit
    promoted: int | Decimal
    adopted: int | Decimal
    rows: list[PromotionRow]


def promotion_figure(
    *, user, promotion: ResultPromotion, unit: Unit, as_of=None
) -> PromotionFigure:
    """The metrics engine's figures for one promotion under `unit`, by child subtree."""
    kwargs = {"unit": unit, "user": user, "as_of": as_of, "promotion": promotion.pk}
    promoted = metric_by_child("research.promotion_targets", **kwargs)
    adopted = {
        r.unit.pk if r.unit else None: r.value
        for r in metric_by_child("research.promotion_adopted", **kwargs)
    }
    rows = [
        PromotionRow(r.unit, r.value, adopted.get(r.unit.pk if r.unit else None, 0))
        for r in promoted
        if r.value
    ]
    return PromotionFigure(
        unit=unit,
        promoted=metric_value("research.promotion_targets", **kwargs),
        adopted=metric_value("research.promotion_adopted", **kwargs),
        rows=rows,
    )


def promotion_targets(
    *, user, promotion: ResultPromotion, unit: Unit | None = None, state: str = ""
) -> QuerySet[PromotionTarget]:
    """The promoted units' answers the user may see, under `unit` if given."""
    targets = PromotionTarget.objects.restrict(user, "view").filter(promotion=promotion)
    if unit is not None:
        targets = targets.filter(subtree_q([unit.path], "unit__path"))
    if state in AdoptionState.values:
        targets = targets.filter(state=state)
    return targets.select_related("unit").order_by("unit__path", "pk")


def target_get(*, user, pk, action: str = "view") -> PromotionTarget:
    return get_object_or_404(
        PromotionTarget.objects.restrict(user, action).select_related(
            "unit", "promotion", "promotion__result"
        ),
        pk=pk,
    )
