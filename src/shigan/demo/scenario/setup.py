"""Stage 1: the calendar, the campaign and its batch, the 149 units made for it (departments,
enterprises, universities) beside the 12 leagues of the real tree, their enrolment, the aspects
and the guidance groups with their members."""

import datetime

from django.contrib.auth import get_user_model

from shigan.accounts.services import user_create
from shigan.accounts.system import system_actor
from shigan.campaigns import services as campaigns
from shigan.campaigns.choices import AspectKind, CampaignState
from shigan.core.models import CalendarYear
from shigan.core.services import calendar_year_seed
from shigan.demo.scenario import names
from shigan.demo.scenario.context import (
    BATCH_START,
    DEMO_PASSWORD,
    START,
    BatchUnit,
    Context,
    split,
)
from shigan.orgs.choices import UnitKind
from shigan.orgs.models import Unit
from shigan.orgs.services import UnitDraft, unit_bulk_create

__all__ = ["CAMPAIGN_NAME", "GROUPS", "build_setup", "ensure_calendar"]

CAMPAIGN_NAME = "学习贯彻习近平新时代中国特色社会主义思想主题教育"
GROUPS = 12  # touring guidance groups (巡回指导组)
ROOT_GROUP = "自治区主题教育领导小组办公室"
XILINGOL = "152500000000"

CATEGORY_KIND = {
    "department": UnitKind.DEPARTMENT,
    "enterprise": UnitKind.ENTERPRISE,
    "school": UnitKind.SCHOOL,
}
# How many leaders a unit of each kind has, relative to a department.
CATEGORY_WEIGHT = {"department": 1.0, "enterprise": 1.4, "school": 0.8}


def ensure_calendar() -> None:
    """Working days of 2023 (the scenario's dates), 2024 (the campaign that follows it) and
    of this year (deadlines, lights)."""
    for year in sorted({2023, 2024, datetime.date.today().year}):
        if not CalendarYear.objects.filter(year=year, complete=True).exists():
            try:
                calendar_year_seed(actor=system_actor("演示数据"), year=year)
            except Exception:  # noqa: BLE001  a year beyond the package: 2023–2024 are needed
                if year in (2023, 2024):
                    raise


def build_setup(ctx: Context, accounts: dict) -> None:
    ctx.accounts = accounts
    ctx.office = accounts["office"]
    ctx.league_leader = accounts["league_leader"]
    ctx.guide = accounts["guide"]
    ctx.root = Unit.objects.get(division_level=1, division_code="150000000000")
    league = Unit.objects.get(division_level=2, division_code=XILINGOL)
    ctx.league_path = league.path
    office = ctx.office
    ctx.campaign = campaigns.campaign_create(
        actor=office,
        name=CAMPAIGN_NAME,
        root_unit=ctx.root,
        starts_on=START,
        ends_on=START.replace(month=8, day=31),
        state=CampaignState.ACTIVE,
    )
    ctx.batch = campaigns.batch_create(
        actor=office,
        campaign=ctx.campaign,
        name="第一批",
        starts_on=BATCH_START,
        ends_on=BATCH_START.replace(month=8, day=31),
    )
    _units(ctx)
    campaigns.participation_enroll(
        actor=office,
        batch=ctx.batch,
        units=[b.unit for b in ctx.units],
        enrolled_on=BATCH_START,
    )
    _aspects(ctx)
    _groups(ctx)


def _units(ctx: Context) -> None:
    made = [
        (name, category)
        for category, names_ in (
            ("department", names.DEPARTMENTS),
            ("enterprise", names.ENTERPRISES),
            ("school", names.UNIVERSITIES),
        )
        for name in names_
    ]
    drafts = [
        UnitDraft(parent=ctx.root, name=name, kind=CATEGORY_KIND[category], sort_order=100 + i)
        for i, (name, category) in enumerate(made)
    ]
    outcome = unit_bulk_create(actor=ctx.office, drafts=drafts)
    units = Unit.objects.in_bulk(list(outcome.created.values()))
    leagues = list(Unit.objects.get_children(ctx.root).filter(division_level=2).order_by("path"))
    for league in leagues:
        ctx.units.append(BatchUnit(league, "prefecture", weight=max(league.numchild, 3)))
    for index, (name, category) in enumerate(made):
        unit = units[outcome.created[index]]
        ctx.units.append(BatchUnit(unit, category, weight=CATEGORY_WEIGHT[category]))
        if category == "department":
            ctx.departments[name] = unit
    ctx.by_unit = {b.unit.pk: b for b in ctx.units}


def _aspects(ctx: Context) -> None:
    office, campaign = ctx.office, ctx.campaign
    for name in names.RESEARCH_ASPECTS:
        ctx.research_aspects.append(
            campaigns.aspect_create(
                actor=office, campaign=campaign, kind=AspectKind.RESEARCH, name=name
            )
        )
    for name in names.PROBLEM_ASPECTS:
        ctx.problem_aspects.append(
            campaigns.aspect_create(
                actor=office, campaign=campaign, kind=AspectKind.PROBLEM, name=name
            )
        )
    for name in names.ROOT_PROBLEM_ASPECTS:
        ctx.root_problem_aspects.append(
            campaigns.aspect_create(
                actor=office, campaign=campaign, kind=AspectKind.PROBLEM, name=name
            )
        )


def _member(ctx: Context, number: int, title: str):
    """The group's member: the demo account "guide" for the first, an account per other."""
    if number == 1:
        return ctx.guide
    username = f"guide{number:02d}"
    existing = get_user_model().objects.filter(username=username).first()
    return existing or user_create(
        actor=system_actor("演示数据"),
        username=username,
        password=DEMO_PASSWORD,
        full_name=f"{title}组长",
    )


def _groups(ctx: Context) -> None:
    office, campaign, rng = ctx.office, ctx.campaign, ctx.rng
    leagues = [b for b in ctx.units if b.category == "prefecture"]
    others = [b for b in ctx.units if b.category != "prefecture"]
    rng.shuffle(others)
    sizes = split(len(others), [1.0] * GROUPS, rng)
    start = 0
    for number in range(1, GROUPS + 1):
        title = f"自治区主题教育第{_cn(number)}巡回指导组"
        group = campaigns.guidance_group_create(actor=office, campaign=campaign, name=title)
        members = [leagues[number - 1], *others[start : start + sizes[number - 1]]]
        start += sizes[number - 1]
        campaigns.guidance_group_assign(actor=office, group=group, units=[b.unit for b in members])
        user = _member(ctx, number, title)
        campaigns.guidance_group_add_member(actor=office, group=group, user=user)
        for b in members:
            b.group, b.reviewer = group, user
    # The region's own topics are reviewed by the leading group's office, a member of which is
    # the campaign office itself.
    ctx.root_group = campaigns.guidance_group_create(
        actor=office, campaign=campaign, name=ROOT_GROUP
    )
    campaigns.guidance_group_assign(actor=office, group=ctx.root_group, units=[ctx.root])
    campaigns.guidance_group_add_member(actor=office, group=ctx.root_group, user=office)


def _cn(n: int) -> str:
    digits = names.GROUP_NUMBERS
    if n <= 10:
        return digits[n - 1]
    return "十" + digits[n - 11]
