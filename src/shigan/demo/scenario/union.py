"""Rights cases of new-form workers (工会维权, 自治区总工会): couriers, ride-hailing drivers and
delivery riders bring wage, social-insurance, rest and safety cases to union agents at three
city streets; most are answered at the street (resolved locally), some are carried to the
district, a few are still open on 2023-06-07. Same desk, clock and masking as petitions.

Draws from its own random source, so the stages after it make the same records as before.
"""

import datetime
import random

from shigan.accounts.services import user_create
from shigan.accounts.system import system_actor
from shigan.core.calendar import add_workdays, is_workday
from shigan.demo.scenario.context import DEMO_PASSWORD
from shigan.orgs.choices import Role
from shigan.orgs.models import Unit
from shigan.orgs.services import membership_grant
from shigan.petitions import services as petitions
from shigan.petitions.choices import CaseKind, UnionCategory
from shigan.petitions.models import Petition

__all__ = ["STREETS", "CASES", "build_union"]

# (street division code, agent account) — 呼和浩特市新城区, 包头市昆都仑区, 鄂尔多斯市东胜区.
STREETS = (
    ("150102001000", "union_agent01"),
    ("150203001000", "union_agent02"),
    ("150602001000", "union_agent03"),
)
CASES = 36
FIRST = datetime.date(2023, 4, 10)
LAST = datetime.date(2023, 5, 31)
SEED = 20230620

# category → (share, [(title, request)])
STORIES = {
    UnionCategory.WAGES: (
        0.40,
        [
            ("外卖骑手配送报酬被拖欠", "配送站点合作商拖欠两个月配送费，要求足额支付。"),
            ("快递员派件费被无故扣减", "网点以投诉为由扣减派件费，要求说明依据并退还。"),
            ("网约车司机服务费结算不清", "平台抽成比例调整未告知，要求核算并补发收入。"),
        ],
    ),
    UnionCategory.SOCIAL_INSURANCE: (
        0.25,
        [
            ("骑手未参加职业伤害保障", "站点未为其办理职业伤害保障，要求补办。"),
            ("快递员养老保险断缴", "网点更换承包人后停缴养老保险，要求补缴。"),
        ],
    ),
    UnionCategory.REST: (
        0.15,
        [
            ("网约车司机连续超时接单", "平台派单规则导致每天在线十四小时以上，要求保障休息。"),
            ("快递员全年无休", "网点旺季取消轮休，要求按约定安排休息休假。"),
        ],
    ),
    UnionCategory.SAFETY: (
        0.20,
        [
            ("骑手配送途中受伤", "雨天配送摔伤，站点拒绝承担医疗费用，要求依法处理。"),
            ("快递分拣场地安全隐患", "分拣线防护缺失，已有同事受伤，要求整改。"),
        ],
    ),
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ("伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "超", "明", "娜", "敏", "静", "丽", "芳")
CHANNELS = ("visit", "visit", "phone", "online")


def _workday(rng, first: datetime.date, last: datetime.date) -> datetime.date:
    days = [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]
    return rng.choice([d for d in days if is_workday(d)])


def _agents(ctx) -> list:
    agents = []
    for code, username in STREETS:
        street = Unit.objects.get(division_code=code, division_level=4)
        user = user_create(
            actor=system_actor("演示数据"),
            username=username,
            password=DEMO_PASSWORD,
            full_name=f"{street.name}工会维权代办员",
        )
        membership_grant(actor=ctx.office, user=user, unit=street, role=Role.EDITOR)
        agents.append(
            petitions.agent_appoint(
                actor=ctx.office, user=user, unit=street, appointed_on=datetime.date(2023, 4, 3)
            )
        )
    return agents


def build_union(ctx) -> dict:
    rng = random.Random(SEED)
    agents = _agents(ctx)
    categories = list(STORIES)
    weights = [STORIES[c][0] for c in categories]
    counts = {"received": 0, "replied": 0, "local": 0}
    for i in range(CASES):
        agent = agents[i % len(agents)]
        category = rng.choices(categories, weights)[0]
        title, request = rng.choice(STORIES[category][1])
        received = _workday(rng, FIRST, LAST)
        case = petitions.petition_intake(
            actor=agent.user,
            agent=agent,
            received_on=received,
            channel=rng.choice(CHANNELS),
            title=title,
            request=f"{request}（第{i + 1}件）",
            category=category,
            first_time=rng.random() < 0.85,
            petitioners=[
                {
                    "name": rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)),
                    "phone": f"139{rng.randrange(10**8):08d}",
                }
            ],
            kind=CaseKind.UNION,
        )
        counts["received"] += 1
        _handle(ctx, rng, agent, case, counts)
    for case in Petition.objects.filter(kind=CaseKind.UNION):
        petitions.petition_refresh_light(case, today=ctx.as_of)
    return {f"union_{k}": v for k, v in counts.items()}


def _handle(ctx, rng, agent, case, counts) -> None:
    """Answered at the street (most), carried to the district first (some), or still open."""
    as_of, day = ctx.as_of, case.received_on
    actor = agent.user
    if rng.random() < 0.3:
        day = min(add_workdays(day, rng.randint(1, 2)), as_of)
        district = Unit.objects.get_parent(agent.unit)
        assert district is not None  # a street always stands under its district
        petitions.petition_route(
            actor=actor, petition=case, to_unit=district, day=day, note="属区劳动监察职权"
        )
        actor = ctx.office
    accepted = min(add_workdays(day, rng.randint(1, 4)), as_of)
    petitions.petition_accept(actor=actor, petition=case, accepted_on=accepted)
    replied = add_workdays(accepted, rng.randint(4, 30))
    if replied > as_of:
        return
    petitions.petition_reply(
        actor=actor,
        petition=case,
        text="经工会协调，用工方已作出处理，劳动者权益得到保障。",
        replied_on=replied,
        told_by=rng.choice(("phone", "in_person", "writing")),
    )
    counts["replied"] += 1
    case.refresh_from_db()
    counts["local"] += int(case.resolved_locally)
    rated = add_workdays(replied, rng.randint(2, 6))
    if rated <= as_of and rng.random() < 0.8:
        satisfaction = rng.choice(("satisfied", "satisfied", "basically", "dissatisfied"))
        petitions.petition_rate(
            actor=actor, petition=case, satisfaction=satisfaction, rated_on=rated
        )
