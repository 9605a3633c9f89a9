"""The research figures of the article (FIGURES rows 7–15), declared once.

Row 7 (research aspects) and row 15 (distinct units with a "revise" verdict) are not counts of
records under a unit the engine can keep facts for: they are selectors in `selectors.py`, still
linked to their records. Row 13 (measures under the problems found by research) waits for the
`Measure` model of the rectification issue. "Of batch-1 units" figures are `batch_records`.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shigan.campaigns.choices import VisitPurpose
from shigan.campaigns.models import GuidanceVisit
from shigan.metrics.registry import StateHistory, campaign_metric, register_variant
from shigan.orgs.choices import PersonRank
from shigan.research.choices import AdoptionState, TopicState
from shigan.research.models import (
    PromotionTarget,
    ResearchResult,
    ResearchTopic,
    ResearchTrip,
    TargetTransition,
    TopicTransition,
)

HISTORY = StateHistory(TopicTransition, record_field="topic")
ALL_STATES = tuple(TopicState.values)

TOPICS = campaign_metric(
    "research.topics",
    _("调研课题数"),
    ResearchTopic,
    states=ALL_STATES,
    history=HISTORY,
    dims=("aspect",),
    order_by=("-created_on", "-pk"),
)
# FIGURES row 8: topics led by region-level (省部级) leaders.
TOPICS_PROVINCIAL = register_variant(
    TOPICS,
    key="research.topics_provincial",
    label=_("省级领导领题调研课题数"),
    filter=Q(lead__rank=PersonRank.PROVINCIAL),
)
TRIPS = campaign_metric("research.trips", _("开展调研次数"), ResearchTrip, date_field="visited_on")
# FIGURES row 9: trips under the topics of row 8.
TRIPS_PROVINCIAL = register_variant(
    TRIPS,
    key="research.trips_provincial",
    label=_("省级领导领题调研次数"),
    filter=Q(topic__lead__rank=PersonRank.PROVINCIAL),
)
RESULTS = campaign_metric(
    "research.results",
    _("调研成果数"),
    ResearchResult,
    date_field="recorded_on",
    # The adoption state is the current one (results keep no state history).
    dims=("kind", "state"),
)
# FIGURES row 14: guidance visits about research. Kept in step by `research_visit_log`.
GUIDANCE_VISITS = campaign_metric(
    "research.guidance_visits",
    _("跟进指导调查研究次数"),
    GuidanceVisit,
    filter=Q(purpose=VisitPurpose.RESEARCH),
    date_field="visited_on",
    campaign_field="group__campaign",
)

# A result promoted (推广) to units: "推广到 N 个嘎查村，已采用 M 个" for any subtree, by the
# promoted units' own place in the tree (a banner's figure counts its villages). The dimension
# `promotion` gives one promotion's figures; adoption is read from the answers' history.
PROMOTION_TARGETS = campaign_metric(
    "research.promotion_targets",
    _("成果推广单位数"),
    PromotionTarget,
    date_field="promoted_on",
    dims=("promotion",),
    order_by=("unit__path", "pk"),
)
PROMOTION_ADOPTED = register_variant(
    PROMOTION_TARGETS,
    key="research.promotion_adopted",
    label=_("已采用推广成果的单位数"),
    states=(AdoptionState.ADOPTED,),
    history=StateHistory(TargetTransition, record_field="target"),
    date_field=None,
)
