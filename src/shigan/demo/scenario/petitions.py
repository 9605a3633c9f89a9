"""Stage: the three-level petition agency (信访代办) at work in 2023, in three banners of
锡林郭勒盟. Each banner has an agent at the banner, at one or two of its sumu (townships) and at
a gacha (village) of each (few agents: each is an account, and hashing its password is the
slowest step of the stage); petitions come in from January to the as-of date and go the ways the
regulation allows: most are answered where they came in (resolved first time locally), some go
up to the sumu, the banner or the league (escalated), one is declined, and in 阿巴嘎旗 one
petitioner dissatisfied with the sumu's answer asks the banner for a review (复查).

Everything goes through the petition services, acted by the agent of the body concerned (the
banner's clerk, the demo account banner_editor, is 阿巴嘎旗's banner-level agent; the demo
account gacha_agent is the agent of 阿日哈夏图嘎查). The lights are those of the as-of date."""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model

from shigan.accounts.services import user_create
from shigan.accounts.system import system_actor
from shigan.core.calendar import is_workday
from shigan.demo.scenario import names
from shigan.demo.scenario.context import DEMO_PASSWORD, Context
from shigan.orgs.choices import Role, UnitKind
from shigan.orgs.models import Membership, Unit
from shigan.orgs.services import membership_grant
from shigan.petitions import services as petitions
from shigan.petitions.choices import Category, Channel, Satisfaction, ToldBy
from shigan.petitions.services.intake import ID_CHECK, ID_WEIGHTS
from shigan.petitions.watch import petitions_watch

if TYPE_CHECKING:
    from shigan.accounts.models import User
    from shigan.petitions.models import Agent

__all__ = ["BANNERS", "GACHA_AGENT_VILLAGE", "build_petitions"]

D = datetime.date
# 阿巴嘎旗, 苏尼特左旗, 西乌珠穆沁旗
BANNERS = ("152522000000", "152523000000", "152526000000")
DEMO_BANNER = BANNERS[0]
GACHA_AGENT_VILLAGE = "152522100200"  # 阿日哈夏图嘎查, the demo account gacha_agent
FIRST_DAY = D(2023, 1, 3)
PER_BANNER = 14

# (category, title, request) — what herders and villagers bring to an agent.
MATTERS = (
    (Category.LAND, "草场边界纠纷", "与邻户草场边界不清，围栏被挪动，请求重新勘界确权。"),
    (Category.LAND, "草场承包经营权证登记有误", "承包经营权证上的面积与实际不符，请求更正。"),
    (Category.AGRICULTURE, "草原生态补奖资金未足额发放", "2022年度禁牧补助少发，请求核实补发。"),
    (
        Category.AGRICULTURE,
        "牲畜保险理赔迟迟未到位",
        "去年冬季雪灾死亡的牛羊已报案，理赔款至今未到。",
    ),
    (
        Category.LABOUR,
        "拖欠农牧民工工资",
        "在嘎查道路工程务工，工程队拖欠工资三个月，请求协调支付。",
    ),
    (Category.LABOUR, "低保认定不公", "家庭收入下降，申请低保未获批准，请求重新入户核查。"),
    (
        Category.CONSTRUCTION,
        "牧区饮水井损坏",
        "嘎查饮水井水泵损坏一个多月，人畜饮水困难，请求维修。",
    ),
    (Category.CONSTRUCTION, "通嘎查道路破损", "通往嘎查的砂石路冲毁，学生上学不便，请求修复。"),
    (Category.ENVIRONMENT, "矿区运输扬尘", "运煤车辆经过牧场扬尘严重，影响牧草生长，请求治理。"),
    (
        Category.EXPROPRIATION,
        "风电项目占用草场补偿",
        "风电场施工占用承包草场，补偿标准未公开，请求说明。",
    ),
    (Category.OTHER, "户籍信息更正", "身份证与户口簿上的蒙古文姓名译写不一致，请求协调更正。"),
)
REPLIES = (
    "经实地核查，已协调有关方面按政策办理，并当面向信访人说明。",
    "经核实，诉求合理，已督促落实，款项（事项）已于近日办结。",
    "经调查，相关情况已向信访人书面说明政策依据和办理结果。",
)


@dataclass
class _Post:
    unit: Unit
    agent: "Agent | None"  # None: the league's leader, who answers but takes nothing in
    user: "User"  # the agent's account

    @property
    def intake_agent(self) -> "Agent":
        """The agent who takes cases in here: every post has one but the league's answerer."""
        assert self.agent is not None, self.unit
        return self.agent


class _Agency:
    """The agents of one banner: the banner, its sumu, their gacha (posts by level)."""

    def __init__(self, banner, county: _Post):
        self.banner = banner
        self.county = county
        self.townships: list[_Post] = []
        self.villages: dict[int, list[_Post]] = {}  # township unit id → its gacha's posts

    def township_of(self, village: _Post) -> _Post:
        return next(t for t in self.townships if village in self.villages[t.unit.pk])


def build_petitions(ctx: Context) -> dict:
    agencies = [_agency(ctx, code) for code in BANNERS]
    made = 0
    for agency in agencies:
        made += _cases(ctx, agency)
    made += 2  # the review and the one near its limit
    _review(ctx, agencies[0])
    _near_limit(ctx, agencies[0])
    turned = petitions_watch(ctx.as_of)
    return {"petitions": made, "petitions_turned": turned}


# -- the agents ---------------------------------------------------------------------------------


def _user(ctx: Context, unit, label: str):
    """The agent's account: an editor of its unit (the right to record comes first)."""
    username = f"agent{unit.division_code}"
    user = get_user_model().objects.filter(username=username).first() or user_create(
        actor=system_actor("演示数据"),
        username=username,
        password=DEMO_PASSWORD,
        full_name=f"{unit.name}{label}",
    )
    _editor(ctx, user, unit)
    return user


def _editor(ctx: Context, user, unit) -> None:
    if not Membership.objects.filter(user=user, unit=unit, role=Role.EDITOR).exists():
        membership_grant(actor=ctx.office, user=user, unit=unit, role=Role.EDITOR)


def _appoint(ctx: Context, unit, user) -> _Post:
    agent = petitions.agent_appoint(actor=ctx.office, user=user, unit=unit, appointed_on=FIRST_DAY)
    return _Post(unit, agent, user)


def _agency(ctx: Context, code: str) -> _Agency:
    banner = Unit.objects.get(division_level=3, division_code=code)
    accounts = ctx.accounts
    demo = code == DEMO_BANNER
    county_user = accounts["banner_editor"] if demo else _user(ctx, banner, "信访代办员")
    agency = _Agency(banner, _appoint(ctx, banner, county_user))
    townships = Unit.objects.get_children(banner).filter(kind=UnitKind.TOWNSHIP).order_by("path")
    for township in townships:
        if len(agency.townships) == (2 if demo else 1):
            break
        children = Unit.objects.get_children(township).filter(kind=UnitKind.VILLAGE)
        villages = [v for v in children.order_by("path") if "社区" not in v.name][:1]
        if not villages:  # a town of streets and communities only
            continue
        post = _appoint(ctx, township, _user(ctx, township, "信访代办员"))
        agency.townships.append(post)
        posts = []
        for village in villages:
            if demo and village.division_code == GACHA_AGENT_VILLAGE and "gacha_agent" in accounts:
                user = accounts["gacha_agent"]
                _editor(ctx, user, village)
            else:
                user = _user(ctx, village, "代办员")
            posts.append(_appoint(ctx, village, user))
        agency.villages[township.pk] = posts
    return agency


# -- the cases ----------------------------------------------------------------------------------


def _petitioner(ctx: Context, banner, n: int) -> dict:
    rng = ctx.rng
    surname = rng.choice(names.SURNAMES)
    given = rng.choice(names.MONGOLIAN) if rng.random() < 0.5 else rng.choice(names.GIVEN)
    born = D(1950, 1, 1) + datetime.timedelta(days=rng.randint(0, 365 * 50))
    body = f"{banner.division_code[:6]}{born:%Y%m%d}{n % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True))
    phone = f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}"
    return {
        "name": given if given in names.MONGOLIAN and rng.random() < 0.5 else surname + given,
        "id_number": body + ID_CHECK[total % 11],
        "phone": phone,
        "address": banner.name,
    }


def _cases(ctx: Context, agency: _Agency) -> int:
    """PER_BANNER petitions taken in by the banner's agents, each sent down its path."""
    rng = ctx.rng
    villages = [v for posts in agency.villages.values() for v in posts]
    span = (ctx.as_of - FIRST_DAY).days
    days = sorted(
        FIRST_DAY + datetime.timedelta(days=rng.randint(0, span)) for _ in range(PER_BANNER)
    )
    # The demo gacha's agent takes in the last ones too, so their desk has work on it.
    demo_gacha = [v for v in villages if v.unit.division_code == GACHA_AGENT_VILLAGE]
    for i, day in enumerate(days):
        day = _workday(day)
        roll = rng.random()
        if demo_gacha and i >= PER_BANNER - 3:
            intake = demo_gacha[0]
        elif roll < 0.6:
            intake = rng.choice(villages)
        elif roll < 0.85:
            intake = rng.choice(agency.townships)
        else:
            intake = agency.county
        _case(ctx, agency, intake, day, i)
    return len(days)


def _workday(day: datetime.date) -> datetime.date:
    while not is_workday(day):
        day += datetime.timedelta(days=1)
    return day


def _case(ctx: Context, agency: _Agency, intake: _Post, day: datetime.date, n: int) -> None:
    rng = ctx.rng
    category, title, request = rng.choice(MATTERS)
    petition = petitions.petition_intake(
        actor=intake.user,
        agent=intake.intake_agent,
        received_on=day,
        channel=rng.choice((Channel.VISIT, Channel.VISIT, Channel.PHONE, Channel.LETTER)),
        title=f"{intake.unit.name}：{title}",
        request=request,
        category=category,
        first_time=rng.random() < 0.8,
        petitioners=[_petitioner(ctx, agency.banner, n + 1000 * agency.banner.pk)],
    )
    handler, handed_on = _handler(ctx, agency, intake, petition, day)
    if handler is None:
        return
    accepted = ctx.after(handed_on, 1, 5)
    if accepted >= ctx.as_of:
        return  # handed over days ago: still to be accepted
    if handler is not intake and rng.random() < 0.05:
        petitions.petition_decline(
            actor=handler.user,
            petition=petition,
            day=accepted,
            reason="该事项已依法通过诉讼途径处理，不属于信访受理范围。",
        )
        return
    petitions.petition_accept(actor=handler.user, petition=petition, accepted_on=accepted)
    replied = ctx.after(accepted, 8, 45)
    if replied >= ctx.as_of:
        return  # being handled
    petitions.petition_reply(
        actor=handler.user,
        petition=petition,
        text=rng.choice(REPLIES),
        replied_on=replied,
        told_by=rng.choice(ToldBy.values),
    )
    rated = ctx.after(replied, 2, 8)
    if rated < ctx.as_of:
        satisfaction = rng.choices(Satisfaction.values, weights=(6, 3, 1))[0]
        petitions.petition_rate(
            actor=intake.user, petition=petition, satisfaction=satisfaction, rated_on=rated
        )


def _handler(ctx: Context, agency: _Agency, intake: _Post, petition, day):
    """Who answers: the body that took it in, mostly; else it is handed up (转送) to the sumu,
    the banner or (from the banner) the league, whose leader answers it. Returns the
    answering post (None: not handed on yet) and the day it got the petition."""
    rng = ctx.rng
    if intake is agency.county:
        league = Unit.objects.get_parent(agency.banner)
        assert league is not None  # a banner always stands under its league
        up = _Post(league, None, ctx.league_leader)
        stays = rng.random() < 0.8
    elif intake in agency.townships:
        up, stays = agency.county, rng.random() < 0.75
    else:
        up = agency.township_of(intake) if rng.random() < 0.6 else agency.county
        stays = rng.random() < 0.7
    if stays:
        return intake, day
    routed = ctx.after(day, 0, 3)
    if routed >= ctx.as_of:
        return None, day
    target = up.unit
    petitions.petition_route(
        actor=intake.user,
        petition=petition,
        to_unit=target,
        day=routed,
        note="超出本级职权，转送上级有权处理机关。",
    )
    return up, routed


def _near_limit(ctx: Context, agency: _Agency) -> None:
    """One the banner accepted in April and has not answered yet: its 60 days end within the
    week (a yellow light on the banner clerk's desk)."""
    petition = petitions.petition_intake(
        actor=agency.county.user,
        agent=agency.county.intake_agent,
        received_on=D(2023, 4, 11),
        channel=Channel.LETTER,
        title=f"{agency.banner.name}：禁牧区划定范围有异议",
        request="所在嘎查部分草场被划入禁牧区，与实际草场状况不符，请求重新核定。",
        category=Category.AGRICULTURE,
        first_time=True,
        petitioners=[_petitioner(ctx, agency.banner, 998)],
    )
    petitions.petition_accept(
        actor=agency.county.user, petition=petition, accepted_on=D(2023, 4, 12)
    )


# -- the review (复查) --------------------------------------------------------------------------


def _review(ctx: Context, agency: _Agency) -> None:
    """A petitioner of the banner's first sumu is not satisfied with the sumu's answer and asks
    the banner for a review; the banner reviews within the month and upholds the answer."""
    township = agency.townships[0]
    intake = agency.villages[township.unit.pk][0]
    received = D(2023, 3, 6)
    petition = petitions.petition_intake(
        actor=intake.user,
        agent=intake.intake_agent,
        received_on=received,
        channel=Channel.VISIT,
        title=f"{intake.unit.name}：草场流转合同纠纷",
        request="草场流转合同到期后对方拒不退还草场，嘎查调解未果，请求依法处理。",
        category=Category.LAND,
        first_time=True,
        petitioners=[_petitioner(ctx, agency.banner, 999)],
    )
    petitions.petition_route(
        actor=intake.user,
        petition=petition,
        to_unit=township.unit,
        day=D(2023, 3, 7),
        note="嘎查调解未果，转送苏木处理。",
    )
    petitions.petition_accept(actor=township.user, petition=petition, accepted_on=D(2023, 3, 9))
    petitions.petition_reply(
        actor=township.user,
        petition=petition,
        text="经苏木司法所调查，合同约定续期条件已成就，建议双方按合同协商或依法诉讼。",
        replied_on=D(2023, 4, 10),
        told_by=ToldBy.WRITING,
    )
    petitions.petition_rate(
        actor=intake.user,
        petition=petition,
        satisfaction=Satisfaction.DISSATISFIED,
        rated_on=D(2023, 4, 12),
    )
    review = petitions.petition_review_request(
        actor=intake.user,
        petition=petition,
        requested_on=D(2023, 4, 20),
        text="对苏木答复不服，请求旗里复查。",
    )
    petitions.petition_review_decide(
        actor=agency.county.user,
        review=review,
        decided_on=D(2023, 5, 18),
        opinion="经复查，苏木答复认定事实清楚、适用政策正确，予以维持。",
    )
