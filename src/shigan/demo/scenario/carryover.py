"""The campaign that follows (issue 19, point 5): "2024年党纪学习教育", a small one run by
鄂尔多斯市, which carries over the city's long-term and unfinished problems of 2023.

Rooted at the city, not the region: the region's pages keep showing the 2023 campaign by
default (the latest campaign covering a unit is its default), so the article's walk is
unchanged; the city's pages open on 2024 and compare it with 2023.

Every record of 2024 belongs to the new campaign; the 2023 originals stay as they stood on the
carry-over day, so every figure of 2023 is unchanged (demo tests check them).
"""

import datetime

from django.core.files.base import ContentFile

from shigan.accounts.system import system_actor
from shigan.campaigns import services as campaigns
from shigan.campaigns.choices import AspectKind
from shigan.demo.scenario.context import Context
from shigan.orgs.models import Unit
from shigan.problems import services as problems
from shigan.problems.carryover import carry_over_candidates, problems_carry_over
from shigan.problems.choices import Light, MeasureState, ProblemTerm

__all__ = ["NAME", "ROOT", "STARTS_ON", "CARRIED_ON", "AS_OF_2024", "build_carryover"]

NAME = "2024年党纪学习教育"
ROOT = "150600000000"  # 鄂尔多斯市
STARTS_ON = datetime.date(2024, 4, 8)
ENDS_ON = datetime.date(2024, 7, 31)
CARRIED_ON = datetime.date(2024, 4, 15)
AS_OF_2024 = datetime.date(2024, 6, 28)  # the lights of the 2024 problems are as of this day
NEW_DEADLINE = datetime.date(2024, 6, 28)
CHECKPOINT = datetime.date(2024, 7, 31)
CARRIED = 12  # of the city's 29 candidates; the rest wait on the carry-over page
NEW_PROBLEMS = (
    ("党纪学习存在“学用脱节”现象，以案促学不够深入", "2024-05-13"),
    ("个别干部对《纪律处分条例》新修订内容掌握不全面", "2024-05-20"),
    ("基层党组织开展警示教育形式单一", "2024-06-03"),
)


def _day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def _chosen(ctx: Context, new) -> list[list]:
    """Long-term ones (new checkpoint), time-bound ones (new deadline), and the overdue ones
    carried as they are (still red)."""
    found = list(carry_over_candidates(user=ctx.office, campaign=new, source=ctx.campaign))
    lasting = [p for p in found if p.term == ProblemTerm.LONG_TERM]
    red = [p for p in found if p.light == Light.RED and p.term != ProblemTerm.LONG_TERM]
    rest = [p for p in found if p not in lasting and p not in red]
    return [lasting, red, rest[: max(CARRIED - len(lasting) - len(red), 0)]]


def _year_2024(ctx: Context, new, carried: list) -> None:
    """Progress on the carried problems; two of them finished and closed; new problems found."""
    office = ctx.office
    closing = [p for p in carried if p.term != ProblemTerm.LONG_TERM][:2]
    going = [p for p in carried if p not in closing][:4]
    for number, problem in enumerate(closing + going):
        problems.progress_report_add(
            actor=office,
            problem=problem,
            text="转入后继续落实整改措施。",
            percent=(100, 100, 60, 80, 50, 70)[number],
            reported_on=datetime.date(2024, 5, 6 + number),
        )
    for problem in closing:
        for measure in problem.measures.filter(state=MeasureState.PLANNED):
            problems.measure_complete(
                actor=office, measure=measure, done_on=datetime.date(2024, 5, 17)
            )
        closeout = problems.closeout_submit(
            actor=system_actor(
                "演示数据"
            ),  # the city's clerk (no demo account); the region's office reviews
            problem=problem,
            summary="整改措施已全部完成，长效机制已建立。",
            submitted_on=datetime.date(2024, 5, 20),
            files=[ContentFile("整改完成情况说明\n".encode(), name="整改完成情况说明.txt")],
        )
        problems.closeout_decide(
            actor=office, closeout=closeout, accept=True, decided_on=datetime.date(2024, 5, 24)
        )
    aspect = new.aspects.filter(kind=AspectKind.PROBLEM).order_by("ordinal").first()
    for title, found_on in NEW_PROBLEMS:
        problems.problem_create(
            actor=office,
            unit=new.root_unit,
            campaign=new,
            aspect=aspect,
            title=title,
            source="self_inspection",
            found_on=_day(found_on),
            deadline=NEW_DEADLINE,
            first_measure={"text": "组织专题学习和警示教育。", "added_on": _day(found_on)},
        )
    problems.problems_watch(AS_OF_2024, campaign=new)


def build_carryover(ctx: Context) -> dict:
    root = Unit.objects.get(division_level=2, division_code=ROOT)
    new = campaigns.campaign_start(
        actor=ctx.office,
        name=NAME,
        root_unit=root,
        starts_on=STARTS_ON,
        ends_on=ENDS_ON,
        previous=ctx.campaign,
    )
    lasting, red, rest = _chosen(ctx, new)
    carried = []
    for chosen, deadline in ((lasting, CHECKPOINT), (rest, NEW_DEADLINE), (red, None)):
        if chosen:
            carried += problems_carry_over(
                actor=ctx.office, problems=chosen, campaign=new, day=CARRIED_ON, deadline=deadline
            )
    _year_2024(ctx, new, carried)
    ctx.next_campaign = new
    return {"carried_over": len(carried)}
