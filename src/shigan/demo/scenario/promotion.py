"""The article's 统种共富 story (成果转化运用 and 推广): 自治区农牧厅's research group goes to
官牛犋南社 of 侯家营子村 (白泥井镇, 达拉特旗); its report's result — promoting the land-share
cooperative model — is adopted and promoted to the gacha/villages of three banners, some of which
have adopted it by the as-of date.

The topic is one of 农牧厅's batch topics, retitled before the topics are created (`mark_topic`),
and its trips go to 侯家营子村 (`trip_days`, `trip_place`): the batch's topic and trip counts
(FIGURES rows 10–11) stay as they are. This module draws from its own random source, so the
stages after it make the same records as before.
"""

import datetime
import random

from shigan.core.calendar import add_workdays
from shigan.orgs.models import Unit
from shigan.research import services as research
from shigan.research.choices import AdoptionState, ResultKind, ResultState, TopicState
from shigan.research.models import PromotionTarget, ResearchTopic

__all__ = [
    "DEPARTMENT",
    "TOPIC_TITLE",
    "RESULT_TITLE",
    "BANNERS",
    "mark_topic",
    "trip_days",
    "build_promotion",
]

DEPARTMENT = "自治区农牧厅"
TOPIC_TITLE = "关于“统种共富”土地合作经营模式的调研（达拉特旗白泥井镇侯家营子村官牛犋南社）"
RESULT_TITLE = "“统种共富”土地合作经营模式推广方案"
# The banners the model is promoted to, with the share of their villages adopting by 2023-06-07.
BANNERS = (("150621000000", 0.30), ("150622000000", 0.12), ("150221000000", 0.08))
NOT_APPLICABLE = 0.04
LAST_TRIP = datetime.date(2023, 5, 10)
DEADLINE = datetime.date(2023, 6, 30)
SEED = 20230619


def mark_topic(ctx, topics) -> None:
    """Retitle 农牧厅's earliest topic that gets an approved plan (every such topic is visited)."""
    department = ctx.departments[DEPARTMENT]
    own = [t for t in topics if t.unit_id == department.pk and t.fate in ("approved", "revised")]
    chosen = min(own, key=lambda t: (t.created_on, t.draft.title))
    chosen.draft.title = TOPIC_TITLE
    ctx.promotion_topic = chosen


def trip_days(ctx, topic, days: list[datetime.date]) -> list[datetime.date]:
    """The marked topic's trips (as many as drawn) fall by 10 May, after its approval."""
    marked = getattr(ctx, "promotion_topic", None)
    if marked is None or topic is not marked:
        return days
    latest = max(marked.days["approved"], LAST_TRIP)
    return sorted(min(day, latest) for day in days)


def _after(rng, day: datetime.date, low: int, high: int, as_of) -> datetime.date:
    return min(add_workdays(day, rng.randint(low, high)), as_of)


def build_promotion(ctx) -> dict:
    rng = random.Random(SEED)
    marked = ctx.promotion_topic
    topic = ResearchTopic.objects.select_related("unit", "campaign").get(pk=marked.pk)
    actor = ctx.actor_for(topic.unit)
    day = _after(rng, max(marked.trips), 1, 3, ctx.as_of)
    if topic.state == TopicState.RESEARCHING:
        text = (
            "“统种共富”模式：村民以土地经营权入股组建合作社，土地交社里规模化经营，"
            "解决了种地和农民分工分业问题。建议总结经验，在全区推广。"
        )
        research.topic_report_submit(actor=actor, topic=topic, text=text, day=day)
        topic.refresh_from_db()
    result = research.result_create(
        actor=actor,
        topic=topic,
        kind=ResultKind.MEASURE,
        title=RESULT_TITLE,
        recorded_on=day,
        state=ResultState.ADOPTED,
        adopted_on=_after(rng, day, 1, 3, ctx.as_of),
    )
    banners = [Unit.objects.get(division_code=code, depth=3) for code, _share in BANNERS]
    assert result.adopted_on is not None  # created adopted, on its day
    promotion = research.result_promote(
        actor=actor,
        result=result,
        scopes=banners,
        deadline=DEADLINE,
        promoted_on=_after(rng, result.adopted_on, 2, 4, ctx.as_of),
        note="各旗县组织嘎查村结合实际学习借鉴，6月30日前反馈采用情况。",
    )
    answered = _answers(ctx, rng, promotion, banners)
    return {"promoted_units": promotion.targets.count(), "promotion_answers": answered}


def _answers(ctx, rng, promotion, banners) -> int:
    """Some villages of each banner adopt the model, a few find it not applicable."""
    answered = 0
    for (_code, share), banner in zip(BANNERS, banners, strict=True):
        targets = list(
            PromotionTarget.objects.filter(
                promotion=promotion, unit__path__startswith=banner.path
            ).select_related("unit")
        )
        for target in targets:
            draw = rng.random()
            if draw < share:
                state, note = (
                    AdoptionState.ADOPTED,
                    "已组织村民以土地经营权入股，组建土地股份合作社。",
                )
            elif draw < share + NOT_APPLICABLE:
                state, note = AdoptionState.NOT_APPLICABLE, "本村以牧业为主，耕地少，暂不适用。"
            else:
                continue
            research.promotion_report(
                actor=ctx.actor_for(target.unit),
                target=target,
                state=state,
                note=note,
                day=_after(rng, promotion.promoted_on, 2, 12, ctx.as_of),
            )
            answered += 1
    return answered
